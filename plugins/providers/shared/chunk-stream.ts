import type { ChatCompletionChunk } from '../../../core/types/openai.js';
import { ChatStream } from '../../../core/stream/chat-stream.js';
import { StreamChunk, type WireSpan } from '../../../core/stream/stream-chunk.js';
import { failure, type AcceptedCall } from './call.js';
import { invalidResponse, type ErrorContext } from './errors.js';
import { createBodyReader } from './body-reader.js';
import { createSseSplitter, wireOf, type SseItem } from './sse.js';

// What a well-behaved upstream may still send after its closing event before we stop reading.
const DRAIN_LIMIT_BYTES = 64 * 1024;

/** Hands on one chunk: parsed, or as the upstream's text (`StreamChunk.fromJson`). */
export type EmitChunk = (chunk: ChatCompletionChunk | StreamChunk) => void;

/**
 * What makes one vendor's event stream into canonical chunks; the reading, backpressure and
 * connection handling around it are the same for every vendor (createSseChunkStream).
 */
export interface StreamTranslator {
  /**
   * Handles one SSE event, emitting the chunks it stands for (none, one or several). Returns
   * true when the event closes the answer (`[DONE]`, `message_stop`). Throws mapped errors.
   * `wire` is where the event's own bytes are, when it was a single `data` line (see SseEvent).
   */
  event(data: string, name: string | undefined, emit: EmitChunk, wire?: WireSpan): boolean;
  /** The body ended cleanly without a closing event: emit what is still owed, or throw when the answer is incomplete. */
  end(emit: EmitChunk): void;
}

/** Parses an event's JSON; a broken event is an invalid response, not a crash. */
export function parseEventJson(ctx: ErrorContext, data: string): unknown {
  try {
    return JSON.parse(data);
  } catch (error) {
    throw invalidResponse(ctx, 'a stream event is not JSON', error);
  }
}

/**
 * The chunks of an accepted streaming call. Pull-based: the socket is read only when the
 * consumer asks for more, so a slow client applies backpressure instead of the gateway buffering
 * the upstream. Each pull returns every chunk one socket read carried (one batch), so the stages'
 * hooks and the writer handle them together. Every failure is thrown already mapped; `cancel()`
 * (a `break` in for-await) drops the upstream connection at once.
 */
export function createSseChunkStream(call: AcceptedCall, translator: StreamTranslator): ChatStream {
  const { ctx } = call;
  const { body } = call.response;
  const source = createBodyReader(body);
  let out: StreamChunk[] = [];
  let finished = false;
  const emit: EmitChunk = (chunk) =>
    void out.push(chunk instanceof StreamChunk ? chunk : StreamChunk.of(chunk));

  const finish = (): void => {
    finished = true;
    call.scope.dispose();
  };

  /** Turns each event into chunks as the splitter finds it; true at the closing event (no more). */
  const translate = (item: SseItem): boolean => {
    if (item.kind === 'overflow') throw invalidResponse(ctx, 'a stream event exceeded the size limit');
    if (!translator.event(item.data, item.event, emit, wireOf(item))) return false;
    finish();
    // Reading to the end lets undici put the socket back in the pool (no promise per read).
    source.discardRest(DRAIN_LIMIT_BYTES);
    return true;
  };
  const splitter = createSseSplitter(translate);

  // A failure behind chunks of the same read waits until those chunks went out.
  let failed: { error: unknown } | undefined;
  const pull = async (): Promise<StreamChunk[] | undefined> => {
    try {
      if (failed) throw failed.error;
      while (out.length === 0) {
        if (finished) return undefined;
        const part = await source.read();
        if (part === undefined) {
          splitter.end();
          if (!finished) {
            translator.end(emit);
            finish();
          }
          continue;
        }
        splitter.feed(part);
      }
      const batch = out;
      out = [];
      return batch;
    } catch (error) {
      const mapped = failure(ctx, call.scope, error);
      body.destroy();
      finish();
      if (out.length > 0 && !failed) {
        failed = { error: mapped };
        const batch = out;
        out = [];
        return batch;
      }
      out = [];
      throw mapped;
    }
  };

  return new ChatStream({
    pull,
    cancel() {
      if (!finished) {
        body.destroy();
        finish();
      }
      out = [];
    },
  });
}
