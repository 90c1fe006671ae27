import type { UpstreamBody } from './upstream-body.js';

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
 * A pull reader over an upstream body, as its one consumer. The body is paused while a part waits
 * for its reader, so a slow consumer holds back the upstream (one read buffered at most, then the
 * body's own high-water mark) instead of the gateway buffering it.
 */
export function createBodyReader(body: UpstreamBody): BodyReader {
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
    settle();
  };
  /** Counts discarded bytes against the budget; past it, drops the connection (true). */
  const spend = (bytes: number): boolean => {
    discardBudget = (discardBudget ?? 0) - bytes;
    if (discardBudget >= 0) return false;
    stop('end');
    body.destroy();
    return true;
  };
  body.consume({
    data(part) {
      if (discardBudget !== undefined) {
        spend(part.length);
        return;
      }
      parts.push(part);
      if (waiting === undefined) body.pause();
      settle();
    },
    end: () => stop('end'),
    error: (error) => stop({ error }),
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
