/**
 * The placeholder format shared by redaction and pseudonymization: `[EMAIL_1]`, `[CARD_2]`, ….
 *
 * Why this shape: models copy bracketed upper-case tags verbatim (instruction data is full of
 * `[NAME]`-style placeholders, and they read as "do not touch"); it is plain ASCII, so no Unicode
 * normalisation or quote "fixing" alters it; it has no meaning in HTML (unlike `<PII_1>`, which
 * renderers hide and some models escape) nor in Markdown unless followed by `(url)`; it tokenizes
 * into a few tokens; and it cannot be mistaken for a real value of any entity family.
 */
import type { EntityType } from './types.js';

export const TOKEN_LABELS: Readonly<Record<EntityType, string>> = {
  email: 'EMAIL',
  phone: 'PHONE',
  card: 'CARD',
  iban: 'IBAN',
  ssn: 'SSN',
  ip: 'IP',
  api_key: 'API_KEY',
  private_key: 'PRIVATE_KEY',
  jwt: 'JWT',
};

/** No token is longer than this: `[PRIVATE_KEY_` + a counter of up to ten digits + `]`. */
export const MAX_TOKEN_LENGTH = 24;

export function formatToken(type: EntityType, index: number): string {
  return `[${TOKEN_LABELS[type]}_${index}]`;
}

const isTokenChar = (code: number): boolean =>
  (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95;
const TOKEN_SHAPE = /^\[[A-Z][A-Z_]*_[1-9]\d*\]$/;

/**
 * Calls `visit` for every token-shaped `[…]` in `text`, left to right. A scanner rather than a
 * global regex: each `[` reads at most MAX_TOKEN_LENGTH characters, so a `[` flood stays linear.
 */
function eachToken(text: string, visit: (token: string, start: number) => void): void {
  let open = text.indexOf('[');
  while (open !== -1) {
    let close = open + 1;
    const stop = Math.min(text.length, open + MAX_TOKEN_LENGTH);
    while (close < stop && isTokenChar(text.charCodeAt(close))) close++;
    if (text.charCodeAt(close) === 93 && TOKEN_SHAPE.test(text.slice(open, close + 1))) {
      visit(text.slice(open, close + 1), open);
      open = text.indexOf('[', close + 1);
    } else open = text.indexOf('[', open + 1);
  }
}

/** Every token-shaped string in `text`, whether or not anyone issued it. */
export function tokensIn(text: string): string[] {
  const found: string[] = [];
  eachToken(text, (token) => found.push(token));
  return found;
}

/** Replaces each token that `lookup` knows; unknown tokens are left as they are. */
export function replaceTokens(text: string, lookup: (token: string) => string | undefined): string {
  let result = '';
  let copied = 0;
  eachToken(text, (token, start) => {
    const original = lookup(token);
    if (original === undefined) return;
    result += text.slice(copied, start) + original;
    copied = start + token.length;
  });
  return copied === 0 ? text : result + text.slice(copied);
}
