/**
 * The `deny-list` guardrail: words and phrases that must not appear, matched case-insensitively
 * as whole words by default. One compiled alternation scans each text once.
 *
 * @example
 * // { guardrail: deny-list, options: { terms: [project falcon, codename] }, on: both, action: redact }
 */
import { defineGuardrail, type GuardrailFinding } from '../../../core/index.js';

export interface DenyListOptions {
  terms: string[];
  caseSensitive?: boolean;
  /** Match whole words only (default true): `cat` does not match `concatenate`. */
  wholeWords?: boolean;
  /** The finding type (default `deny_list`). */
  type?: string;
}

const escape = (term: string): string => term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const denyListGuardrail = defineGuardrail<DenyListOptions>({
  apiVersion: 1,
  name: 'deny-list',
  description: 'Refuses, redacts or labels listed words and phrases.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['terms'],
    properties: {
      terms: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
      caseSensitive: { type: 'boolean' },
      wholeWords: { type: 'boolean' },
      type: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' },
    },
  },
  phases: ['input', 'output'],
  actions: ['deny', 'redact', 'label'],
  create(options) {
    // Longest first, so `new york city` wins over `new york` at the same place.
    const terms = [...options.terms].sort((a, b) => b.length - a.length).map(escape);
    const body = `(?:${terms.join('|')})`;
    const source = options.wholeWords === false ? body : `(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])`;
    const pattern = new RegExp(source, options.caseSensitive ? 'gu' : 'giu');
    const type = options.type ?? 'deny_list';
    return {
      check(subject) {
        return { findings: matchAll(pattern, subject.texts, () => ({ type, score: 1 })) };
      },
    };
  },
});

/** Every non-empty match of a global pattern in every text, as located findings. */
export function matchAll(
  pattern: RegExp,
  texts: readonly { text: string }[],
  describe: (match: RegExpExecArray) => { type: string; score: number; detail?: string },
): GuardrailFinding[] {
  const findings: GuardrailFinding[] = [];
  texts.forEach(({ text }, index) => {
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      if (match[0].length === 0) {
        pattern.lastIndex++;
        continue;
      }
      const end = match.index + match[0].length;
      findings.push({ ...describe(match), location: { text: index, start: match.index, end } });
    }
  });
  return findings;
}
