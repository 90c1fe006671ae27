import type { ChatCompletionChunk } from '../../../core/types/openai.js';
import { StreamChunk } from '../../../core/stream/stream-chunk.js';
import type { AcceptedCall } from '../shared/call.js';
import { createSseChunkStream, parseEventJson, type StreamTranslator } from '../shared/chunk-stream.js';
import { errorFromEvent, invalidResponse, streamEndedEarly, type ErrorContext } from '../shared/errors.js';

/**
 * OpenAI's events already are canonical chunks, so they travel as the upstream's own text and
 * bytes (StreamChunk.fromJson) and are parsed only when a stage reads them. A cheap check on the
 * text decides which events are parsed here: anything that does not look like a JSON object with
 * a `choices` or a `finish_reason` key — error events (`{"error": …}`) and broken ones among
 * them — so that they fail the stream here, where failover can still act.
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
      const finishes = chunkFinishes(data);
      if (finishes === undefined) {
        emit(StreamChunk.of(parse(data)));
        return false;
      }
      if (finishes) sawFinishReason = true;
      emit(StreamChunk.fromJson(data, parse, wire, finishes));
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

// Keys, read from the text (a quote inside a JSON string is escaped, so content cannot spell
// them). A choice's finish reason that says something: a string value, or the `null` of the last
// choice (`null}]`). Global, so that `lastIndex` says where the match ended, and with it which of
// the two it was.
const FINISH_REASON = /"finish_reason"\s*:\s*(?:"|null\s*\}\s*\])/g;
const CHOICES_KEY = /"choices"\s*:/;

/**
 * Reads a chunk's text without parsing it: undefined when it does not look like a chunk (not
 * `{…}`, or neither a `finish_reason` nor a `choices` key: an error event, a broken one), else
 * whether a choice has a finish reason. Only choices have a `finish_reason` key, so one scan of
 * the text usually answers both questions, and that scan is most of what a stream costs per event:
 * it stops at the first string value (some choice finished), or at the last choice's `null` (none
 * did, since an earlier string would have matched first). A layout it does not know (a key after
 * `finish_reason` in the last choice) falls back to the `choices` test, and to "not finished".
 */
function chunkFinishes(data: string): boolean | undefined {
  if (data.charCodeAt(0) !== 0x7b || data.charCodeAt(data.length - 1) !== 0x7d) return undefined;
  if (FINISH_REASON.test(data)) {
    const finishes = data.charCodeAt(FINISH_REASON.lastIndex - 1) === 0x22;
    FINISH_REASON.lastIndex = 0;
    return finishes;
  }
  return CHOICES_KEY.test(data) ? false : undefined;
}

/** The chunks of an accepted OpenAI-format streaming call. */
export function createChunkStream(call: AcceptedCall): AsyncIterable<ChatCompletionChunk> {
  return createSseChunkStream(call, createOpenAIStreamTranslator(call.ctx));
}
