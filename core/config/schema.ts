/**
 * JSON Schema of the gateway configuration (switchyard.config.yaml). ajv compiles it once;
 * every error is reported with its file position by ./load.ts.
 */
import type { JsonSchema } from '../provider.js';
import { DEFAULT_CATALOG_VENDORS } from './default-catalog.js';
import { accountingSections, authExtraProperties, staticKeyExtraProperties } from './accounting-schema.js';
import { guardrailSections } from './guardrails-schema.js';
import { cacheSections } from './cache-schema.js';
import { circuitBreakerSchema, operationsSections } from './operations-schema.js';

const capability = {
  enum: ['chat', 'streaming', 'tools', 'vision', 'json_schema', 'embeddings', 'reasoning'],
};
const nonNegative = { type: 'number', minimum: 0 };
const positiveInt = { type: 'integer', minimum: 1 };

const model = {
  type: 'object',
  additionalProperties: false,
  properties: {
    upstreamModel: { type: 'string', minLength: 1 },
    kind: { enum: ['chat', 'embeddings'] },
    pricing: {
      type: 'object',
      additionalProperties: false,
      required: ['input', 'output'],
      properties: { input: nonNegative, output: nonNegative, cachedInput: nonNegative },
    },
    contextWindow: positiveInt,
    maxOutputTokens: positiveInt,
    capabilities: { type: 'array', items: capability, uniqueItems: true },
    aliases: { type: 'array', items: { type: 'string', minLength: 1 } },
  },
};

const stringList = { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true };

const dataHandling = {
  type: 'object',
  additionalProperties: false,
  properties: {
    regions: stringList,
    retention: { type: 'integer', minimum: 0 },
    zeroDataRetention: { type: 'boolean' },
    trainsOnData: { type: 'boolean' },
    certifications: stringList,
  },
};

const provider = {
  type: 'object',
  additionalProperties: false,
  required: ['plugin', 'models'],
  properties: {
    plugin: { type: 'string', minLength: 1 },
    data: dataHandling,
    includeDefaultModels: { enum: DEFAULT_CATALOG_VENDORS },
    enabled: { type: 'boolean' },
    requiresEnv: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } },
    options: { type: 'object' },
    models: { type: 'object', additionalProperties: model },
  },
};

const stage = {
  oneOf: [
    { type: 'string', minLength: 1 },
    {
      type: 'object',
      additionalProperties: false,
      required: ['stage'],
      properties: {
        stage: { type: 'string', minLength: 1 },
        name: { type: 'string', minLength: 1 },
        options: { type: 'object' },
      },
    },
  ],
};

export const gatewayConfigSchema: JsonSchema = {
  $id: 'https://switchyard.dev/schema/gateway-config.json',
  type: 'object',
  additionalProperties: false,
  required: ['providers'],
  properties: {
    $schema: { type: 'string' },
    server: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: { type: 'string' },
        port: { type: 'integer', minimum: 0, maximum: 65535 },
        bodyLimitBytes: positiveInt,
        shutdownGraceMs: { type: 'integer', minimum: 0 },
      },
    },
    providers: { type: 'object', additionalProperties: provider },
    catalog: {
      type: 'object',
      additionalProperties: false,
      properties: { defaults: { type: 'boolean' } },
    },
    policies: {
      oneOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
        {
          type: 'object',
          additionalProperties: false,
          required: ['include'],
          properties: {
            include: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
            watch: { type: 'boolean' },
            explain: { type: 'boolean' },
          },
        },
      ],
    },
    aliases: {
      type: 'object',
      additionalProperties: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
    },
    routing: {
      type: 'object',
      additionalProperties: false,
      properties: {
        failover: {
          type: 'object',
          additionalProperties: false,
          properties: {
            retriesPerCandidate: { type: 'integer', minimum: 0, maximum: 10 },
            maxAttempts: positiveInt,
            deadlineMs: positiveInt,
            backoffBaseMs: { type: 'integer', minimum: 0 },
            backoffMaxMs: { type: 'integer', minimum: 0 },
            retryAfterCapMs: { type: 'integer', minimum: 0 },
          },
        },
        circuitBreaker: circuitBreakerSchema,
      },
    },
    streaming: {
      type: 'object',
      additionalProperties: false,
      properties: { keepAliveMs: positiveInt, earlyHeaders: { type: 'boolean' } },
    },
    auth: {
      type: 'object',
      additionalProperties: false,
      properties: {
        keys: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            anyOf: [{ required: ['key'] }, { required: ['keyHash'] }],
            properties: {
              key: { type: 'string', minLength: 8 },
              team: { type: 'string' },
              project: { type: 'string' },
              user: { type: 'string' },
              labels: { type: 'object', additionalProperties: { type: 'string' } },
              ...staticKeyExtraProperties,
            },
          },
        },
        ...authExtraProperties,
      },
    },
    ...accountingSections,
    ...guardrailSections,
    ...cacheSections,
    ...operationsSections,
    pipeline: { type: 'array', items: stage },
    logging: {
      type: 'object',
      additionalProperties: false,
      properties: { level: { type: 'string' }, pretty: { type: 'boolean' } },
    },
  },
};
