/**
 * Writes a chat completion stream as server-sent events, by default the way OpenAI does: one
 * `data: {chunk}` event per chunk and `data: [DONE]` at the end (an SseEncoder spells it
 * another way, as the Anthropic-compatible route does).
 *
 * - A failure after the stream started ends it with an explicit `data: {"error": …}` event and
 *   no `[DONE]`, so no client mistakes a cut stream for a complete answer.
 * - Backpressure: the next chunk is pulled from upstream only once the socket took the last one,
 *   so a slow reader never makes the gateway buffer without bound.
 * - Keep-alive comments go out while no chunk has been written for `keepAliveMs`.
 */
import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { ChatCompletionChunk } from '../types/openai.js';
import { toSwitchyardError, type SwitchyardError } from '../errors/switchyard-error.js';

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // Tells nginx-style proxies not to buffer the stream.
  'x-accel-buffering': 'no',
};

/** Sends the SSE status line and headers if nothing was sent yet. */
export function startSse(res: ServerResponse, headers: Readonly<Record<string, string>>): void {
  if (res.headersSent) return;
  res.writeHead(200, { ...SSE_HEADERS, ...headers });
  // Push headers out now: the first token may be seconds away.
  res.flushHeaders();
}

export function writeKeepAlive(res: ServerResponse): void {
  if (!res.writableEnded && !res.destroyed) res.write(': keep-alive\n\n');
}

/** How chunks are spelled on the wire; OpenAI's spelling unless a route brings its own. */
export interface SseEncoder {
  /** The events for one chunk; empty when the chunk adds nothing on this wire. */
  chunk(chunk: ChatCompletionChunk): string;
  /** What closes a complete stream. */
  end(): string;
  /** What closes a failed stream, so no client mistakes it for a complete answer. */
  error(error: SwitchyardError): string;
}

export const openaiSseEncoder: SseEncoder = {
  chunk: (chunk) => `data: ${JSON.stringify(chunk)}\n\n`,
  end: () => 'data: [DONE]\n\n',
  error: (error) => `data: ${JSON.stringify(error.toOpenAI())}\n\n`,
};

export function writeSseError(res: ServerResponse, error: unknown, encoder = openaiSseEncoder): void {
  if (res.writableEnded || res.destroyed) return;
  res.end(encoder.error(toSwitchyardError(error)));
}

/**
 * Streams `chunks` to `res` and resolves when the response ended (completely, with an error
 * event, or because the client went away). Never rejects.
 */
export async function pipeSse(
  res: ServerResponse,
  chunks: AsyncIterable<ChatCompletionChunk>,
  keepAliveMs: number,
  encoder: SseEncoder = openaiSseEncoder,
): Promise<'done' | 'error' | 'closed'> {
  const iterator = chunks[Symbol.asyncIterator]();
  let lastWrite = Date.now();
  const keepAlive = setInterval(
    () => {
      if (Date.now() - lastWrite >= keepAliveMs) {
        writeKeepAlive(res);
        lastWrite = Date.now();
      }
    },
    Math.max(10, Math.floor(keepAliveMs / 2)),
  );
  keepAlive.unref();
  // Chunks that arrive together (one upstream packet often carries several events) leave in one
  // socket write: cork on the first write of a tick, uncork on the next. The first token is not
  // held back beyond the current tick.
  let corked = false;
  const uncork = () => {
    corked = false;
    res.uncork();
    // compression-style middleware buffers until told to flush.
    (res as { flush?: () => void }).flush?.();
  };
  const send = (text: string): boolean => {
    if (!corked) {
      corked = true;
      res.cork();
      process.nextTick(uncork);
    }
    return res.write(text);
  };
  let finished = false;
  try {
    while (true) {
      const step = await iterator.next();
      if (step.done) {
        finished = true;
        break;
      }
      if (res.destroyed) return 'closed';
      const text = encoder.chunk(step.value);
      if (text === '') continue;
      const flushed = send(text);
      lastWrite = Date.now();
      if (!flushed && !(await drained(res))) return 'closed';
    }
    if (res.destroyed) return 'closed';
    res.end(encoder.end());
    return 'done';
  } catch (error) {
    if (res.destroyed) return 'closed';
    writeSseError(res, error, encoder);
    return 'error';
  } finally {
    clearInterval(keepAlive);
    // Leaving early (client gone): release the upstream connection.
    if (!finished) void iterator.return?.().catch(() => undefined);
  }
}

/** Waits for 'drain'; false when the response closed first. */
async function drained(res: ServerResponse): Promise<boolean> {
  if (res.destroyed) return false;
  const stop = new AbortController();
  try {
    return await Promise.race([
      once(res, 'drain', { signal: stop.signal }).then(() => true),
      once(res, 'close', { signal: stop.signal }).then(() => false),
    ]);
  } finally {
    stop.abort();
  }
}
