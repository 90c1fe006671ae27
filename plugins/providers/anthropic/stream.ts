import {
  createAnthropicChunkTranslator,
  type AnthropicStreamEvent,
  type FromAnthropicStreamOptions,
} from '../../../core/translate/anthropic/index.js';
import type { ChatCompletionChunk } from '../../../core/types/openai.js';
import type { AcceptedCall } from '../shared/call.js';
import { createSseChunkStream, parseEventJson, type StreamTranslator } from '../shared/chunk-stream.js';
import { errorFromEvent, invalidResponse, streamEndedEarly, type ErrorContext } from '../shared/errors.js';

export function createAnthropicStreamTranslator(
  ctx: ErrorContext,
  options: FromAnthropicStreamOptions,
): StreamTranslator {
  const translator = createAnthropicChunkTranslator(options);
  return {
    event(data, name, emit) {
      const payload = parseEventJson(ctx, data);
      const type =
        typeof payload === 'object' && payload !== null ? (payload as { type?: unknown }).type : undefined;
      if (typeof type !== 'string') throw invalidResponse(ctx, 'a stream event has no type');
      // An `error` event (overloaded, rate limited) can arrive at any point, even after text.
      if (type === 'error' || name === 'error') throw errorFromEvent(ctx, payload);
      return translator.event(payload as AnthropicStreamEvent, emit);
    },
    end(emit) {
      // Only message_stop is missing when the stop reason came: the answer is whole.
      if (!translator.finished) throw streamEndedEarly(ctx);
      translator.flush(emit);
    },
  };
}

/** The canonical chunks of an accepted Anthropic streaming call. */
export function createAnthropicChunkStream(
  call: AcceptedCall,
  options: FromAnthropicStreamOptions,
): AsyncIterable<ChatCompletionChunk> {
  return createSseChunkStream(call, createAnthropicStreamTranslator(call.ctx, options));
}
