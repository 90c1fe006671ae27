/** JSON Schema fragments for ./accounting-types.ts, merged into the gateway schema by ./schema.ts. */
const positiveInt = { type: 'integer', minimum: 1 };
const usd = { type: 'number', minimum: 0 };

export const rateLimitSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { rpm: positiveInt, tpm: positiveInt },
};

export const budgetCapsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { day: usd, month: usd, total: usd },
};

const globList = { type: 'array', items: { type: 'string', minLength: 1 } };

/** The extra fields a static key (`auth.keys[]`) may carry besides key, team, project, user, labels. */
export const staticKeyExtraProperties = {
  id: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
  keyHash: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
  expiresAt: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}' },
  disabled: { type: 'boolean' },
  models: globList,
  providers: globList,
  limits: rateLimitSchema,
  budgets: budgetCapsSchema,
};

export const authExtraProperties = {
  /** How long an instance trusts a key record it read from the store (revocation bound). */
  cacheMs: { type: 'integer', minimum: 0, maximum: 60_000 },
  required: { type: 'boolean' },
};

export const accountingSections = {
  store: {
    type: 'object',
    additionalProperties: false,
    required: ['kind'],
    properties: {
      kind: { enum: ['memory', 'redis'] },
      url: { type: 'string', minLength: 1 },
      cluster: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
      prefix: { type: 'string', pattern: '^[^{}]*$' },
      connectTimeoutMs: positiveInt,
      commandTimeoutMs: positiveInt,
    },
    if: { properties: { kind: { const: 'redis' } } },
    then: { oneOf: [{ required: ['url'] }, { required: ['cluster'] }] },
  },
  admin: {
    type: 'object',
    additionalProperties: false,
    required: ['keys'],
    properties: { keys: { type: 'array', items: { type: 'string', minLength: 8 } } },
  },
  limits: {
    type: 'object',
    additionalProperties: false,
    properties: {
      onStoreError: { enum: ['open', 'closed'] },
      keys: rateLimitSchema,
      teams: rateLimitSchema,
      models: { type: 'object', additionalProperties: rateLimitSchema },
      profiles: { type: 'object', additionalProperties: rateLimitSchema },
    },
  },
  budgets: {
    type: 'object',
    additionalProperties: false,
    properties: {
      keys: budgetCapsSchema,
      teams: budgetCapsSchema,
      projects: budgetCapsSchema,
      profiles: { type: 'object', additionalProperties: budgetCapsSchema },
      defaultMaxOutputTokens: positiveInt,
      reservationTtlMs: { type: 'integer', minimum: 1000 },
      alerts: {
        type: 'object',
        additionalProperties: false,
        properties: {
          thresholds: {
            type: 'array',
            items: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
            uniqueItems: true,
          },
          webhookUrl: { type: 'string', minLength: 1 },
        },
      },
    },
  },
  teams: {
    type: 'object',
    additionalProperties: {
      type: 'object',
      additionalProperties: false,
      properties: {
        limits: rateLimitSchema,
        budgets: budgetCapsSchema,
        credentials: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            required: ['apiKey'],
            properties: { apiKey: { type: 'string', minLength: 1 } },
          },
        },
        allowKeyHeader: { type: 'boolean' },
      },
    },
  },
  projects: {
    type: 'object',
    additionalProperties: {
      type: 'object',
      additionalProperties: false,
      properties: { budgets: budgetCapsSchema },
    },
  },
  ledger: {
    type: 'object',
    additionalProperties: false,
    properties: {
      sinks: {
        type: 'array',
        items: {
          oneOf: [
            {
              type: 'object',
              additionalProperties: false,
              required: ['kind', 'path'],
              properties: {
                kind: { const: 'jsonl' },
                path: { type: 'string', minLength: 1 },
                rotateBytes: positiveInt,
                keep: positiveInt,
              },
            },
            {
              type: 'object',
              additionalProperties: false,
              required: ['kind', 'url'],
              properties: {
                kind: { const: 'postgres' },
                url: { type: 'string', minLength: 1 },
                schema: { type: 'string', pattern: '^[a-z_][a-z0-9_]{0,62}$' },
              },
            },
          ],
        },
      },
      content: { type: 'boolean' },
      bufferMax: positiveInt,
      batchSize: positiveInt,
      flushIntervalMs: positiveInt,
    },
  },
  accounting: {
    type: 'object',
    additionalProperties: false,
    properties: { markup: { type: 'number', minimum: 0, maximum: 10 } },
  },
};
