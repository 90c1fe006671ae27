/**
 * PEM private keys: from `-----BEGIN … PRIVATE KEY-----` (RSA, EC, DSA, OPENSSH, ENCRYPTED, PGP
 * blocks, or none) to the matching END line. A key pasted without its END line still counts, up to
 * the end of its base64 body, because a truncated key is still a leaked key.
 */
import type { Finding } from './types.js';

const BEGIN = '-----BEGIN ';
const MAX_LABEL = 40;
const MAX_BODY = 16_384;
const MIN_BODY = 16;
const BASE64_LINE = /^[A-Za-z0-9+/=]+$/;
// `Proc-Type: 4,ENCRYPTED` and `DEK-Info: …` lines of encrypted PEM files, followed by a blank line.
const HEADER_LINE = /^[A-Za-z-]{1,20}: /;

export function detectPrivateKeys(text: string): Finding[] {
  const findings: Finding[] = [];
  // One END search serves every BEGIN before it, so a flood of BEGIN lines stays linear.
  let nextEnd = -2;
  let begin = text.indexOf(BEGIN);
  while (begin !== -1) {
    const labelStart = begin + BEGIN.length;
    const labelEnd = text.slice(labelStart, labelStart + MAX_LABEL + 5).indexOf('-----') + labelStart;
    const label = text.slice(labelStart, labelEnd);
    if (labelEnd < labelStart || label.length > MAX_LABEL || !/PRIVATE KEY( BLOCK)?$/.test(label)) {
      begin = text.indexOf(BEGIN, begin + 1);
      continue;
    }
    if (nextEnd !== -1 && nextEnd < labelEnd) nextEnd = text.indexOf('-----END ', labelEnd);
    const footer = `-----END ${label}-----`;
    const bodyStart = labelEnd + 5;
    let end: number;
    let bodyEnd: number;
    if (nextEnd !== -1 && nextEnd - labelEnd <= MAX_BODY && text.startsWith(footer, nextEnd)) {
      bodyEnd = nextEnd;
      end = nextEnd + footer.length;
    } else {
      bodyEnd = end = truncatedEnd(text, bodyStart);
    }
    // A header with no body (a template, a doc snippet) leaks nothing.
    if (bodyEnd - bodyStart < MIN_BODY) {
      begin = text.indexOf(BEGIN, bodyStart);
      continue;
    }
    findings.push({
      type: 'private_key',
      start: begin,
      end,
      value: text.slice(begin, end),
      score: 0.99,
      kind: label,
    });
    begin = text.indexOf(BEGIN, end);
  }
  return findings;
}

/** End of the base64 lines after a header whose END line is missing; stops at the first other line. */
function truncatedEnd(text: string, headerEnd: number): number {
  const stop = Math.min(text.length, headerEnd + MAX_BODY);
  let end = headerEnd;
  let afterHeaderLine = false;
  let lineStart = text[headerEnd] === '\r' ? headerEnd + 1 : headerEnd;
  if (text[lineStart] !== '\n') return end;
  lineStart++;
  while (lineStart < stop) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 || newline > stop ? stop : newline;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    if (BASE64_LINE.test(line)) {
      end = lineStart + line.length;
      afterHeaderLine = false;
    } else if (HEADER_LINE.test(line) || (line === '' && afterHeaderLine)) {
      afterHeaderLine = line !== '';
    } else break;
    lineStart = lineEnd + 1;
  }
  return end;
}
