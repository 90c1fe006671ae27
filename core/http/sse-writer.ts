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
import { toSwitchyardError, type SwitchyardError } from '../errors/switchyard-error.js';
import { ChatStream } from '../stream/chat-stream.js';
import type { StreamChunk, WireSpan } from '../stream/stream-chunk.js';
import type { ChatCompletionChunk } from '../types/openai.js';
import { headerList } from './header-list.js';
import { keepAlive, type KeepAlive } from './keep-alive.js';

const noop = (): void => undefined;

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // Tells nginx-style proxies not to buffer the stream.
  'x-accel-buffering': 'no',
};

const SSE_HEADER_LIST: readonly string[] = Object.entries(SSE_HEADERS).flat();

/**
 * Sets the SSE status line and headers if nothing was sent yet. `flush` pushes them out at once
 * (the first token may be seconds away); without it they leave with the first event, in the
 * same packet.
 */
export function startSse(res: ServerResponse, headers: Readonly<Record<string, string>>, flush = true): void {
  if (res.headersSent) return;
  res.writeHead(200, headerList(SSE_HEADER_LIST, headers));
  if (flush) res.flushHeaders();
}

export function writeKeepAlive(res: ServerResponse): void {
  if (!res.writableEnded && !res.destroyed) res.write(': keep-alive\n\n');
}

/** How chunks are spelled on the wire; OpenAI's spelling unless a route brings its own. */
export interface SseEncoder {
  /** The events for one chunk; empty when the chunk adds nothing on this wire. */
  chunk(piece: StreamChunk): string;
  /**
   * Where the event's bytes are when they can go out unchanged (an upstream of the same wire
   * format sent them), or undefined to use `chunk`.
   */
  wire?(piece: StreamChunk): WireSpan | undefined;
  /** What closes a complete stream. */
  end(): string;
  /** What closes a failed stream, so no client mistakes it for a complete answer. */
  error(error: SwitchyardError): string;
}

export const openaiSseEncoder: SseEncoder = {
  // The upstream's own bytes, or text, when the chunk came through unchanged (core/stream/stream-chunk.ts).
  wire: (piece) => piece.wire(),
  chunk: (piece) => `data: ${piece.json()}\n\n`,
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
  keepAliveMs: number | KeepAlive,
  encoder: SseEncoder = openaiSseEncoder,
): Promise<'done' | 'error' | 'closed'> {
  const stream = ChatStream.from(chunks);
  // A caller's keep-alive (registered before the stream started) stays the caller's to stop.
  const own = typeof keepAliveMs === 'number';
  const alive = own ? keepAlive(keepAliveMs, noop) : keepAliveMs;
  alive.onQuiet = () => writeKeepAlive(res);
  // One write per batch (every chunk one upstream read carried). The end of the stream often
  // follows in the same tick: cork on the first write of a tick and uncork on the next, so they
  // leave in one packet. The first token is not held back beyond the current tick.
  let corked = false;
  const uncork = () => {
    corked = false;
    res.uncork();
    // compression-style middleware buffers until told to flush.
    (res as { flush?: () => void }).flush?.();
  };
  const send = (text: string | Buffer): boolean => {
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
      const batch = await stream.nextBatch();
      if (batch === undefined) {
        finished = true;
        break;
      }
      if (res.destroyed) return 'closed';
      const out = encodeBatch(batch, encoder);
      if (out.length === 0) continue;
      let flushed = true;
      for (const part of out) flushed = send(part);
      alive.touch();
      if (!flushed && !(await drained(res))) return 'closed';
    }
    if (res.destroyed) return 'closed';
    res.end(encoder.end());
    return 'done';
  } catch (error) {
    finished = true;
    if (res.destroyed) return 'closed';
    writeSseError(res, error, encoder);
    return 'error';
  } finally {
    if (own) alive.stop();
    // Leaving early (client gone): release the upstream connection.
    if (!finished) void stream.close().catch(() => undefined);
  }
}

/**
 * What one batch writes: runs of unchanged upstream events as views of the upstream's own buffers
 * (neighbouring events of one read join into one view, so an untouched read goes out as it came,
 * the way a plain proxy would send it), everything else as text.
 */
export function encodeBatch(batch: readonly StreamChunk[], encoder: SseEncoder): (string | Buffer)[] {
  const out: (string | Buffer)[] = [];
  let text = '';
  // The run of neighbouring upstream bytes being gathered.
  let run: Buffer | undefined;
  let runStart = 0;
  let runEnd = 0;
  for (const piece of batch) {
    const wire = encoder.wire?.(piece);
    if (wire === undefined) {
      if (run !== undefined) {
        out.push(run.subarray(runStart, runEnd));
        run = undefined;
      }
      text += encoder.chunk(piece);
      continue;
    }
    if (text !== '') {
      out.push(text);
      text = '';
    }
    if (run === wire.bytes && runEnd === wire.start) {
      runEnd = wire.end;
      continue;
    }
    if (run !== undefined) out.push(run.subarray(runStart, runEnd));
    run = wire.bytes;
    runStart = wire.start;
    runEnd = wire.end;
  }
  if (run !== undefined) out.push(run.subarray(runStart, runEnd));
  if (text !== '') out.push(text);
  return out;
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
