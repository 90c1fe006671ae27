/**
 * Validates what the gateway sends to clients against OpenAI's own API schemas (a copy of the
 * OpenAPI components in test/fixtures/openai, from openai/openai-openapi, MIT).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';

const document = JSON.parse(
  readFileSync(new URL('../fixtures/openai/openai-openapi-chat-subset.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

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
rewriteNullable(document);

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ ...document, $id: 'openai' });

const compiled = new Map<string, ValidateFunction>();

export type OpenAISchemaName =
  | 'CreateChatCompletionResponse'
  | 'CreateChatCompletionStreamResponse'
  | 'CreateEmbeddingResponse'
  | 'ListModelsResponse'
  | 'ErrorResponse';

/** Throws with ajv's errors when `value` does not match the named OpenAI schema. */
export function assertOpenAIShape(name: OpenAISchemaName, value: unknown): void {
  let validate = compiled.get(name);
  if (!validate) {
    validate = ajv.compile({ $ref: `openai#/components/schemas/${name}` });
    compiled.set(name, validate);
  }
  if (!validate(value)) {
    throw new Error(
      `not a valid ${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value).slice(0, 500)}`,
    );
  }
}
