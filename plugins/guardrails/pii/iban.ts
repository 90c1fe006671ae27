/**
 * IBANs: a country code from the table below, two check digits, then the BBAN, either unbroken or
 * printed in groups of four separated by single spaces. The length must match the country's and
 * the mod-97 check must hold, which leaves about one random candidate in 97 × (length mismatch).
 */
import { ibanMod97Valid } from './checksums.js';
import * as chars from './chars.js';
import { digitRuns } from './digit-runs.js';
import type { Finding } from './types.js';

// Bound once: under tsx's CommonJS transform every use of an imported binding is a getter call,
// which was a fifth of detection time in these hot loops.
const { codeAt, isAlnum, isAlpha, isWord } = chars;

/** IBAN length per country (SWIFT IBAN registry), for the countries that use IBANs most. */
// prettier-ignore
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22,
  GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IS: 26, IT: 27, JO: 30,
  KW: 30, KZ: 20, LB: 28, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27,
  MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, SA: 24,
  SE: 24, SI: 19, SK: 24, SM: 27, TN: 24, TR: 26, UA: 29, VG: 24, XK: 20,
};

export function detectIbans(text: string): Finding[] {
  const findings: Finding[] = [];
  const runs = digitRuns(text);
  let consumed = 0;
  // The check digits are a digit run right after the two-letter country code: start from the runs
  // the number detectors share instead of scanning the text again.
  for (let r = 0; r < runs.length; r += 2) {
    const start = (runs[r] as number) - 2;
    if (start < consumed || (runs[r + 1] as number) - start < 4) continue;
    if (!isAlpha(codeAt(text, start)) || !isAlpha(codeAt(text, start + 1)) || isWord(codeAt(text, start - 1)))
      continue;
    const found = ibanAt(text, start);
    if (found) {
      findings.push(found);
      consumed = found.end;
    }
  }
  return findings;
}

/** Reads exactly the country's length of characters, allowing one space between groups of four. */
function ibanAt(text: string, start: number): Finding | undefined {
  const country = text.slice(start, start + 2);
  const upperCountry = country.toUpperCase();
  // Mixed case (`De89…`) is prose, not a pasted IBAN; all lower case is a sloppy paste, accepted.
  if (country !== upperCountry && country !== country.toLowerCase()) return undefined;
  const length = IBAN_LENGTHS[upperCountry];
  if (length === undefined) return undefined;
  let compact = '';
  let i = start;
  while (compact.length < length && i < text.length) {
    const code = text.charCodeAt(i);
    if (isAlnum(code)) {
      compact += text[i];
      i++;
    } else if (code === 32 && compact.length % 4 === 0 && isAlnum(codeAt(text, i + 1))) i++;
    else break;
  }
  if (compact.length !== length || isWord(codeAt(text, i))) return undefined;
  const iban = compact.toUpperCase();
  if (!ibanMod97Valid(iban)) return undefined;
  return { type: 'iban', start, end: i, value: text.slice(start, i), score: 0.95, kind: upperCountry };
}
