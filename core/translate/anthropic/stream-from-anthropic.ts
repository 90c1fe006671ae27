import type {
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
  FinishReason,
  Usage,
} from '../../types/openai.js';
import type { AnthropicStreamEvent, AnthropicUsage } from './types.js';
import { finishReasonFromAnthropic, usageFromAnthropic } from './usage.js';

export interface FromAnthropicStreamOptions {
  /** Seconds since the epoch, stamped on every chunk. */
  created: number;
  /** Emit OpenAI's final usage chunk (`choices: []`) after the last one. */
  includeUsage: boolean;
}

/** Turns Anthropic stream events into OpenAI chunks, one event at a time. */
export interface AnthropicChunkTranslator {
  /** Emits the chunks for one event and returns true on `message_stop`. `error` events are the caller's. */
  event(event: AnthropicStreamEvent, emit: (chunk: ChatCompletionChunk) => void): boolean;
  /** Whether the answer got its stop reason: a body that ends after it lost only `message_stop`. */
  readonly finished: boolean;
  /** What a stream that ended after its stop reason still owes (the usage chunk). */
  flush(emit: (chunk: ChatCompletionChunk) => void): void;
}

/**
 * Anthropic numbers content blocks across text and tool calls; OpenAI numbers tool calls alone.
 * A tool call goes out first with its id and name and empty arguments, then argument fragments.
 */
export function createAnthropicChunkTranslator(
  options: FromAnthropicStreamOptions,
): AnthropicChunkTranslator {
  let id = '';
  let model = '';
  const toolIndexByBlock = new Map<number, number>();
  let usage: Partial<AnthropicUsage> = {};
  let finish: FinishReason | null = null;
  let usageSent = false;

  const chunk = (delta: ChatCompletionChunkChoice['delta'], finishReason: FinishReason | null = null) => ({
    id,
    object: 'chat.completion.chunk' as const,
    created: options.created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });

  const flush = (emit: (chunk: ChatCompletionChunk) => void): void => {
    if (!options.includeUsage || usageSent) return;
    usageSent = true;
    const total: Usage = usageFromAnthropic(usage);
    emit({ id, object: 'chat.completion.chunk', created: options.created, model, choices: [], usage: total });
  };

  return {
    get finished() {
      return finish !== null;
    },
    flush,
    event(event, emit) {
      switch (event.type) {
        case 'message_start':
          id = event.message.id;
          model = event.message.model;
          usage = { ...event.message.usage };
          emit(chunk({ role: 'assistant', content: '' }));
          return false;
        case 'content_block_start': {
          const block = event.content_block;
          if (block.type === 'tool_use') {
            const index = toolIndexByBlock.size;
            toolIndexByBlock.set(event.index, index);
            const { id: callId, name } = block as { id: string; name: string };
            const call = { index, id: callId, type: 'function' as const, function: { name, arguments: '' } };
            emit(chunk({ tool_calls: [call] }));
          } else if (block.type === 'text' && typeof block.text === 'string' && block.text !== '') {
            emit(chunk({ content: block.text }));
          }
          return false;
        }
        case 'content_block_delta': {
          const delta = event.delta;
          if (delta.type === 'text_delta') emit(chunk({ content: delta.text }));
          else if (delta.type === 'thinking_delta') emit(chunk({ reasoning_content: delta.thinking }));
          else if (delta.type === 'input_json_delta') {
            const index = toolIndexByBlock.get(event.index);
            if (index !== undefined && delta.partial_json !== '')
              emit(chunk({ tool_calls: [{ index, function: { arguments: delta.partial_json } }] }));
          }
          return false;
        }
        case 'message_delta':
          // message_delta's usage is cumulative: it replaces, field by field, what message_start said.
          for (const [key, value] of Object.entries(event.usage ?? {}))
            if (typeof value === 'number') usage[key] = value;
          finish = finishReasonFromAnthropic(event.delta.stop_reason) ?? 'stop';
          emit(chunk({}, finish));
          return false;
        case 'message_stop':
          flush(emit);
          return true;
        default:
          // ping, content_block_stop, signature deltas and event types added later carry nothing for OpenAI.
          return false;
      }
    },
  };
}
