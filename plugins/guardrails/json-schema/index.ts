/**
 * The `json-schema` guardrail: when the request asked for `response_format: json_schema`, the
 * complete answer must be JSON that matches the schema (ajv). A failing answer asks the
 * output-guardrails stage for one retry on the next candidate (`retry`, default true) before the
 * entry's action applies; a final failure is SY_ERR_GUARDRAIL_OUTPUT_INVALID.
 *
 * @example
 * // { guardrail: json-schema, on: output }
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { defineGuardrail, type ChatCompletionRequest, type GuardrailFinding } from '../../../core/index.js';

export interface JsonSchemaOptions {
  retry?: boolean;
}

const CACHE_LIMIT = 128;

export const jsonSchemaGuardrail = defineGuardrail<JsonSchemaOptions>({
  apiVersion: 1,
  name: 'json-schema',
  description: 'Checks JSON answers against the schema the request asked for.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { retry: { type: 'boolean' } },
  },
  phases: ['output'],
  actions: ['deny', 'label'],
  create(options) {
    const ajv = new Ajv({ allErrors: false, strict: false });
    // Requests usually repeat a handful of schemas: compile each once.
    const compiled = new Map<string, ValidateFunction | Error>();
    const validatorFor = (schema: Record<string, unknown>): ValidateFunction | Error => {
      const key = JSON.stringify(schema);
      let validate = compiled.get(key);
      if (validate === undefined) {
        try {
          validate = ajv.compile(schema);
        } catch (error) {
          validate = error as Error;
        }
        if (compiled.size >= CACHE_LIMIT) compiled.clear();
        compiled.set(key, validate);
      }
      return validate;
    };
    return {
      check(subject) {
        if (!subject.final || subject.operation !== 'chat') return { findings: [] };
        const format = (subject.request as ChatCompletionRequest).response_format;
        if (format?.type !== 'json_schema' || !format.json_schema.schema) return { findings: [] };
        const validate = validatorFor(format.json_schema.schema);
        if (validate instanceof Error) return { findings: [] };
        const findings: GuardrailFinding[] = [];
        subject.texts.forEach(({ text }, index) => {
          const problem = check(text, validate);
          if (problem)
            findings.push({
              type: 'json_schema',
              score: 1,
              detail: `${subject.texts[index]?.path}: ${problem}`,
            });
        });
        return findings.length > 0 && options.retry !== false ? { findings, retry: true } : { findings };
      },
    };
  },
});

function check(text: string, validate: ValidateFunction): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  if (validate(value)) return undefined;
  const error = validate.errors?.[0];
  return error ? `${error.instancePath || '/'} ${error.message ?? 'fails the schema'}` : 'fails the schema';
}
