/**
 * JSON Web Tokens: three base64url segments joined by dots whose first segment is a JSON object
 * header (so it starts with `eyJ`, the encoding of `{"`) naming an `alg` or a `typ`. The signature
 * may be empty (`alg: none`). Decoding the header is what rejects random `eyJ…` strings.
 */
import * as chars from './chars.js';
import type { Finding } from './types.js';

// Bound once: under tsx's CommonJS transform every use of an imported binding is a getter call,
// which was a fifth of detection time in these hot loops.
const { codeAt, isBase64Url } = chars;

const MAX_HEADER = 2_048;
const MAX_TOKEN = 16_384;

export function detectJwts(text: string): Finding[] {
  const findings: Finding[] = [];
  let at = text.indexOf('eyJ');
  while (at !== -1) {
    let next = at + 3;
    if (!isBase64Url(codeAt(text, at - 1))) {
      const headerEnd = segmentEnd(text, at);
      const payloadEnd = text[headerEnd] === '.' ? segmentEnd(text, headerEnd + 1) : -1;
      const end =
        payloadEnd > headerEnd + 1 && text[payloadEnd] === '.' ? segmentEnd(text, payloadEnd + 1) : -1;
      if (
        end !== -1 &&
        end - at <= MAX_TOKEN &&
        text[end] !== '.' &&
        validHeader(text.slice(at, headerEnd))
      ) {
        findings.push({ type: 'jwt', start: at, end, value: text.slice(at, end), score: 0.95 });
      }
      // Whatever happened, the header run is consumed: no JWT starts inside it.
      next = Math.max(next, end === -1 ? headerEnd : end);
    }
    at = text.indexOf('eyJ', next);
  }
  return findings;
}

function segmentEnd(text: string, start: number): number {
  const stop = Math.min(text.length, start + MAX_TOKEN);
  let i = start;
  while (i < stop && isBase64Url(text.charCodeAt(i))) i++;
  return i;
}

function validHeader(segment: string): boolean {
  if (segment.length > MAX_HEADER) return false;
  try {
    const header: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && ('alg' in header || 'typ' in header);
  } catch {
    return false;
  }
}
