import type { ChatCompletionChunk } from '../../../core/types/openai.js';
import { failure, type AcceptedCall } from './call.js';
import { errorFromEvent, invalidResponse, streamEndedEarly, type ErrorContext } from './errors.js';
import { discardBody } from './read-body.js';
import { createSseQueue } from './sse.js';

// What a well-behaved upstream may still send after [DONE] before we stop reading for reuse.
const DRAIN_LIMIT_BYTES = 64 * 1024;

type Interpreted = { done: true } | { done: false; chunk: ChatCompletionChunk };

/**
 * The chunks of an accepted streaming call. Pull-based: the socket is read only when the
 * consumer asks for the next chunk, so a slow client applies backpressure instead of the
 * gateway buffering the upstream. Every failure is thrown already mapped; `return()` (a `break`
 * in for-await) drops the upstream connection at once.
 */
export function createChunkStream(ctx: ErrorContext, call: AcceptedCall): AsyncIterable<ChatCompletionChunk> {
  const { body } = call.response;
  const source = (body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const queue = createSseQueue();
  let finished = false;
  let sawFinishReason = false;

  const finish = (): void => {
    finished = true;
    call.scope.dispose();
  };

  const interpret = (data: string, eventName: string | undefined): Interpreted => {
    if (data.trim() === '[DONE]') return { done: true };
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch (error) {
      throw invalidResponse(ctx, 'a stream event is not JSON', error);
    }
    const record =
      typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : undefined;
    if (eventName === 'error' || (record?.error !== undefined && record.error !== null)) {
      throw errorFromEvent(ctx, payload);
    }
    if (!record || !Array.isArray(record.choices))
      throw invalidResponse(ctx, 'a stream chunk has no choices');
    const chunk = record as ChatCompletionChunk;
    for (const choice of chunk.choices) if (choice?.finish_reason) sawFinishReason = true;
    return { done: false, chunk };
  };

  // Reading to the end after [DONE] lets undici put the socket back in the pool for reuse.
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
    if (finished) return { done: true, value: undefined };
    try {
      while (true) {
        const item = queue.shift();
        if (item?.kind === 'overflow') throw invalidResponse(ctx, 'a stream event exceeded the size limit');
        if (item) {
          const result = interpret(item.event.data, item.event.event);
          if (!result.done) return { done: false, value: result.chunk };
          finish();
          void drain();
          return { done: true, value: undefined };
        }
        const read = await source.next();
        if (read.done) {
          queue.end();
          if (queue.pending()) continue;
          // Some servers omit [DONE]; a finish reason already told us the answer is whole.
          if (!sawFinishReason) throw streamEndedEarly(ctx);
          finish();
          return { done: true, value: undefined };
        }
        queue.feed(read.value);
      }
    } catch (error) {
      const mapped = failure(ctx, call.scope, error);
      discardBody(body);
      finish();
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
      return { done: true, value: undefined };
    },
  };
  return { [Symbol.asyncIterator]: () => iterator };
}
