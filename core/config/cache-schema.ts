/** JSON Schema fragments for ./cache-types.ts, merged into the gateway schema by ./schema.ts. */
const positiveInt = { type: 'integer', minimum: 1 };

export const cacheSections = {
  cache: {
    type: 'object',
    additionalProperties: false,
    properties: {
      enabled: { type: 'boolean' },
      backend: { enum: ['memory', 'store'] },
      maxBytes: positiveInt,
      maxEntryBytes: positiveInt,
      defaultTtlSeconds: positiveInt,
      cacheableWhen: { enum: ['temperatureZeroOnly', 'always'] },
      singleFlightTimeoutMs: positiveInt,
      shared: { type: 'boolean' },
    },
  },
  sticky: {
    type: 'object',
    additionalProperties: false,
    properties: {
      enabled: { type: 'boolean' },
      ttlSeconds: positiveInt,
      keyFrom: {
        type: 'array',
        items: { enum: ['session', 'user', 'prefix'] },
        uniqueItems: true,
        minItems: 1,
      },
      prefixMessages: { type: 'integer', minimum: 0 },
      maxErrorRate: { type: 'number', minimum: 0, maximum: 1 },
    },
  },
};
