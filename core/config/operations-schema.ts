/** JSON Schema fragments for ./operations-types.ts, merged into the gateway schema by ./schema.ts. */
export const circuitBreakerSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean' },
    failureThreshold: { type: 'integer', minimum: 1 },
    errorRateThreshold: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    minRequests: { type: 'integer', minimum: 1 },
    windowMs: { type: 'integer', minimum: 100 },
    cooldownMs: { type: 'integer', minimum: 1 },
  },
};

export const operationsSections = {
  metrics: {
    type: 'object',
    additionalProperties: false,
    properties: { enabled: { type: 'boolean' } },
  },
};
