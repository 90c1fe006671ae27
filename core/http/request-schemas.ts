/**
 * The gateway's own schemas for incoming requests: strict on the fields it reads, open to
 * everything else so unknown fields reach OpenAI-compatible upstreams unchanged. Kept lean on
 * purpose (compiled once, run on every request).
 */
import type { JsonSchema } from '../provider.js';

const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });
const stringArray = { type: 'array', items: { type: 'string' } };

const contentPart = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { type: 'string' },
    text: { type: 'string' },
    image_url: {
      type: 'object',
      required: ['url'],
      properties: { url: { type: 'string' }, detail: { type: 'string' } },
    },
  },
};

const message = {
  type: 'object',
  required: ['role'],
  properties: {
    role: { enum: ['system', 'developer', 'user', 'assistant', 'tool', 'function'] },
    content: { anyOf: [{ type: 'string' }, { type: 'array', items: contentPart }, { type: 'null' }] },
    name: { type: 'string' },
    tool_call_id: { type: 'string' },
    tool_calls: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'type', 'function'],
        properties: {
          id: { type: 'string' },
          type: { type: 'string' },
          function: {
            type: 'object',
            required: ['name', 'arguments'],
            properties: { name: { type: 'string' }, arguments: { type: 'string' } },
          },
        },
      },
    },
  },
};

const tool = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { type: 'string' },
    function: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1 },
        description: { type: 'string' },
        parameters: { type: 'object' },
        strict: nullable({ type: 'boolean' }),
      },
    },
  },
};

const providerPreferences = {
  type: 'object',
  properties: {
    order: stringArray,
    only: stringArray,
    ignore: stringArray,
    allow_fallbacks: { type: 'boolean' },
    sort: { enum: ['price', 'latency', 'throughput'] },
    data_collection: { enum: ['allow', 'deny'] },
    zdr: { type: 'boolean' },
    require_parameters: { type: 'boolean' },
    max_price: { type: 'object', properties: { prompt: { type: 'number' }, completion: { type: 'number' } } },
  },
};

export const chatRequestSchema: JsonSchema = {
  type: 'object',
  required: ['model', 'messages'],
  properties: {
    model: { type: 'string', minLength: 1 },
    models: { type: 'array', items: { type: 'string', minLength: 1 } },
    provider: providerPreferences,
    messages: { type: 'array', minItems: 1, items: message },
    stream: nullable({ type: 'boolean' }),
    stream_options: nullable({ type: 'object', properties: { include_usage: { type: 'boolean' } } }),
    tools: { type: 'array', items: tool },
    tool_choice: {
      anyOf: [
        { enum: ['none', 'auto', 'required'] },
        { type: 'object', required: ['type'], properties: { type: { type: 'string' } } },
      ],
    },
    parallel_tool_calls: { type: 'boolean' },
    response_format: {
      type: 'object',
      required: ['type'],
      properties: {
        type: { enum: ['text', 'json_object', 'json_schema'] },
        json_schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      },
    },
    temperature: nullable({ type: 'number', minimum: 0, maximum: 2 }),
    top_p: nullable({ type: 'number', minimum: 0, maximum: 1 }),
    n: nullable({ type: 'integer', minimum: 1, maximum: 128 }),
    stop: { anyOf: [{ type: 'string' }, stringArray, { type: 'null' }] },
    seed: nullable({ type: 'integer' }),
    max_tokens: nullable({ type: 'integer', minimum: 1 }),
    max_completion_tokens: nullable({ type: 'integer', minimum: 1 }),
    presence_penalty: nullable({ type: 'number', minimum: -2, maximum: 2 }),
    frequency_penalty: nullable({ type: 'number', minimum: -2, maximum: 2 }),
    logit_bias: nullable({ type: 'object', additionalProperties: { type: 'number' } }),
    logprobs: nullable({ type: 'boolean' }),
    top_logprobs: nullable({ type: 'integer', minimum: 0, maximum: 20 }),
    user: { type: 'string' },
    metadata: nullable({ type: 'object', additionalProperties: { type: 'string' } }),
  },
};

export const embeddingsRequestSchema: JsonSchema = {
  type: 'object',
  required: ['model', 'input'],
  properties: {
    model: { type: 'string', minLength: 1 },
    models: { type: 'array', items: { type: 'string', minLength: 1 } },
    input: {
      anyOf: [
        { type: 'string' },
        { type: 'array', minItems: 1, items: { type: 'string' } },
        { type: 'array', minItems: 1, items: { type: 'integer' } },
        { type: 'array', minItems: 1, items: { type: 'array', items: { type: 'integer' } } },
      ],
    },
    encoding_format: { enum: ['float', 'base64'] },
    dimensions: { type: 'integer', minimum: 1 },
    user: { type: 'string' },
  },
};
