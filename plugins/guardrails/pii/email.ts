/**
 * Email addresses. The scan starts at each `@` and grows the local part leftwards and the domain
 * rightwards with bounded loops: neither run can cross another `@`, so an `@` flood or a long run of
 * word characters costs one pass, not the quadratic time of a backtracking `[\w.]+@[\w.]+`.
 */
import * as chars from './chars.js';
import type { Finding } from './types.js';

// Bound once: under tsx's CommonJS transform every use of an imported binding is a getter call,
// which was a fifth of detection time in these hot loops.
const { codeAt, isAlnum, isAlpha } = chars;

const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

// File names such as `icon@2x.png` have the shape of an address; these "TLDs" are extensions.
const FILE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'bmp', 'ico', 'tiff', 'pdf']);

// RFC 5322 allows more in the local part, but these are what real addresses use.
const isLocalChar = (code: number): boolean =>
  isAlnum(code) || code === 46 || code === 95 || code === 37 || code === 43 || code === 45;
const isDomainChar = (code: number): boolean => isAlnum(code) || code === 46 || code === 45;

export function detectEmails(text: string): Finding[] {
  const findings: Finding[] = [];
  let at = text.indexOf('@');
  while (at !== -1) {
    const found = emailAround(text, at);
    if (found) findings.push(found);
    at = text.indexOf('@', found ? found.end : at + 1);
  }
  return findings;
}

function emailAround(text: string, at: number): Finding | undefined {
  let start = at;
  while (start > 0 && at - start <= MAX_LOCAL && isLocalChar(text.charCodeAt(start - 1))) start--;
  if (at - start > MAX_LOCAL) return undefined;
  // A leading dot belongs to the sentence ("see.john@x.com" is rare; "...john@x.com" is not).
  while (start < at && text.charCodeAt(start) === 46) start++;
  if (start === at || text.charCodeAt(at - 1) === 46) return undefined;
  if (text.slice(start, at).includes('..')) return undefined;

  let end = at + 1;
  while (end < text.length && end - at <= MAX_DOMAIN + 1 && isDomainChar(text.charCodeAt(end))) end++;
  if (end - at > MAX_DOMAIN + 1) return undefined;
  // A trailing dot or hyphen ends the sentence, not the domain.
  while (end > at + 1 && !isAlnum(text.charCodeAt(end - 1))) end--;
  if (!validDomain(text.slice(at + 1, end))) return undefined;
  // `user@host.com@evil` and `a@b.co_uk` are something else.
  const next = codeAt(text, end);
  if (next === 64 || next === 95) return undefined;
  return { type: 'email', start, end, value: text.slice(start, end), score: 0.9 };
}

function validDomain(domain: string): boolean {
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  for (const label of labels) {
    if (label.length === 0 || label.length > 63) return false;
    if (label.startsWith('-') || label.endsWith('-')) return false;
  }
  const tld = labels[labels.length - 1] ?? '';
  if (tld.length < 2) return false;
  for (let i = 0; i < tld.length; i++) if (!isAlpha(tld.charCodeAt(i))) return false;
  // An alphabetic TLD also rules out versions (`pkg@1.2.3`) and hosts (`root@10.0.0.1`).
  return !FILE_EXTENSIONS.has(tld.toLowerCase());
}
