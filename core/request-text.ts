/**
 * The client's own JSON text of a parsed request, kept beside it so that a provider can send
 * that text upstream instead of serialising the request again: JSON.stringify of a small chat
 * request costs about 4 % of a request's main-thread instructions (docs/benchmarks.md, "Twelfth
 * session").
 *
 * Kept on the parsed object itself, in a private field stamped onto it (a base class whose
 * constructor returns the object it is given lets a subclass add its private field to any object).
 * A private field is not an own key: a spread or Object.assign copy never carries it along, so a
 * stage that rewrites the request (it assigns a new object) leaves the text behind, and the text
 * is found only for the very object it spells. A WeakMap would do the same at about 0.6 µs per
 * request (ephemeron tables are slow to grow and to collect); the field costs what adding a
 * property costs. The HTTP handler records the text only when every stage of the pipeline promises
 * not to edit a request in place (StageFactory.replacesRequest).
 */
class Stampable {
  constructor(target: object) {
    return target;
  }
}

class RequestText extends Stampable {
  readonly #text: string;

  constructor(request: object, text: string) {
    super(request);
    this.#text = text;
  }

  static of(request: object): string | undefined {
    return #text in request ? (request as RequestText).#text : undefined;
  }
}

export function rememberRequestText(request: object, text: string): void {
  new RequestText(request, text);
}

/** The JSON text `request` was parsed from, when no one replaced it since. */
export function requestTextOf(request: object): string | undefined {
  return RequestText.of(request);
}

/**
 * `text` (a JSON object with at least one member) with `"stream_options":{"include_usage":true}`
 * added as its last member. For a request that had no `stream_options`.
 */
export function withUsageRequested(text: string): string {
  const end = text.lastIndexOf('}');
  return `${text.slice(0, end)},"stream_options":{"include_usage":true}${text.slice(end)}`;
}
