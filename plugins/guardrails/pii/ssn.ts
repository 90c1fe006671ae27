/**
 * US Social Security numbers: `AAA-GG-SSSS` (or with spaces), or nine bare digits when the words
 * before them say SSN. Numbers the SSA never issues are rejected: area 000, 666 and 900–999,
 * group 00, serial 0000, and the two numbers printed in advertising (078-05-1120, 219-09-9999).
 */
import * as chars from './chars.js';
import { digitRuns } from './digit-runs.js';
import type { Finding } from './types.js';

// Bound once: under tsx's CommonJS transform every use of an imported binding is a getter call,
// which was a fifth of detection time in these hot loops.
const { endsCleanly, hasContextBefore, isDigit, startsCleanly } = chars;

const CONTEXT = ['ssn', 'social security', 'social sec', 'ss#', 'ss #', 'ss no', 'taxpayer id', 'tin:'];
const ADVERTISED = new Set(['078051120', '219099999']);

export function validSsnDigits(digits: string): boolean {
  if (digits.length !== 9 || ADVERTISED.has(digits)) return false;
  const area = Number(digits.slice(0, 3));
  const group = digits.slice(3, 5);
  const serial = digits.slice(5);
  return area !== 0 && area !== 666 && area < 900 && group !== '00' && serial !== '0000';
}

export function detectSsns(text: string): Finding[] {
  const findings: Finding[] = [];
  const runs = digitRuns(text);
  let consumed = 0;
  for (let r = 0; r < runs.length; r += 2) {
    const start = runs[r] as number;
    const length = (runs[r + 1] as number) - start;
    // Only `AAA-…` or nine bare digits can start an SSN; most runs are rejected right here.
    if ((length !== 3 && length !== 9) || start < consumed || !startsCleanly(text, start)) continue;
    const found = ssnAt(text, start);
    if (found) {
      findings.push(found);
      consumed = found.end;
    }
  }
  return findings;
}

function digitsEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  return i;
}

function ssnAt(text: string, start: number): Finding | undefined {
  const areaEnd = digitsEnd(text, start);
  // The context check is the expensive part: it runs only once the shape fits.
  let end: number;
  let score: number;
  if (areaEnd - start === 9) {
    if (!hasContextBefore(text, start, CONTEXT)) return undefined;
    end = areaEnd;
    score = 0.8;
  } else {
    if (areaEnd - start !== 3) return undefined;
    const separator = text.charCodeAt(areaEnd);
    // Hyphens are the SSN's own format; spaces are common enough only next to the word "SSN".
    if (separator !== 45 && !(separator === 32 && hasContextBefore(text, start, CONTEXT))) return undefined;
    const groupEnd = digitsEnd(text, areaEnd + 1);
    if (groupEnd - areaEnd !== 3 || text.charCodeAt(groupEnd) !== separator) return undefined;
    end = digitsEnd(text, groupEnd + 1);
    if (end - groupEnd !== 5) return undefined;
    score = hasContextBefore(text, start, CONTEXT) ? 0.95 : 0.85;
  }
  if (!endsCleanly(text, end)) return undefined;
  const value = text.slice(start, end);
  if (!validSsnDigits(value.replace(/[ -]/g, ''))) return undefined;
  return { type: 'ssn', start, end, value, score };
}
