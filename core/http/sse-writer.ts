/**
 * Writes a chat completion stream as server-sent events, the way OpenAI does: one
 * `data: {chunk}` event per chunk and `data: [DONE]` at the end.
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
import { SwitchyardError, toSwitchyardError } from '../errors/switchyard-error.js';

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

export function writeSseError(res: ServerResponse, error: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  const body = toSwitchyardError(error).toOpenAI();
  res.end(`data: ${JSON.stringify(body)}\n\n`);
}

/**
 * Streams `chunks` to `res` and resolves when the response ended (completely, with an error
 * event, or because the client went away). Never rejects.
 */
export async function pipeSse(
  res: ServerResponse,
  chunks: AsyncIterable<ChatCompletionChunk>,
  keepAliveMs: number,
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
  let finished = false;
  try {
    while (true) {
      const step = await iterator.next();
      if (step.done) {
        finished = true;
        break;
      }
      if (res.destroyed) return 'closed';
      const flushed = res.write(`data: ${JSON.stringify(step.value)}\n\n`);
      lastWrite = Date.now();
      if (!flushed && !(await drained(res))) return 'closed';
    }
    if (res.destroyed) return 'closed';
    res.end('data: [DONE]\n\n');
    return 'done';
  } catch (error) {
    if (res.destroyed) return 'closed';
    writeSseError(res, SwitchyardError.isInstance(error) ? error : toSwitchyardError(error));
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
