import type { ChatCompletionChunk } from '../../../core/types/openai.js';
import { failure, type AcceptedCall } from './call.js';
import { invalidResponse, type ErrorContext } from './errors.js';
import { discardBody } from './read-body.js';
import { createSseQueue } from './sse.js';

// What a well-behaved upstream may still send after its closing event before we stop reading.
const DRAIN_LIMIT_BYTES = 64 * 1024;

export type EmitChunk = (chunk: ChatCompletionChunk) => void;

/**
 * What makes one vendor's event stream into canonical chunks; the reading, backpressure and
 * connection handling around it are the same for every vendor (createSseChunkStream).
 */
export interface StreamTranslator {
  /**
   * Handles one SSE event, emitting the chunks it stands for (none, one or several). Returns
   * true when the event closes the answer (`[DONE]`, `message_stop`). Throws mapped errors.
   */
  event(data: string, name: string | undefined, emit: EmitChunk): boolean;
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
 * consumer asks for the next chunk, so a slow client applies backpressure instead of the
 * gateway buffering the upstream. Every failure is thrown already mapped; `return()` (a `break`
 * in for-await) drops the upstream connection at once.
 */
export function createSseChunkStream(
  call: AcceptedCall,
  translator: StreamTranslator,
): AsyncIterable<ChatCompletionChunk> {
  const { ctx } = call;
  const { body } = call.response;
  const source = (body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const queue = createSseQueue();
  let out: ChatCompletionChunk[] = [];
  let head = 0;
  let finished = false;
  const emit: EmitChunk = (chunk) => void out.push(chunk);

  const finish = (): void => {
    finished = true;
    call.scope.dispose();
  };

  // Reading to the end after the closing event lets undici put the socket back in the pool.
  const drain = async (): Promise<void> => {
    let bytes = 0;
    try {
      for (let read = await source.next(); !read.done; read = await source.next()) {
        bytes += read.value.length;
        if (bytes > DRAIN_LIMIT_BYTES) return discardBody(body);
      }
    } catch {
      // The answer is complete; a connection that fails now only costs its reuse.
    }
  };

  const next = async (): Promise<IteratorResult<ChatCompletionChunk>> => {
    try {
      while (true) {
        if (head < out.length) {
          const value = out[head++] as ChatCompletionChunk;
          if (head === out.length) {
            out = [];
            head = 0;
          }
          return { done: false, value };
        }
        if (finished) return { done: true, value: undefined };
        const item = queue.shift();
        if (item?.kind === 'overflow') throw invalidResponse(ctx, 'a stream event exceeded the size limit');
        if (item) {
          if (translator.event(item.event.data, item.event.event, emit)) {
            finish();
            void drain();
          }
          continue;
        }
        const read = await source.next();
        if (read.done) {
          queue.end();
          if (queue.pending()) continue;
          translator.end(emit);
          finish();
          continue;
        }
        queue.feed(read.value);
      }
    } catch (error) {
      const mapped = failure(ctx, call.scope, error);
      discardBody(body);
      finish();
      out = [];
      head = 0;
      throw mapped;
    }
  };

  const iterator: AsyncIterator<ChatCompletionChunk> = {
    next,
    async return() {
      if (!finished) {
        discardBody(body);
        finish();
      }
      out = [];
      head = 0;
      return { done: true, value: undefined };
    },
  };
  return { [Symbol.asyncIterator]: () => iterator };
}
