import type { ChatCompletionChunk } from '../../../core/types/openai.js';
import { StreamChunk } from '../../../core/stream/stream-chunk.js';
import type { AcceptedCall } from '../shared/call.js';
import { createSseChunkStream, parseEventJson, type StreamTranslator } from '../shared/chunk-stream.js';
import { errorFromEvent, invalidResponse, streamEndedEarly, type ErrorContext } from '../shared/errors.js';

/**
 * OpenAI's events already are canonical chunks, so they travel as the upstream's own text and
 * bytes (StreamChunk.fromJson) and are parsed only when a stage reads them. A cheap check on the
 * text decides which events are parsed here: anything that does not look like a JSON object with a
 * `choices` key — error events (`{"error": …}`) and broken ones among them — so that they fail
 * the stream here, where failover can still act.
 */
export function createOpenAIStreamTranslator(ctx: ErrorContext): StreamTranslator {
  let sawFinishReason = false;
  const parse = (json: string): ChatCompletionChunk => {
    const payload = parseEventJson(ctx, json);
    const record =
      typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : undefined;
    if (record?.error !== undefined && record.error !== null) throw errorFromEvent(ctx, payload);
    if (!record || !Array.isArray(record.choices))
      throw invalidResponse(ctx, 'a stream chunk has no choices');
    return record as ChatCompletionChunk;
  };
  return {
    event(data, name, emit, wire) {
      if (isDone(data)) return true;
      if (name === 'error') throw errorFromEvent(ctx, parseEventJson(ctx, data));
      if (!looksLikeChunk(data)) {
        emit(StreamChunk.of(parse(data)));
        return false;
      }
      const piece = StreamChunk.fromJson(data, parse, wire);
      if (!sawFinishReason && piece.finishes()) sawFinishReason = true;
      emit(piece);
      return false;
    },
    end() {
      // Some servers omit [DONE]; a finish reason already told us the answer is whole.
      if (!sawFinishReason) throw streamEndedEarly(ctx);
    },
  };
}

function isDone(data: string): boolean {
  return data === '[DONE]' || (data.length < 16 && data.trim() === '[DONE]');
}

// A `choices` key (a quote inside a JSON string is escaped, so content cannot spell it).
const CHOICES_KEY = /"choices"\s*:/;

/** `{…}` with a `choices` key: what a chunk's text looks like, checked without parsing it. */
function looksLikeChunk(data: string): boolean {
  return data.charCodeAt(0) === 0x7b && data.charCodeAt(data.length - 1) === 0x7d && CHOICES_KEY.test(data);
}

/** The chunks of an accepted OpenAI-format streaming call. */
export function createChunkStream(call: AcceptedCall): AsyncIterable<ChatCompletionChunk> {
  return createSseChunkStream(call, createOpenAIStreamTranslator(call.ctx));
}
