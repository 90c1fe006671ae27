/**
 * One chunk of a streamed answer as it travels through the gateway.
 *
 * A chunk read from an OpenAI-format upstream keeps the upstream's own JSON text (and, usually,
 * the event's bytes) and is parsed only when something reads it (`.chunk`); the SSE writer sends
 * those bytes, or that text, unchanged. Parsing and re-serialising every event cost about as much
 * as the rest of the stream's handling together (docs/benchmarks.md), and most events are plain
 * content deltas that nobody reads.
 *
 * Chunks are immutable: a stage that changes one makes a new one with `StreamChunk.of(changed)`
 * (which the writer serialises again) instead of editing `.chunk` in place — an edit in place
 * would not reach the client, whose copy is the original text.
 */
import type { ChatCompletionChunk } from '../types/openai.js';

/**
 * Where a chunk's server-sent event sits in the upstream's bytes: `bytes.subarray(start, end)`
 * is `data: <json>\n\n` as it arrived. Offsets into the buffer of the read that carried it, so
 * neighbouring events can go out as one view.
 */
export interface WireSpan {
  readonly bytes: Buffer;
  readonly start: number;
  readonly end: number;
}

/** Parses a chunk's text; throws the provider's own error for a broken event. */
export type ChunkParser = (json: string) => ChatCompletionChunk;

// Reading the text: keys in JSON are followed by a colon, string values never are, and a quote
// inside a string is always escaped, so `"name":` is a key (possibly a nested one, which is why
// a match means "parse to be sure" where being wrong would matter).
// Non-empty content or refusal, a tool call, or a finish reason.
const OUTPUT_KEY = /"(?:content|refusal)"\s*:\s*"[^"]|"tool_calls"\s*:\s*\[\s*\{|"finish_reason"\s*:\s*"/;
// Regular expressions rather than indexOf loops: on the event parser's sliced strings they
// measured three times faster.
const FINISH_KEY = /"finish_reason"\s*:\s*"/;
const USAGE_KEY = /"usage"\s*:\s*\{/;

export class StreamChunk {
  #parsed: ChatCompletionChunk | undefined;
  #finishes: boolean | undefined;
  #output: boolean | undefined;
  readonly #json: string | undefined;
  readonly #parse: ChunkParser | undefined;
  readonly #wire: WireSpan | undefined;

  private constructor(
    json: string | undefined,
    parsed: ChatCompletionChunk | undefined,
    parse?: ChunkParser,
    wire?: WireSpan,
    finishes?: boolean,
  ) {
    this.#json = json;
    this.#parsed = parsed;
    this.#parse = parse;
    this.#wire = wire;
    this.#finishes = finishes;
  }

  /** A chunk the gateway built or changed; serialised when written. */
  static of(chunk: ChatCompletionChunk): StreamChunk {
    return new StreamChunk(undefined, chunk);
  }

  /**
   * A chunk as the upstream spelled it, parsed with `parse` on first read. `wire` is where the
   * server-sent event that carried it is (`data: <json>\n\n`), when the upstream sent it that way.
   * `finishes` is whether a choice has a finish reason, when the caller read that from the text
   * already (one scan of the text instead of two).
   */
  static fromJson(json: string, parse: ChunkParser, wire?: WireSpan, finishes?: boolean): StreamChunk {
    return new StreamChunk(json, undefined, parse, wire, finishes);
  }

  /** The parsed chunk (read-only: see the note at the top). Throws when the text is not a chunk. */
  get chunk(): ChatCompletionChunk {
    if (this.#parsed === undefined) this.#parsed = (this.#parse as ChunkParser)(this.#json as string);
    return this.#parsed;
  }

  get parsed(): boolean {
    return this.#parsed !== undefined;
  }

  /** The chunk's JSON text: the upstream's own when there is one. */
  json(): string {
    return this.#json ?? JSON.stringify(this.#parsed);
  }

  /** Where the upstream's own event for this chunk (`data: <json>\n\n`) is, when it has one. */
  wire(): WireSpan | undefined {
    return this.#wire;
  }

  /**
   * Whether a choice has a finish reason. Read from the text when the chunk was not parsed: a
   * `finish_reason` key with a string value (no other field of a chunk has that key).
   */
  finishes(): boolean {
    if (this.#parsed !== undefined) return hasFinish(this.#parsed);
    this.#finishes ??= FINISH_KEY.test(this.#json as string);
    return this.#finishes;
  }

  /** The usage the chunk reports, if any; decided from the text when it cannot have one. */
  usage(): ChatCompletionChunk['usage'] {
    if (this.#parsed === undefined && !USAGE_KEY.test(this.#json as string)) {
      return undefined;
    }
    return this.chunk.usage ?? undefined;
  }

  /**
   * Whether the chunk carries output (see hasOutput), read from the text when not parsed. The
   * text can be wrong only for odd spellings, and both ways are safe where this decides
   * something: a chunk taken for output one event early commits the stream one event early; an
   * output taken for none is held back until the next output, which still is before anything
   * reached the client.
   */
  hasOutput(): boolean {
    if (this.#parsed !== undefined) return hasOutput(this.#parsed);
    // Remembered: the commit and the accounting both ask about the first chunks.
    this.#output ??= this.#finishes === true || OUTPUT_KEY.test(this.#json as string);
    return this.#output;
  }
}

export function hasFinish(chunk: ChatCompletionChunk): boolean {
  for (const choice of chunk.choices) {
    if (choice.finish_reason !== null && choice.finish_reason !== undefined) return true;
  }
  return false;
}

/** Real output: content, a refusal, a tool call or a finish reason (a role-only delta is not). */
export function hasOutput(chunk: ChatCompletionChunk): boolean {
  for (const choice of chunk.choices) {
    if (choice.finish_reason) return true;
    const delta = choice.delta;
    if (!delta) continue;
    if (typeof delta.content === 'string' && delta.content.length > 0) return true;
    if (typeof delta.refusal === 'string' && delta.refusal.length > 0) return true;
    if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) return true;
  }
  return false;
}
