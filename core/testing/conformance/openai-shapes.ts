/**
 * Validates what a gateway or a provider hands to clients against OpenAI's own API schemas (an
 * extract shipped beside this file, so the kit needs nothing from the repository's tests).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import document from './openai-schemas.json' with { type: 'json' };

/**
 * The extract still carries OpenAPI 3.0's `nullable` in places; JSON Schema 2020-12 spells it as
 * a `null` member of `type`. Rewrite it so ajv validates what the keyword means.
 */
function rewriteNullable(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(rewriteNullable);
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Record<string, unknown>;
  if ('nullable' in schema) {
    const nullable = schema.nullable === true;
    delete schema.nullable;
    if (nullable && typeof schema.type === 'string') {
      schema.type = [schema.type, 'null'];
      if (Array.isArray(schema.enum)) schema.enum = [...(schema.enum as unknown[]), null];
    } else if (nullable) {
      const original = { ...schema };
      for (const key of Object.keys(schema)) delete schema[key];
      schema.anyOf = [original, { type: 'null' }];
    }
  }
  Object.values(schema).forEach(rewriteNullable);
}

export type OpenAISchemaName =
  | 'CreateChatCompletionResponse'
  | 'CreateChatCompletionStreamResponse'
  | 'CreateEmbeddingResponse'
  | 'ListModelsResponse'
  | 'ErrorResponse';

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

// Compiled on first use: importing the testing kit should cost nothing.
function validator(name: OpenAISchemaName): ValidateFunction {
  let validate = compiled.get(name);
  if (validate) return validate;
  if (!ajv) {
    const copy = structuredClone(document) as Record<string, unknown>;
    rewriteNullable(copy);
    ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema({ ...copy, $id: 'openai' });
  }
  validate = ajv.compile({ $ref: `openai#/components/schemas/${name}` });
  compiled.set(name, validate);
  return validate;
}

/** Throws with ajv's errors when `value` does not match the named OpenAI schema. */
export function assertOpenAIShape(name: OpenAISchemaName, value: unknown): void {
  const validate = validator(name);
  if (!validate(value)) {
    throw new Error(
      `not a valid ${name}: ${ajv?.errorsText(validate.errors)}\n${JSON.stringify(value).slice(0, 500)}`,
    );
  }
}
