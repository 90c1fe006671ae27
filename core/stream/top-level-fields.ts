/**
 * Where the values of an object's top-level fields sit in its JSON text, found in one pass without
 * parsing the rest. The usage chunk that ends a stream is the one chunk the gateway must read; its
 * `usage` is a few numbers, and a full JSON.parse of the chunk (a slice of the read's text) cost
 * about as much as everything else the chunk goes through.
 *
 * The scan follows strings (with their escapes) and nesting, so a key inside a nested object or
 * a string never matches, and it checks that the text is one balanced object. It does not check
 * literals and numbers: callers parse the values they take with JSON.parse, which does.
 */

/** `text.slice(start, end)` is the value's JSON text. */
export interface ValueSpan {
  readonly start: number;
  readonly end: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/** The index after the string that opens at `at` (a quote), or -1 when it never closes. */
function stringEnd(text: string, at: number): number {
  for (let i = at + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === BACKSLASH) i++;
    else if (code === QUOTE) return i + 1;
  }
  return -1;
}

/**
 * Which of `keys` the quoted key `text.slice(start, end)` is: the key, null for any other key,
 * undefined when its escapes are broken. Compared in place; a key with escapes is unescaped first.
 */
function wantedKey(
  text: string,
  start: number,
  end: number,
  keys: readonly string[],
): string | null | undefined {
  const length = end - start - 2;
  let escaped = false;
  for (let at = start + 1; at < end - 1 && !escaped; at++) escaped = text.charCodeAt(at) === BACKSLASH;
  if (!escaped) {
    for (const key of keys) if (key.length === length && text.startsWith(key, start + 1)) return key;
    return null;
  }
  let unescaped: string;
  try {
    unescaped = JSON.parse(text.slice(start, end)) as string;
  } catch {
    return undefined;
  }
  return keys.includes(unescaped) ? unescaped : null;
}

/** A value's span, without the spaces before the comma or brace that ends it. */
function span(text: string, start: number, end: number): ValueSpan {
  let last = end;
  while (last > start && isSpace(text.charCodeAt(last - 1))) last--;
  return { start, end: last };
}

/**
 * The spans of the top-level values of `keys` in the JSON object `text` (the last one, as
 * JSON.parse keeps the last of repeated keys), or undefined when the text is not one balanced
 * object. A key not in the object has no entry.
 */
export function topLevelFields(text: string, keys: readonly string[]): Map<string, ValueSpan> | undefined {
  const found = new Map<string, ValueSpan>();
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== OPEN_BRACE) return undefined;
  i++;
  // The closer each open bracket waits for; the object itself is the first.
  const closers: number[] = [CLOSE_BRACE];
  let depth = 1;
  // At depth 1: the key just read, waiting for its value (after the colon): one of `keys`, or
  // null for any other key (compared in place, not sliced out).
  let key: string | null | undefined;
  let expectKey = true;
  let valueStart = -1;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      const end = stringEnd(text, i);
      if (end === -1) return undefined;
      if (depth === 1 && expectKey) {
        key = wantedKey(text, i, end, keys);
        if (key === undefined) return undefined;
        expectKey = false;
      } else if (depth === 1 && valueStart === -1) {
        return undefined;
      }
      i = end - 1;
      continue;
    }
    if (depth === 1) {
      // Between fields only spaces, a key, its colon, a comma or the closing brace belong.
      if (valueStart === -1 && !isSpace(code) && code !== COLON && code !== CLOSE_BRACE) return undefined;
      if (code === COLON) {
        if (key === undefined || valueStart !== -1) return undefined;
        // The value starts at the next character that is not a space.
        let at = i + 1;
        while (at < text.length && isSpace(text.charCodeAt(at))) at++;
        valueStart = at;
        i = at - 1;
        continue;
      }
      if (code === COMMA) {
        if (key !== null && key !== undefined && valueStart !== -1) found.set(key, span(text, valueStart, i));
        key = undefined;
        valueStart = -1;
        expectKey = true;
        continue;
      }
    }
    if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      closers.push(code === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET);
      depth++;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      if (closers.pop() !== code) return undefined;
      depth--;
      if (depth === 0) {
        if (key !== null && key !== undefined && valueStart !== -1) found.set(key, span(text, valueStart, i));
        for (let rest = i + 1; rest < text.length; rest++) {
          if (!isSpace(text.charCodeAt(rest))) return undefined;
        }
        return found;
      }
    }
  }
  return undefined;
}
