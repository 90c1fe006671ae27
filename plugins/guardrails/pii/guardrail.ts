/**
 * The `pii` guardrail: PII and secrets (emails, cards, IBANs, SSNs, phones, IPs, API keys, JWTs,
 * private keys) found by `detectPii`. Its findings are located and typed with PII entity types, so
 * it supports every action, `pseudonymize` included (tokens restored in the answer).
 *
 * @example
 * // guardrails.profiles.default: [{ guardrail: pii, options: { entities: [email, card] }, action: pseudonymize }]
 */
import { defineGuardrail, type GuardrailFinding } from '../../../core/index.js';
import { detectPii } from './detect.js';
import { ENTITY_TYPES, type EntityType } from './types.js';

export interface PiiOptions {
  entities?: EntityType[];
  minScore?: number;
}

export const piiGuardrail = defineGuardrail<PiiOptions>({
  apiVersion: 1,
  name: 'pii',
  description: 'PII and secrets: emails, cards, IBANs, SSNs, phones, IPs, API keys, JWTs, private keys.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      entities: { type: 'array', items: { enum: [...ENTITY_TYPES] }, minItems: 1, uniqueItems: true },
      minScore: { type: 'number', minimum: 0, maximum: 1 },
    },
  },
  phases: ['input', 'output'],
  actions: ['deny', 'redact', 'pseudonymize', 'label'],
  create(options) {
    const detect = { entities: options.entities, minScore: options.minScore ?? 0.5 };
    return {
      check(subject) {
        const findings: GuardrailFinding[] = [];
        subject.texts.forEach(({ text }, index) => {
          for (const found of detectPii(text, detect)) {
            findings.push({
              type: found.type,
              score: found.score,
              location: { text: index, start: found.start, end: found.end },
              ...(found.kind ? { detail: found.kind } : {}),
            });
          }
        });
        return { findings };
      },
    };
  },
});
