/**
 * Anthropic Messages API wire payloads for the mock upstream, following the public API
 * reference ("Messages", "Streaming Messages", "Errors"): the `message` object, the SSE events
 * message_start, content_block_start/delta/stop, ping, message_delta and message_stop, and the
 * `{type: "error", error: {type, message}}` body.
 */
import { estimateTokens, fragments, words } from './mock-openai-wire.js';

export interface AnthropicWireToolCall {
  name: string;
  /** The JSON input text, streamed as input_json_delta fragments. */
  arguments: string;
  id?: string;
}

export interface AnthropicWireReply {
  model: string;
  /** Text sent before any tool calls; omitted when empty. */
  text: string;
  toolCalls: AnthropicWireToolCall[];
  stopReason?: string;
  inputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
}

export interface AnthropicWireError {
  type?: string;
  message?: string;
}

export interface AnthropicWireAnswer {
  json: string;
  /** One complete SSE block per event, message_stop included. */
  events: string[];
}

function event(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

export function anthropicAnswer(reply: AnthropicWireReply): AnthropicWireAnswer {
  const id = 'msg_mock_01';
  const calls = reply.toolCalls.map((call, i) => ({ ...call, id: call.id ?? `toolu_mock_${i + 1}` }));
  const outputTokens = estimateTokens(reply.text.length + calls.reduce((n, c) => n + c.arguments.length, 0));
  const stopReason = reply.stopReason ?? (calls.length > 0 ? 'tool_use' : 'end_turn');
  const usage = {
    input_tokens: reply.inputTokens,
    cache_creation_input_tokens: reply.cacheCreationTokens,
    cache_read_input_tokens: reply.cacheReadTokens,
    output_tokens: outputTokens,
  };
  const blocks: Record<string, unknown>[] = [];
  if (reply.text !== '') blocks.push({ type: 'text', text: reply.text });
  for (const call of calls)
    blocks.push({
      type: 'tool_use',
      id: call.id,
      name: call.name,
      input: JSON.parse(call.arguments) as unknown,
    });
  const message = { id, type: 'message', role: 'assistant', model: reply.model, content: blocks };
  const json = JSON.stringify({ ...message, stop_reason: stopReason, stop_sequence: null, usage });

  const start = {
    ...message,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { ...usage, output_tokens: 1 },
  };
  const events = [event('message_start', { message: start })];
  let index = 0;
  if (reply.text !== '') {
    events.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    events.push(event('ping', {}));
    for (const word of words(reply.text))
      events.push(event('content_block_delta', { index, delta: { type: 'text_delta', text: word } }));
    events.push(event('content_block_stop', { index }));
    index++;
  }
  for (const call of calls) {
    const block = { type: 'tool_use', id: call.id, name: call.name, input: {} };
    events.push(event('content_block_start', { index, content_block: block }));
    // The API opens every tool input with an empty fragment, then sends the JSON in pieces.
    for (const part of ['', ...fragments(call.arguments, 3)])
      events.push(
        event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: part } }),
      );
    events.push(event('content_block_stop', { index }));
    index++;
  }
  events.push(
    event('message_delta', {
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: outputTokens },
    }),
  );
  events.push(event('message_stop', {}));
  return { json, events };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export function anthropicErrorAnswer(status: number, overrides: AnthropicWireError = {}): string {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  const message = type === 'overloaded_error' ? 'Overloaded' : `${type} (mock upstream, ${status})`;
  return JSON.stringify({ type: 'error', error: { type, message, ...overrides }, request_id: 'req_mock_01' });
}

export function anthropicErrorEvent(overrides: AnthropicWireError = {}): string {
  return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded', ...overrides } })}\n\n`;
}

/** How the mock describes the images of the last user turn, for tests that check image translation. */
export function describeAnthropicImages(body: unknown): string {
  const messages = (body as { messages?: { role?: string; content?: unknown }[] }).messages ?? [];
  const last = [...messages].reverse().find((m) => m.role === 'user');
  const blocks = Array.isArray(last?.content) ? (last.content as Record<string, unknown>[]) : [];
  return blocks
    .filter((block) => block.type === 'image')
    .map((block) => {
      const source = (block.source ?? {}) as Record<string, unknown>;
      return source.type === 'base64'
        ? `base64 ${String(source.media_type)} ${String(source.data).length} chars`
        : `url ${String(source.url)}`;
    })
    .join('; ');
}
