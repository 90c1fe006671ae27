/**
 * Phone numbers in two shapes:
 * - international: `+` and a country calling code, then 8–15 digits in all (E.164's limit) in
 *   groups split by spaces, hyphens, dots or parentheses, with an optional `(0)` trunk prefix;
 * - NANP (US, Canada, …): `(NXX) NXX-XXXX`, `NXX-NXX-XXXX`, `NXX.NXX.XXXX`, `NXX NXX XXXX`, with an
 *   optional leading `1`, or ten bare digits after a word such as "phone" or "call".
 * NANP area and exchange codes must start with 2–9 and must not be N11 service codes; area codes
 * with a middle 9 are reserved for expansion and rejected too.
 */
import { digitRuns } from './digit-runs.js';
import * as chars from './chars.js';
import type { Finding } from './types.js';

// Bound once: under tsx's CommonJS transform every use of an imported binding is a getter call,
// which was a fifth of detection time in these hot loops.
const { codeAt, endsCleanly, hasContextBefore, isDigit, isWord, startsCleanly } = chars;

const CONTEXT = ['phone', 'call', 'tel', 'mobile', 'cell', 'fax', 'sms', 'whatsapp', 'text me', 'number'];
const MAX_INTERNATIONAL = 32;

// Two-digit calling codes; 1 and 7 are the one-digit ones, every other code has three digits.
const TWO_DIGIT_CODES = new Set(
  '20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98'.split(
    ' ',
  ),
);
const THREE_DIGIT_ZONES = new Set(
  '21 22 23 24 25 26 29 35 37 38 42 50 59 67 68 69 80 85 87 88 96 97 99'.split(' '),
);

export function validNanp(digits: string): boolean {
  if (digits.length !== 10) return false;
  return nanpCode(digits, 0) && nanpCode(digits, 3) && digits[1] !== '9';
}

/** An area code or exchange: starts with 2–9 and is not an N11 service code. */
function nanpCode(digits: string, at: number): boolean {
  return digits.charCodeAt(at) >= 50 && !(digits[at + 1] === '1' && digits[at + 2] === '1');
}

function countryCodeLength(digits: string): number {
  if (digits.startsWith('1') || digits.startsWith('7')) return 1;
  if (TWO_DIGIT_CODES.has(digits.slice(0, 2))) return 2;
  return THREE_DIGIT_ZONES.has(digits.slice(0, 2)) ? 3 : 0;
}

export function detectPhones(text: string): Finding[] {
  const findings: Finding[] = [];
  const runs = digitRuns(text);
  let consumed = 0;
  for (let r = 0; r < runs.length; r += 2) {
    const digit = runs[r] as number;
    // A number starts at its digits, or at the `+` or `(` just before them.
    const prev = codeAt(text, digit - 1);
    const start = prev === 43 || prev === 40 ? digit - 1 : digit;
    const length = (runs[r + 1] as number) - digit;
    // NANP numbers start with a 3-digit area code, a trunk `1` or ten bare digits.
    const nanpShaped = length === 3 || length === 10 || (length === 1 && text[digit] === '1');
    if (start < consumed || (prev !== 43 && !nanpShaped)) continue;
    let found: Finding | undefined;
    if (prev === 43) found = isWord(codeAt(text, start - 1)) ? undefined : internationalAt(text, start);
    else if (startsCleanly(text, start)) found = nanpAt(text, start);
    if (found) {
      findings.push(found);
      consumed = found.end;
    }
  }
  return findings;
}

/** `+CC …`: reads digit groups, then keeps the longest prefix of groups that is a valid number. */
function internationalAt(text: string, start: number): Finding | undefined {
  const limit = Math.min(text.length, start + MAX_INTERNATIONAL);
  const ends: number[] = [];
  const counts: number[] = [];
  let digits = '';
  let open = false;
  let i = start + 1;
  while (i < limit && isDigit(text.charCodeAt(i))) {
    while (i < limit && isDigit(text.charCodeAt(i))) digits += text[i++];
    if (open && text[i] === ')') {
      open = false;
      i++;
    }
    ends.push(i);
    counts.push(digits.length);
    if (open) break;
    // The trunk prefix in `+44 (0)20 …` is dialled only from inside the country: not part of the number.
    const trunk = text.startsWith(' (0)', i) ? 4 : text.startsWith('(0)', i) ? 3 : 0;
    if (trunk > 0) {
      i += trunk;
      if (text[i] === ' ' || text[i] === '-') i++;
      continue;
    }
    const separator = text.startsWith(' (', i) ? 2 : ' -.('.includes(text[i] ?? 'x') ? 1 : 0;
    if (separator === 0) break;
    open = text[i + separator - 1] === '(';
    i += separator;
  }
  const ccLength = countryCodeLength(digits);
  if (ccLength === 0) return undefined;
  for (let g = ends.length - 1; g >= 0; g--) {
    const count = counts[g] as number;
    const end = ends[g] as number;
    const valid =
      digits[0] === '1' ? count === 11 && validNanp(digits.slice(1, 11)) : count >= 8 && count <= 15;
    if (!valid || !endsCleanly(text, end)) continue;
    return { type: 'phone', start, end, value: text.slice(start, end), score: 0.85, kind: 'international' };
  }
  return undefined;
}

function nanpAt(text: string, start: number): Finding | undefined {
  let i = start;
  // The trunk `1` in `1-800-555-0199` or `1 (800) 555-0199`.
  if (text[i] === '1' && (text[i + 1] === '-' || text[i + 1] === ' ' || text[i + 1] === '.')) {
    if (isDigit(codeAt(text, i + 2)) || text[i + 2] === '(') i += 2;
  }
  // Every NANP shape continues with three digits (after an optional `(`): check before slicing.
  const open = text[i] === '(' ? 1 : 0;
  if (
    !isDigit(codeAt(text, i + open)) ||
    !isDigit(codeAt(text, i + open + 1)) ||
    !isDigit(codeAt(text, i + open + 2))
  ) {
    return undefined;
  }
  let digits: string;
  let end: number;
  if (open === 1) {
    const area = text.slice(i + 1, i + 4);
    if (!/^\d{3}$/.test(area) || text[i + 4] !== ')') return undefined;
    i += text[i + 5] === ' ' ? 6 : 5;
    const rest = /^(\d{3})[-. ]?(\d{4})/.exec(text.slice(i, i + 9));
    if (!rest) return undefined;
    digits = area + rest[1] + rest[2];
    end = i + rest[0].length;
  } else {
    const shaped = /^(\d{3})([-. ])(\d{3})\2(\d{4})/.exec(text.slice(i, i + 12));
    if (shaped) {
      digits = (shaped[1] ?? '') + shaped[3] + shaped[4];
      end = i + shaped[0].length;
    } else {
      const bare = /^\d{10}/.exec(text.slice(i, i + 11));
      if (!bare || isDigit(codeAt(text, i + 10)) || !hasContextBefore(text, start, CONTEXT)) return undefined;
      digits = bare[0];
      end = i + 10;
    }
  }
  if (!endsCleanly(text, end) || !validNanp(digits)) return undefined;
  const score = hasContextBefore(text, start, CONTEXT) ? 0.8 : 0.7;
  return { type: 'phone', start, end, value: text.slice(start, end), score, kind: 'nanp' };
}
