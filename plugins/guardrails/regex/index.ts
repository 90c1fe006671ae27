/**
 * The `regex` guardrail: named regular expressions, each a finding type of its own. Patterns
 * come from the operator's configuration and are compiled once at boot (a bad one fails the
 * boot); like any regex they should be written to run in linear time.
 *
 * @example
 * // { guardrail: regex, options: { rules: [{ name: ticket_id, pattern: 'TCK-\\d{6}' }] }, action: redact }
 */
import { defineGuardrail } from '../../../core/index.js';
import { matchAll } from '../deny-list/index.js';

export interface RegexRule {
  /** The finding type (`ticket_id`). */
  name: string;
  pattern: string;
  /** Extra flags: `i`, `m`, `s`, `u` (`g` is always set). */
  flags?: string;
  score?: number;
}

export interface RegexOptions {
  rules: RegexRule[];
}

export const regexGuardrail = defineGuardrail<RegexOptions>({
  apiVersion: 1,
  name: 'regex',
  description: 'Custom named regular expressions.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['rules'],
    properties: {
      rules: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'pattern'],
          properties: {
            name: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' },
            pattern: { type: 'string', minLength: 1 },
            flags: { type: 'string', pattern: '^[imsu]*$' },
            score: { type: 'number', minimum: 0, maximum: 1 },
          },
        },
      },
    },
  },
  phases: ['input', 'output'],
  actions: ['deny', 'redact', 'label'],
  create(options) {
    const rules = options.rules.map((rule) => ({
      type: rule.name,
      score: rule.score ?? 1,
      pattern: new RegExp(rule.pattern, `g${rule.flags ?? ''}`),
    }));
    return {
      check(subject) {
        const findings = rules.flatMap((rule) =>
          matchAll(rule.pattern, subject.texts, () => ({ type: rule.type, score: rule.score })),
        );
        return { findings };
      },
    };
  },
});
