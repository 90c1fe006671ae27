/**
 * Reversible pseudonymization for one request: each detected value is replaced by a stable token
 * (`[EMAIL_1]`; the same value always gets the same token within the request), and the tokens the
 * model echoes back are replaced by the original values in its answer, whole or streamed.
 *
 * Create one per request: the token table is the request's secret and must not outlive it.
 */
import { detectPii, type DetectOptions } from './detect.js';
import { replaceFindings } from './redact.js';
import { createStreamRestorer, type StreamRestorer } from './stream-restorer.js';
import { formatToken, replaceTokens, tokensIn } from './tokens.js';
import type { EntityType, Finding } from './types.js';

export interface PseudonymizerOptions extends DetectOptions {
  /** Replaces the built-in detection, e.g. to add a custom detector. */
  detect?: (text: string) => Finding[];
}

export interface Pseudonymizer {
  /** Detects PII in `text` and returns it with every finding replaced by its token. */
  pseudonymize(text: string): string;
  /** The token for a value, issuing a new one the first time the value is seen. */
  tokenFor(type: EntityType, value: string): string;
  /**
   * Marks token-shaped strings already present in `text` as taken, so an issued token never
   * collides with one the user typed (which must come back as typed, not as someone's value).
   */
  reserve(text: string): void;
  /** Puts the original values back into a complete text. */
  restore(text: string): string;
  /** A restorer for one streamed text (one per choice). */
  createStreamRestorer(): StreamRestorer;
  /** Issued tokens → original values. */
  readonly originals: ReadonlyMap<string, string>;
}

/** Card, IBAN, SSN and phone numbers are the same value however they are spaced; emails ignore case. */
function normalize(type: EntityType, value: string): string {
  if (type === 'email') return value.toLowerCase();
  if (type === 'card' || type === 'iban' || type === 'ssn' || type === 'phone') {
    return value.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
  }
  return value;
}

export function createPseudonymizer(options: PseudonymizerOptions = {}): Pseudonymizer {
  const detect = options.detect ?? ((text: string) => detectPii(text, options));
  const originals = new Map<string, string>();
  const tokensByValue = new Map<string, string>();
  const counters = new Map<EntityType, number>();
  const reserved = new Set<string>();

  const tokenFor = (type: EntityType, value: string): string => {
    const key = `${type}\u0000${normalize(type, value)}`;
    const known = tokensByValue.get(key);
    if (known !== undefined) return known;
    let index = counters.get(type) ?? 0;
    let token: string;
    do token = formatToken(type, ++index);
    while (reserved.has(token));
    counters.set(type, index);
    tokensByValue.set(key, token);
    originals.set(token, value);
    return token;
  };

  const reserve = (text: string): void => {
    for (const token of tokensIn(text)) if (!originals.has(token)) reserved.add(token);
  };

  return {
    pseudonymize(text) {
      reserve(text);
      return replaceFindings(text, detect(text), (finding) => tokenFor(finding.type, finding.value));
    },
    tokenFor,
    reserve,
    restore: (text) => replaceTokens(text, (token) => originals.get(token)),
    createStreamRestorer: () => createStreamRestorer(originals),
    originals,
  };
}
