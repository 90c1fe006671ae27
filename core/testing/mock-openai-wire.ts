/**
 * OpenAI wire payloads for the mock upstream, serialised once and cached: the benchmark pushes
 * the same reply through thousands of times and must measure the gateway, not this file.
 */

export interface WireToolCall {
  name: string;
  /** The JSON arguments text, streamed in fragments. */
  arguments: string;
}

export interface WireReply {
  model: string;
  text: string;
  /** Stream deltas that join to `text`; default one per word. */
  chunks?: string[];
  toolCall?: WireToolCall;
  includeUsage: boolean;
  promptTokens: number;
}

export interface WireAnswer {
  /** The non-streaming `chat.completion` body. */
  json: string;
  /** One `data: {...}\n\n` event per chunk, without the final [DONE]. */
  events: string[];
  /** All events and [DONE] joined, for the fast path that writes the stream in one go. */
  sse: string;
}

export const DONE_EVENT = 'data: [DONE]\n\n';
const CACHE_LIMIT = 256;
const cache = new Map<string, WireAnswer>();

/** The usual estimate of four characters per token, never zero. */
export function estimateTokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

/** Splits text the way tokenisers tend to: each piece carries its leading space. */
export function words(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [text];
}

export function fragments(text: string, count: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / count));
  const parts: string[] = [];
  for (let at = 0; at < text.length; at += size) parts.push(text.slice(at, at + size));
  return parts.length > 0 ? parts : [''];
}

function build(reply: WireReply): WireAnswer {
  const id = 'chatcmpl-mock';
  const created = Math.floor(Date.now() / 1000);
  const toolCallId = 'call_mock_1';
  const completionTokens = estimateTokens(
    reply.toolCall ? reply.toolCall.arguments.length : reply.text.length,
  );
  const usage = {
    prompt_tokens: reply.promptTokens,
    completion_tokens: completionTokens,
    total_tokens: reply.promptTokens + completionTokens,
  };
  const head = {
    id,
    object: 'chat.completion.chunk',
    created,
    model: reply.model,
    system_fingerprint: 'fp_mock',
  };
  const withUsage = reply.includeUsage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
    `data: ${JSON.stringify({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...withUsage })}\n\n`;

  const events: string[] = [];
  let message: Record<string, unknown>;
  if (reply.toolCall) {
    const { name, arguments: args } = reply.toolCall;
    const call = { index: 0, id: toolCallId, type: 'function', function: { name, arguments: '' } };
    events.push(chunk({ role: 'assistant', content: null, tool_calls: [call] }));
    for (const part of fragments(args, 3))
      events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: part } }] }));
    events.push(chunk({}, 'tool_calls'));
    message = {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: toolCallId, type: 'function', function: { name, arguments: args } }],
      refusal: null,
    };
  } else {
    events.push(chunk({ role: 'assistant', content: '', refusal: null }));
    for (const word of reply.chunks ?? words(reply.text)) events.push(chunk({ content: word }));
    events.push(chunk({}, 'stop'));
    message = { role: 'assistant', content: reply.text, refusal: null };
  }
  if (reply.includeUsage) events.push(`data: ${JSON.stringify({ ...head, choices: [], usage })}\n\n`);

  const json = JSON.stringify({
    id,
    object: 'chat.completion',
    created,
    model: reply.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: reply.toolCall ? 'tool_calls' : 'stop' }],
    usage,
    system_fingerprint: 'fp_mock',
  });
  return { json, events, sse: events.join('') + DONE_EVENT };
}

export function wireAnswer(reply: WireReply): WireAnswer {
  const key = JSON.stringify([
    reply.model,
    reply.text,
    reply.chunks,
    reply.toolCall,
    reply.includeUsage,
    reply.promptTokens,
  ]);
  let answer = cache.get(key);
  if (!answer) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    answer = build(reply);
    cache.set(key, answer);
  }
  return answer;
}

/** A deterministic unit vector per input text, so equal inputs embed equally. */
export function vector(text: string, dimensions: number): number[] {
  let state = 2166136261;
  for (let i = 0; i < text.length; i++) state = Math.imul(state ^ text.charCodeAt(i), 16777619) >>> 0;
  const values: number[] = [];
  for (let i = 0; i < dimensions; i++) {
    state = Math.imul(state ^ (state >>> 15), 2246822507) >>> 0;
    state = (state + 0x9e3779b9) >>> 0;
    values.push(state / 0xffffffff - 0.5);
  }
  const norm = Math.hypot(...values) || 1;
  return values.map((value) => value / norm);
}

/** What the OpenAI SDK asks for by default: little-endian float32s in base64. */
function toBase64(values: number[]): string {
  return Buffer.from(new Float32Array(values).buffer).toString('base64');
}

export function embeddingsAnswer(model: string, input: unknown, dimensions: number, base64: boolean): string {
  const inputs = Array.isArray(input) && input.every((item) => typeof item !== 'number') ? input : [input];
  const texts = inputs.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
  const tokens = texts.reduce((sum, text) => sum + estimateTokens(text.length), 0);
  return JSON.stringify({
    object: 'list',
    data: texts.map((text, index) => {
      const embedding = vector(text, dimensions);
      return { object: 'embedding', index, embedding: base64 ? toBase64(embedding) : embedding };
    }),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

export function modelsAnswer(models: readonly string[]): string {
  const created = Math.floor(Date.now() / 1000);
  return JSON.stringify({
    object: 'list',
    data: models.map((id) => ({ id, object: 'model', created, owned_by: 'mock-upstream' })),
  });
}

const ERROR_DEFAULTS: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request (mock upstream).' },
  401: {
    type: 'invalid_request_error',
    code: 'invalid_api_key',
    message: 'Incorrect API key provided (mock upstream).',
  },
  403: {
    type: 'invalid_request_error',
    code: 'unsupported_country_region_territory',
    message: 'Forbidden (mock upstream).',
  },
  404: {
    type: 'invalid_request_error',
    code: 'model_not_found',
    message: 'The model does not exist (mock upstream).',
  },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached (mock upstream).' },
  503: { type: 'server_error', code: null, message: 'The engine is currently overloaded (mock upstream).' },
};

export interface WireError {
  message?: string;
  type?: string;
  code?: string | null;
  param?: string | null;
}

export function errorAnswer(status: number, overrides: WireError = {}): string {
  const base = ERROR_DEFAULTS[status] ?? {
    type: 'server_error',
    code: null,
    message: `Upstream failed with ${status} (mock upstream).`,
  };
  return JSON.stringify({ error: { ...base, param: null, ...overrides } });
}
