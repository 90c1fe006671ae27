/**
 * IPv6 addresses: eight groups of 1–4 hex digits, or fewer with one `::`, optionally ending in a
 * dotted IPv4 address. To avoid `std::vector`-like code, MAC addresses (six groups) and clock
 * times, a compressed address needs two explicit groups and at least one decimal digit.
 */
import * as chars from './chars.js';
import type { Finding } from './types.js';

// Bound once: under tsx's CommonJS transform every use of an imported binding is a getter call,
// which was a fifth of detection time in these hot loops.
const { codeAt, isDigit, isHex, isWord } = chars;

const MAX_LENGTH = 45;
const isAddressChar = (code: number): boolean => isHex(code) || code === 58 || code === 46;

export function detectIpv6(text: string): Finding[] {
  const findings: Finding[] = [];
  let consumed = 0;
  // Every address has a colon: jump between colons natively and grow the run around each one.
  let colon = text.indexOf(':');
  while (colon !== -1) {
    // Prose colons (`Note: x`, `https://`) have no hex digit or second colon next to them.
    const before = codeAt(text, colon - 1);
    const after = codeAt(text, colon + 1);
    if (colon < consumed || !(isHex(before) || before === 58 || isHex(after) || after === 58)) {
      colon = text.indexOf(':', colon + 1);
      continue;
    }
    let start = colon;
    while (start > consumed && colon - start <= MAX_LENGTH && isAddressChar(text.charCodeAt(start - 1)))
      start--;
    let runEnd = colon + 1;
    while (runEnd < text.length && runEnd - start <= MAX_LENGTH && isAddressChar(text.charCodeAt(runEnd)))
      runEnd++;
    consumed = runEnd;
    const found = addressIn(text, start, runEnd);
    if (found) findings.push(found);
    // Either way the run is consumed: an address never starts inside a run of address characters.
    colon = text.indexOf(':', runEnd);
  }
  return findings;
}

function addressIn(text: string, runStart: number, runEnd: number): Finding | undefined {
  let start = runStart;
  while (start < runEnd && text.charCodeAt(start) === 46) start++;
  const prev = codeAt(text, start - 1);
  if (runEnd - start > MAX_LENGTH || isWord(prev) || isWord(codeAt(text, runEnd))) return undefined;
  let end = runEnd;
  // Sentence punctuation after an address: `… 2001:db8::1.` or `fe80::1: timeout`.
  while (end > start && text.charCodeAt(end - 1) === 46) end--;
  if (end - start >= 2 && text.charCodeAt(end - 1) === 58 && text.charCodeAt(end - 2) !== 58) end--;
  const value = text.slice(start, end);
  if (!validIpv6(value)) return undefined;
  return { type: 'ip', start, end, value, score: 0.85, kind: 'ipv6' };
}

const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const OCTET = /^(0|[1-9]\d{0,2})$/;

export function validIpv6(candidate: string): boolean {
  // Cheap shape checks first: clock times (`12:30:45`) and `key: value` never get split.
  let colons = 0;
  for (let i = 0; i < candidate.length; i++) if (candidate.charCodeAt(i) === 58) colons++;
  // Without `::` every group is written: seven colons, or six before an embedded IPv4.
  if (colons < 2 || (colons < 6 && !candidate.includes('::'))) return false;
  const halves = candidate.split('::');
  if (halves.length > 2) return false;
  const groups: string[] = [];
  for (const half of halves) if (half !== '') groups.push(...half.split(':'));
  const last = groups[groups.length - 1] ?? '';
  let slots = groups.length;
  if (last.includes('.')) {
    if (!validEmbeddedIpv4(last)) return false;
    groups.pop();
    slots += 1;
  }
  for (const group of groups) if (!HEX_GROUP.test(group)) return false;
  if (halves.length === 1) return slots === 8;
  if (slots > 7) return false;
  // `::1`, `dead::beef` and `a::b` are more often code than addresses.
  if (slots < 2) return false;
  for (let i = 0; i < candidate.length; i++) if (isDigit(candidate.charCodeAt(i))) return true;
  return false;
}

function validEmbeddedIpv4(candidate: string): boolean {
  const octets = candidate.split('.');
  if (octets.length !== 4) return false;
  for (const octet of octets) if (!OCTET.test(octet) || Number(octet) > 255) return false;
  return true;
}
