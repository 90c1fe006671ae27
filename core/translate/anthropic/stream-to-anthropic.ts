import type { SwitchyardError } from '../../errors/switchyard-error.js';
import type { SseEncoder } from '../../http/sse-writer.js';
import type { ChatCompletionChunk, FinishReason, Usage } from '../../types/openai.js';
import { anthropicErrorBody } from './error-body.js';
import type { AnthropicContentBlock } from './types.js';
import { stopReasonToAnthropic, usageToAnthropic } from './usage.js';

function sse(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Writes OpenAI chunks as Anthropic's event stream: message_start, one content block per text
 * run, thinking run or tool call (start, deltas, stop), then message_delta with the stop reason
 * and usage, and message_stop. OpenAI reports usage last, so message_start carries zeros and
 * message_delta the real figures (Anthropic clients take message_delta's usage as final).
 */
export function createAnthropicSseEncoder(): SseEncoder {
  let started = false;
  let id = 'msg_switchyard';
  let model = '';
  let open: { index: number; kind: 'text' | 'thinking' | 'tool' } | undefined;
  let nextIndex = 0;
  const toolBlocks = new Map<number, number>();
  let finish: FinishReason | null = null;
  let usage: Usage | undefined;

  const start = (chunk?: ChatCompletionChunk): string => {
    if (started) return '';
    started = true;
    if (chunk) ({ id, model } = chunk);
    const message = {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    };
    return sse('message_start', { type: 'message_start', message });
  };
  const close = (): string => {
    if (!open) return '';
    const text = sse('content_block_stop', { type: 'content_block_stop', index: open.index });
    open = undefined;
    return text;
  };
  const begin = (kind: 'text' | 'thinking' | 'tool', block: AnthropicContentBlock): string => {
    const text = close();
    open = { index: nextIndex++, kind };
    return (
      text +
      sse('content_block_start', { type: 'content_block_start', index: open.index, content_block: block })
    );
  };
  const delta = (index: number, body: Record<string, unknown>): string =>
    sse('content_block_delta', { type: 'content_block_delta', index, delta: body });

  return {
    chunk(piece) {
      const chunk = piece.chunk;
      let out = start(chunk);
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) return out;
      const { content, reasoning_content: reasoning, tool_calls: calls } = choice.delta;
      if (typeof reasoning === 'string' && reasoning !== '') {
        if (open?.kind !== 'thinking')
          out += begin('thinking', { type: 'thinking', thinking: '', signature: '' });
        out += delta(open!.index, { type: 'thinking_delta', thinking: reasoning });
      }
      if (typeof content === 'string' && content !== '') {
        if (open?.kind !== 'text') out += begin('text', { type: 'text', text: '' });
        out += delta(open!.index, { type: 'text_delta', text: content });
      }
      for (const call of calls ?? []) {
        let index = toolBlocks.get(call.index);
        if (index === undefined) {
          const block = {
            type: 'tool_use',
            id: call.id ?? `toolu_${call.index}`,
            name: call.function?.name ?? '',
            input: {},
          };
          out += begin('tool', block);
          index = open!.index;
          toolBlocks.set(call.index, index);
        }
        const args = call.function?.arguments;
        if (args) out += delta(index, { type: 'input_json_delta', partial_json: args });
      }
      if (choice.finish_reason) finish = choice.finish_reason;
      return out;
    },
    end() {
      const messageDelta = {
        type: 'message_delta',
        delta: { stop_reason: stopReasonToAnthropic(finish), stop_sequence: null },
        usage: usageToAnthropic(usage),
      };
      return (
        start() + close() + sse('message_delta', messageDelta) + sse('message_stop', { type: 'message_stop' })
      );
    },
    error(error: SwitchyardError) {
      return sse('error', anthropicErrorBody(error));
    },
  };
}
