/** JSON Schema fragments for ./guardrails-types.ts, merged into the gateway schema by ./schema.ts. */
const stringList = { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true };

export const dataRequirementsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    regions: stringList,
    zeroDataRetention: { type: 'boolean' },
    trainsOnData: { const: false },
    maxRetentionDays: { type: 'integer', minimum: 0 },
    certifications: stringList,
  },
};

const guardrailEntry = {
  type: 'object',
  additionalProperties: false,
  required: ['guardrail'],
  properties: {
    guardrail: { type: 'string', minLength: 1 },
    options: { type: 'object' },
    on: { enum: ['input', 'output', 'both'] },
    action: { enum: ['deny', 'redact', 'pseudonymize', 'label'] },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    name: { type: 'string', minLength: 1 },
  },
};

const byName = { type: 'object', additionalProperties: dataRequirementsSchema };

export const guardrailSections = {
  guardrails: {
    type: 'object',
    additionalProperties: false,
    properties: {
      default: { type: 'string', minLength: 1 },
      profiles: { type: 'object', additionalProperties: { type: 'array', items: guardrailEntry } },
      streamWindow: { type: 'integer', minimum: 1 },
      streamHoldBack: { type: 'integer', minimum: 0, maximum: 4096 },
    },
  },
  dataPolicy: {
    type: 'object',
    additionalProperties: false,
    properties: {
      zdrHeader: { type: 'string', pattern: '^[A-Za-z0-9-]+$' },
      teams: byName,
      labels: byName,
      findings: byName,
    },
  },
};
