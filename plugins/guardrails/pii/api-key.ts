/**
 * API keys and tokens in the formats vendors document, found by their literal prefix and then
 * checked for the body's alphabet and length. The prefix search is a regex of literals only, and
 * the body is read by a bounded loop, so the scan stays linear even on `sk-sk-sk-…` floods.
 */
import * as chars from './chars.js';
import type { Finding } from './types.js';

// Bound once: under tsx's CommonJS transform every use of an imported binding is a getter call,
// which was a fifth of detection time in these hot loops.
const { codeAt, isAlnum, isBase64Url, isDigit, isUpper, isWord } = chars;

interface KeyFormat {
  kind: string;
  prefix: string;
  /** Characters allowed in the body after the prefix. */
  body: (code: number) => boolean;
  min: number;
  max: number;
}

const MAX_BODY = 256;
const isUpperAlnum = (code: number): boolean => isUpper(code) || isDigit(code);

// Longer prefixes first: `sk-ant-` and `sk-proj-` must win over plain `sk-`.
const FORMATS: readonly KeyFormat[] = [
  { kind: 'anthropic', prefix: 'sk-ant-', body: isBase64Url, min: 32, max: MAX_BODY },
  { kind: 'openai', prefix: 'sk-proj-', body: isBase64Url, min: 32, max: MAX_BODY },
  { kind: 'openai', prefix: 'sk-svcacct-', body: isBase64Url, min: 32, max: MAX_BODY },
  { kind: 'openai', prefix: 'sk-admin-', body: isBase64Url, min: 32, max: MAX_BODY },
  { kind: 'openai', prefix: 'sk-', body: isAlnum, min: 32, max: 64 },
  { kind: 'aws', prefix: 'AKIA', body: isUpperAlnum, min: 16, max: 16 },
  { kind: 'aws', prefix: 'ASIA', body: isUpperAlnum, min: 16, max: 16 },
  { kind: 'github', prefix: 'github_pat_', body: isWord, min: 50, max: MAX_BODY },
  ...['ghp_', 'gho_', 'ghs_', 'ghu_', 'ghr_'].map((prefix) => ({
    kind: 'github',
    prefix,
    body: isAlnum,
    min: 36,
    max: 36,
  })),
  ...['xoxb-', 'xoxa-', 'xoxp-', 'xoxr-', 'xoxs-'].map((prefix) => ({
    kind: 'slack',
    prefix,
    body: (code: number) => isAlnum(code) || code === 45,
    min: 10,
    max: MAX_BODY,
  })),
  { kind: 'stripe', prefix: 'sk_live_', body: isAlnum, min: 24, max: MAX_BODY },
  { kind: 'stripe', prefix: 'rk_live_', body: isAlnum, min: 24, max: MAX_BODY },
  { kind: 'google', prefix: 'AIza', body: isBase64Url, min: 35, max: 35 },
];

const PREFIXES = /sk-|sk_live_|rk_live_|AKIA|ASIA|github_pat_|gh[pousr]_|xox[abprs]-|AIza/g;

export function detectApiKeys(text: string): Finding[] {
  const findings: Finding[] = [];
  // Shared and reset per call: detection is synchronous, so no other scan can move lastIndex.
  const prefixes = PREFIXES;
  prefixes.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = prefixes.exec(text)) !== null) {
    const start = match.index;
    // Token alphabets include `-` and `_`, so those glue a prefix to whatever came before too.
    if (isBase64Url(codeAt(text, start - 1))) continue;
    const end = runEndOfToken(text, start);
    const found = keyAt(text, start, end);
    if (found) findings.push(found);
    // Skip the whole token either way: `sk-sk-sk-…` must not rescan the same run.
    prefixes.lastIndex = Math.max(end, start + 1);
  }
  return findings;
}

function runEndOfToken(text: string, start: number): number {
  const stop = Math.min(text.length, start + MAX_BODY + 16);
  let i = start;
  while (i < stop && isBase64Url(text.charCodeAt(i))) i++;
  return i;
}

function keyAt(text: string, start: number, end: number): Finding | undefined {
  if (isBase64Url(codeAt(text, end))) return undefined; // longer than any format allows
  const token = text.slice(start, end);
  for (const format of FORMATS) {
    if (!token.startsWith(format.prefix)) continue;
    const bodyLength = token.length - format.prefix.length;
    if (bodyLength < format.min || bodyLength > format.max) return undefined;
    for (let i = format.prefix.length; i < token.length; i++) {
      if (!format.body(token.charCodeAt(i))) return undefined;
    }
    // Real keys are random: a body without any digit is a word (`sk-this-is-my-...`), not a key.
    if (!/\d/.test(token.slice(format.prefix.length))) return undefined;
    return { type: 'api_key', start, end, value: token, score: 0.95, kind: format.kind };
  }
  return undefined;
}
