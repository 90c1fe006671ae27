import type { UpstreamResponse } from './http-client.js';

/** Thrown when a body is longer than the caller agreed to hold in memory. */
export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`body larger than ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

function noop(): void {}

/** A body destroyed before its end without an error: what a stream's async iterator throws. */
export function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/** Drops the rest of a body and its connection; safe before anyone has read from it. */
export function discardBody(body: UpstreamResponse['body']): void {
  // Without a listener, the RequestAbortedError that destroy() emits would be an uncaught error.
  body.on('error', noop);
  if (!body.destroyed) body.destroy();
}

/**
 * Reads a whole body as UTF-8, giving up (and dropping the connection) past `limitBytes`. Plain
 * 'data'/'end' listeners, not `for await`: a stream's async iterator costs a promise per chunk
 * and several microseconds per body.
 */
export function readBodyText(body: UpstreamResponse['body'], limitBytes: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
    };
    const onData = (part: Buffer): void => {
      size += part.length;
      if (size > limitBytes) {
        cleanup();
        discardBody(body);
        reject(new BodyTooLargeError(limitBytes));
        return;
      }
      parts.push(part);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(
        parts.length === 1
          ? (parts[0] as Buffer).toString('utf8')
          : Buffer.concat(parts, size).toString('utf8'),
      );
    };
    const onError = (error: unknown): void => {
      cleanup();
      reject(error);
    };
    // Destroyed without an error and before its end: what an async iterator would have thrown.
    const onClose = (): void => {
      cleanup();
      reject(prematureClose());
    };
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onClose);
  });
}
