import type { UpstreamResponse } from './http-client.js';
import { discardBody, prematureClose } from './read-body.js';

/** Pulls a response body one network read at a time. */
export interface BodyReader {
  /** The next part of the body, `undefined` at its end; rejects with the body's error. */
  read(): Promise<Buffer | undefined>;
  /**
   * Reads the rest of the body without keeping it, so that undici can put the connection back in
   * its pool; past `limitBytes` more the connection is dropped instead. Failures are ignored (the
   * answer is complete; a connection that fails now only costs its reuse). No `read` after this.
   */
  discardRest(limitBytes: number): void;
}

/**
 * A pull reader over a body, on plain 'data'/'end'/'error'/'close' listeners rather than the
 * stream's async iterator, which costs a few promises and microseconds per read. The body is
 * paused while a part waits for its reader, so a slow consumer holds back the upstream (one part
 * buffered at most) instead of the gateway buffering it.
 */
export function createBodyReader(body: UpstreamResponse['body']): BodyReader {
  const parts: Buffer[] = [];
  let over: { error: unknown } | 'end' | undefined;
  let waiting: { resolve: (part: Buffer | undefined) => void; reject: (error: unknown) => void } | undefined;
  // Bytes still allowed once the rest is discarded; undefined while reading.
  let discardBudget: number | undefined;

  const settle = (): void => {
    const reader = waiting;
    if (reader === undefined) return;
    if (parts.length > 0) {
      waiting = undefined;
      reader.resolve(parts.shift());
    } else if (over !== undefined) {
      waiting = undefined;
      if (over === 'end') reader.resolve(undefined);
      else reader.reject(over.error);
    }
  };
  const stop = (reason: typeof over): void => {
    over ??= reason;
    body.off('data', onData);
    settle();
  };
  /** Counts discarded bytes against the budget; past it, drops the connection (true). */
  const spend = (bytes: number): boolean => {
    discardBudget = (discardBudget ?? 0) - bytes;
    if (discardBudget >= 0) return false;
    stop('end');
    discardBody(body);
    return true;
  };
  const onData = (part: Buffer): void => {
    if (discardBudget !== undefined) {
      spend(part.length);
      return;
    }
    parts.push(part);
    if (waiting === undefined) body.pause();
    settle();
  };
  body.on('data', onData);
  body.once('end', () => stop('end'));
  body.once('error', (error: unknown) => stop({ error }));
  // Destroyed before its end without an error: what the async iterator would have thrown. (Made
  // only then: 'close' follows every body, and an Error costs its stack trace.)
  body.once('close', () => {
    if (over === undefined) {
      stop({ error: prematureClose() });
    }
  });

  return {
    read() {
      if (parts.length > 0) {
        const part = parts.shift() as Buffer;
        if (parts.length === 0 && over === undefined) body.resume();
        return Promise.resolve(part);
      }
      if (over !== undefined) return over === 'end' ? Promise.resolve(undefined) : Promise.reject(over.error);
      return new Promise<Buffer | undefined>((resolve, reject) => {
        waiting = { resolve, reject };
        body.resume();
      });
    },
    discardRest(limitBytes) {
      let buffered = 0;
      for (const part of parts) buffered += part.length;
      parts.length = 0;
      if (over !== undefined) return;
      discardBudget = limitBytes;
      if (!spend(buffered)) body.resume();
    },
  };
}
