/**
 * Character-class helpers for the hand-written scanners. The detectors walk char codes instead of
 * running open-ended regexes so that every scan is linear: a backtracking regex such as
 * `[\w.]+@[\w.]+` is quadratic on a long run of word characters, a scanner is not.
 */

export const isDigit = (code: number): boolean => code >= 48 && code <= 57;
export const isUpper = (code: number): boolean => code >= 65 && code <= 90;
export const isLower = (code: number): boolean => code >= 97 && code <= 122;
export const isAlpha = (code: number): boolean => isUpper(code) || isLower(code);
export const isAlnum = (code: number): boolean => isDigit(code) || isAlpha(code);
export const isHex = (code: number): boolean =>
  isDigit(code) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
/** Letters, digits and `_`: what `\w` means in a regex. */
export const isWord = (code: number): boolean => isAlnum(code) || code === 95;
/** The alphabet of base64url, as used by JWTs and most API tokens. */
export const isBase64Url = (code: number): boolean => isWord(code) || code === 45;

/** The char code at `index`, or -1 outside the text, so boundary checks need no range test. */
export function codeAt(text: string, index: number): number {
  return index >= 0 && index < text.length ? text.charCodeAt(index) : -1;
}

/** Index just past the run of characters matching `accept` from `start`, scanning at most `limit`. */
export function runEnd(
  text: string,
  start: number,
  accept: (code: number) => boolean,
  limit: number,
): number {
  const stop = Math.min(text.length, start + limit);
  let i = start;
  while (i < stop && accept(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Whether one of `words` (lower case ASCII) starts a word in the `window` characters before
 * `start`, ignoring ASCII case. Bounded by the window, so calling it per candidate keeps a scan
 * linear, and it compares char codes in place: no slice, no lower-cased copy, nothing to collect.
 */
export function hasContextBefore(
  text: string,
  start: number,
  words: readonly string[],
  window = 32,
): boolean {
  const from = Math.max(0, start - window);
  const starts = firstCodes(words);
  for (let at = from; at < start; at++) {
    const first = lowerCode(text.charCodeAt(at));
    if (first >= 128 || starts[first] === 0) continue;
    // Whole words only: "server" must not count as "ver". The window's edge counts as a boundary.
    if (at > from && isAlpha(text.charCodeAt(at - 1))) continue;
    for (const word of words) {
      if (word.charCodeAt(0) !== first || at + word.length > start) continue;
      let k = 1;
      while (k < word.length && lowerCode(text.charCodeAt(at + k)) === word.charCodeAt(k)) k++;
      if (k === word.length) return true;
    }
  }
  return false;
}

const firstCodeTables = new WeakMap<readonly string[], Uint8Array>();

/** Which (ASCII) char codes start one of `words`, computed once per word list. */
function firstCodes(words: readonly string[]): Uint8Array {
  let table = firstCodeTables.get(words);
  if (!table) {
    table = new Uint8Array(128);
    for (const word of words) if (word.charCodeAt(0) < 128) table[word.charCodeAt(0)] = 1;
    firstCodeTables.set(words, table);
  }
  return table;
}

/** ASCII lower case of a char code; other codes unchanged. */
const lowerCode = (code: number): number => (code >= 65 && code <= 90 ? code + 32 : code);

/**
 * A numeric value that is embedded in a larger token (`v1.2.3.4`, `ID-2125551234`, `#123456789`)
 * is not one of ours: the character before it must not glue it to something else.
 */
export function startsCleanly(text: string, start: number): boolean {
  const prev = codeAt(text, start - 1);
  if (prev === -1) return true;
  if (isWord(prev)) return false;
  // - . / # + @ $ glued separators that make the number part of an identifier, path or amount.
  if (prev === 45 || prev === 46 || prev === 47 || prev === 35 || prev === 43 || prev === 64 || prev === 36) {
    return false;
  }
  return true;
}

/** The mirror of `startsCleanly`: no word character and no `-`/`.` followed by a digit after `end`. */
export function endsCleanly(text: string, end: number): boolean {
  const next = codeAt(text, end);
  if (next === -1) return true;
  if (isWord(next)) return false;
  if ((next === 45 || next === 46 || next === 47) && isDigit(codeAt(text, end + 1))) return false;
  return true;
}
