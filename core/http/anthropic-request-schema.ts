/**
 * A lean JSON Schema for Anthropic Messages requests: enough to refuse a malformed body with a
 * message naming the field before translation, not a copy of Anthropic's full API schema.
 */
const cacheControl = { type: 'object', required: ['type'], properties: { type: { type: 'string' } } };

const when = (type: string, then: Record<string, unknown>) => ({
  if: { properties: { type: { const: type } }, required: ['type'] },
  then,
});

const textBlock = {
  type: 'object',
  required: ['type', 'text'],
  properties: { type: { const: 'text' }, text: { type: 'string' }, cache_control: cacheControl },
};

const contentBlock = {
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string' }, cache_control: cacheControl },
  allOf: [
    when('text', { required: ['text'], properties: { text: { type: 'string' } } }),
    when('image', {
      required: ['source'],
      properties: {
        source: {
          type: 'object',
          required: ['type'],
          properties: {
            type: { enum: ['base64', 'url'] },
            media_type: { type: 'string' },
            data: { type: 'string' },
            url: { type: 'string' },
          },
        },
      },
    }),
    when('tool_use', {
      required: ['id', 'name', 'input'],
      properties: { id: { type: 'string' }, name: { type: 'string' }, input: { type: 'object' } },
    }),
    when('tool_result', {
      required: ['tool_use_id'],
      properties: { tool_use_id: { type: 'string' }, is_error: { type: 'boolean' } },
    }),
  ],
};

export const anthropicMessagesRequestSchema = {
  type: 'object',
  required: ['model', 'max_tokens', 'messages'],
  properties: {
    model: { type: 'string', minLength: 1 },
    max_tokens: { type: 'integer', minimum: 1 },
    messages: {
      type: 'array',
      items: {
        type: 'object',
        required: ['role', 'content'],
        properties: {
          role: { enum: ['user', 'assistant', 'system'] },
          content: { anyOf: [{ type: 'string' }, { type: 'array', items: contentBlock }] },
        },
      },
    },
    system: { anyOf: [{ type: 'string' }, { type: 'array', items: textBlock }] },
    stop_sequences: { type: 'array', items: { type: 'string' } },
    stream: { type: 'boolean' },
    temperature: { type: 'number', minimum: 0, maximum: 1 },
    top_p: { type: 'number', minimum: 0, maximum: 1 },
    top_k: { type: 'integer', minimum: 0 },
    tools: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string' },
          description: { type: 'string' },
          input_schema: { type: 'object' },
        },
      },
    },
    tool_choice: {
      type: 'object',
      required: ['type'],
      properties: { type: { enum: ['auto', 'any', 'tool', 'none'] }, name: { type: 'string' } },
      allOf: [when('tool', { required: ['name'] })],
    },
    metadata: { type: 'object', properties: { user_id: { type: ['string', 'null'] } } },
  },
};
