import type { ChatCompletionChunk } from '../../../core/types/openai.js';
import type { AcceptedCall } from '../shared/call.js';
import { createSseChunkStream, parseEventJson, type StreamTranslator } from '../shared/chunk-stream.js';
import { errorFromEvent, invalidResponse, streamEndedEarly, type ErrorContext } from '../shared/errors.js';

/** OpenAI's events already are canonical chunks: check them, watch for the finish reason, pass them on. */
export function createOpenAIStreamTranslator(ctx: ErrorContext): StreamTranslator {
  let sawFinishReason = false;
  return {
    event(data, name, emit) {
      if (data.trim() === '[DONE]') return true;
      const payload = parseEventJson(ctx, data);
      const record =
        typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : undefined;
      if (name === 'error' || (record?.error !== undefined && record.error !== null)) {
        throw errorFromEvent(ctx, payload);
      }
      if (!record || !Array.isArray(record.choices))
        throw invalidResponse(ctx, 'a stream chunk has no choices');
      const chunk = record as ChatCompletionChunk;
      for (const choice of chunk.choices) if (choice?.finish_reason) sawFinishReason = true;
      emit(chunk);
      return false;
    },
    end() {
      // Some servers omit [DONE]; a finish reason already told us the answer is whole.
      if (!sawFinishReason) throw streamEndedEarly(ctx);
    },
  };
}

/** The chunks of an accepted OpenAI-format streaming call. */
export function createChunkStream(call: AcceptedCall): AsyncIterable<ChatCompletionChunk> {
  return createSseChunkStream(call, createOpenAIStreamTranslator(call.ctx));
}
