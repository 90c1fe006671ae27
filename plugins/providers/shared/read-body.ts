import type { UpstreamResponse } from './http-client.js';

/** Thrown when a body is longer than the caller agreed to hold in memory. */
export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`body larger than ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

function noop(): void {}

/** Drops the rest of a body and its connection; safe before anyone has read from it. */
export function discardBody(body: UpstreamResponse['body']): void {
  // Without a listener, the RequestAbortedError that destroy() emits would be an uncaught error.
  body.on('error', noop);
  if (!body.destroyed) body.destroy();
}

/** Reads a whole body as UTF-8, giving up (and dropping the connection) past `limitBytes`. */
export async function readBodyText(body: UpstreamResponse['body'], limitBytes: number): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of body as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > limitBytes) {
      discardBody(body);
      throw new BodyTooLargeError(limitBytes);
    }
    parts.push(part);
  }
  return Buffer.concat(parts, size).toString('utf8');
}
