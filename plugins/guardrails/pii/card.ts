/**
 * Payment card numbers: 13–19 digits, unbroken or in the printed groupings (4-4-4-4, 4-6-5 for
 * Amex, 4-6-4 for Diners), with one kind of separator, a known issuer prefix for the length, and a
 * valid Luhn check digit. Random 16-digit numbers pass both checks about 2.7% of the time, which is
 * why order ids and the like are rejected mostly by their shape (letters, other lengths), not here.
 */
import * as chars from './chars.js';
import { digitRuns } from './digit-runs.js';
import type { Finding } from './types.js';

// Bound once: under tsx's CommonJS transform every use of an imported binding is a getter call,
// which was a fifth of detection time in these hot loops.
const { codeAt, isDigit, isWord } = chars;

interface Brand {
  name: string;
  lengths: readonly number[];
  /** Inclusive prefix ranges, compared on the first `digits` digits of the number. */
  ranges: readonly (readonly [number, number])[];
  digits: number;
}

const span = (from: number, to: number): readonly [number, number] => [from, to];

const BRANDS: readonly Brand[] = [
  { name: 'visa', lengths: [13, 16, 19], digits: 1, ranges: [span(4, 4)] },
  { name: 'mastercard', lengths: [16], digits: 2, ranges: [span(51, 55)] },
  { name: 'mastercard', lengths: [16], digits: 4, ranges: [span(2221, 2720)] },
  { name: 'amex', lengths: [15], digits: 2, ranges: [span(34, 34), span(37, 37)] },
  { name: 'discover', lengths: [16, 17, 18, 19], digits: 4, ranges: [span(6011, 6011)] },
  { name: 'discover', lengths: [16, 17, 18, 19], digits: 3, ranges: [span(644, 649)] },
  { name: 'discover', lengths: [16, 17, 18, 19], digits: 2, ranges: [span(65, 65)] },
  { name: 'jcb', lengths: [16, 17, 18, 19], digits: 4, ranges: [span(3528, 3589)] },
  { name: 'diners', lengths: [14, 15, 16, 17, 18, 19], digits: 3, ranges: [span(300, 305)] },
  { name: 'diners', lengths: [14, 15, 16, 17, 18, 19], digits: 2, ranges: [span(36, 36), span(38, 39)] },
  { name: 'unionpay', lengths: [16, 17, 18, 19], digits: 2, ranges: [span(62, 62)] },
];

/** The issuing network of a digit string, or undefined when no known prefix fits its length. */
export function cardBrand(digits: string): string | undefined {
  return brandFor(Number(digits.slice(0, 4)), digits.length);
}

function brandFor(first4: number, length: number): string | undefined {
  for (const brand of BRANDS) {
    if (!brand.lengths.includes(length)) continue;
    const prefix = Math.floor(first4 / 10 ** (4 - brand.digits));
    for (const [from, to] of brand.ranges) if (prefix >= from && prefix <= to) return brand.name;
  }
  return undefined;
}

interface Group {
  start: number;
  end: number;
}

export function detectCards(text: string): Finding[] {
  const findings: Finding[] = [];
  const runs = digitRuns(text);
  let consumed = 0;
  for (let r = 0; r < runs.length; r += 2) {
    const i = runs[r] as number;
    const end = runs[r + 1] as number;
    // A card starts with a 4-digit group or is 13–19 unbroken digits; skip every other run at once.
    if (i < consumed || (end - i !== 4 && (end - i < 13 || end - i > 19))) continue;
    const next = codeAt(text, end);
    if ((next === 32 || next === 45) && isDigit(codeAt(text, end + 1))) {
      const groups = readGroups(text, i);
      const last = groups[groups.length - 1] as Group;
      if (!isWord(codeAt(text, i - 1)) && !isWord(codeAt(text, last.end))) findInRun(text, groups, findings);
      consumed = last.end;
      continue;
    }
    // The common case, one unbroken run: no group bookkeeping.
    const glued = isWord(codeAt(text, i - 1)) || isWord(next);
    if (!glued && end - i >= 13 && end - i <= 19) findInRun(text, [{ start: i, end }], findings);
  }
  return findings;
}

/** Digit groups joined by single spaces or single hyphens (the first separator fixes which). */
function readGroups(text: string, start: number): Group[] {
  const groups: Group[] = [];
  let separator = -1;
  let i = start;
  while (true) {
    const groupStart = i;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    groups.push({ start: groupStart, end: i });
    const next = codeAt(text, i);
    if ((next !== 32 && next !== 45) || !isDigit(codeAt(text, i + 1))) return groups;
    if (separator === -1) separator = next;
    else if (next !== separator) return groups;
    i++;
  }
}

/** Tries the windows of consecutive groups from each group in turn; non-overlapping finds. */
function findInRun(text: string, groups: readonly Group[], findings: Finding[]): void {
  let first = 0;
  while (first < groups.length) {
    const found = longestCardFrom(text, groups, first);
    if (found) {
      findings.push(found.finding);
      first = found.next;
    } else first++;
  }
}

const lengthOf = (group: Group | undefined): number => (group ? group.end - group.start : 0);

/**
 * The longest card number starting at group `first`: one unbroken group, or a printed grouping
 * (4-4-4-4 with a last group of 1–4 digits, or 4-6-5 / 4-6-4). Each window holds at most 19
 * digits and the shape test stops at the first group that cannot belong, so this is constant work.
 */
function longestCardFrom(
  text: string,
  groups: readonly Group[],
  first: number,
): { finding: Finding; next: number } | undefined {
  // No inner closure here: this runs per digit group, and a closure per call is an allocation
  // (plus a defineProperty per call under tsx, which keeps function names).
  let best: { finding: Finding; next: number } | undefined;
  const firstLength = lengthOf(groups[first]);
  if (firstLength >= 13 && firstLength <= 19) best = cardWindow(text, groups, first, first, best);
  if (firstLength !== 4) return best;
  const third = lengthOf(groups[first + 2]);
  if (lengthOf(groups[first + 1]) === 6 && (third === 4 || third === 5))
    best = cardWindow(text, groups, first, first + 2, best);
  let total = 4;
  for (let k = first + 1; k < groups.length; k++) {
    const length = lengthOf(groups[k]);
    total += length;
    if (length > 4 || total > 19) break;
    // Windows only grow, so a later hit is the longer one.
    if (total >= 13) best = cardWindow(text, groups, first, k, best);
    if (length !== 4) break; // a short group can only be the last one
  }
  return best;
}

/** The card of groups `first..last` as the new best, or the previous best when there is none. */
function cardWindow(
  text: string,
  groups: readonly Group[],
  first: number,
  last: number,
  best: { finding: Finding; next: number } | undefined,
): { finding: Finding; next: number } | undefined {
  const finding = cardIn(text, groups, first, last);
  return finding ? { finding, next: last + 1 } : best;
}

/**
 * The card formed by groups `first..last`, if it passes Luhn and has a known brand. Luhn runs over
 * the char codes in place, so the nine windows in ten that fail it allocate nothing.
 */
function cardIn(text: string, groups: readonly Group[], first: number, last: number): Finding | undefined {
  let sum = 0;
  let length = 0;
  for (let g = last; g >= first; g--) {
    const group = groups[g] as Group;
    for (let i = group.end - 1; i >= group.start; i--) {
      let digit = text.charCodeAt(i) - 48;
      if (length % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
      sum += digit;
      length++;
    }
  }
  if (sum % 10 !== 0) return undefined;
  const start = (groups[first] as Group).start;
  const brand = brandFor(Number(text.slice(start, start + 4)), length);
  if (brand === undefined) return undefined;
  const end = (groups[last] as Group).end;
  return { type: 'card', start, end, value: text.slice(start, end), score: 0.9, kind: brand };
}
