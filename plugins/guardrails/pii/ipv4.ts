/**
 * IPv4 addresses: four dot-separated decimal octets 0–255 without leading zeros. A fifth dotted
 * part (`1.2.3.4.5`, OIDs), a glued prefix (`v1.2.3.4`) or a version word just before
 * (`version 10.2.0.1`, `build 4.1.0.12`) makes it something else.
 */
import * as chars from './chars.js';
import { digitRuns } from './digit-runs.js';
import type { Finding } from './types.js';

// Bound once: under tsx's CommonJS transform every use of an imported binding is a getter call,
// which was a fifth of detection time in these hot loops.
const { codeAt, hasContextBefore, isDigit, isWord } = chars;

const VERSION_WORDS = [
  'version',
  'ver.',
  'ver ',
  'release',
  'build',
  'firmware',
  'v.',
  'sdk',
  'section',
  'chapter',
];

export function detectIpv4(text: string): Finding[] {
  const findings: Finding[] = [];
  const runs = digitRuns(text);
  let consumed = 0;
  for (let r = 0; r < runs.length; r += 2) {
    const start = runs[r] as number;
    // Prefilter on the run itself: a first octet has 1–3 digits and a dot right after it.
    const runEnd = runs[r + 1] as number;
    if (start < consumed || runEnd - start > 3 || text.charCodeAt(runEnd) !== 46) continue;
    // Runs inside a rejected dotted number are rejected by the glued-prefix check at their start.
    const end = dottedQuadEnd(text, start);
    if (end === -1 || hasContextBefore(text, start, VERSION_WORDS, 16)) continue;
    findings.push({ type: 'ip', start, end, value: text.slice(start, end), score: 0.85, kind: 'ipv4' });
    consumed = end;
  }
  return findings;
}

/** End of a valid dotted quad starting at `start`, or -1. Reads at most 15 characters. */
function dottedQuadEnd(text: string, start: number): number {
  const prev = codeAt(text, start - 1);
  if (isWord(prev) || ((prev === 46 || prev === 45) && isDigit(codeAt(text, start - 2)))) return -1;
  let i = start;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (text.charCodeAt(i) !== 46) return -1;
      i++;
    }
    const octetStart = i;
    while (i < text.length && i - octetStart < 4 && isDigit(text.charCodeAt(i))) i++;
    const length = i - octetStart;
    if (length === 0 || length > 3) return -1;
    if (length > 1 && text.charCodeAt(octetStart) === 48) return -1;
    let value = 0;
    for (let k = octetStart; k < i; k++) value = value * 10 + text.charCodeAt(k) - 48;
    if (value > 255) return -1;
  }
  const next = codeAt(text, i);
  if (isWord(next)) return -1;
  if ((next === 46 || next === 45) && isDigit(codeAt(text, i + 1))) return -1;
  return i;
}
