import type { UpstreamBody } from './upstream-body.js';

/** Thrown when a body is longer than the caller agreed to hold in memory. */
export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`body larger than ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** A body destroyed before its end without an error: what a stream's async iterator throws. */
export function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/** Reads a whole body as UTF-8, giving up (and dropping the connection) past `limitBytes`. */
export function readBodyText(body: UpstreamBody, limitBytes: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    body.consume({
      data(part) {
        size += part.length;
        if (size > limitBytes) {
          reject(new BodyTooLargeError(limitBytes));
          body.destroy();
          return;
        }
        parts.push(part);
      },
      end() {
        resolve(
          parts.length === 1
            ? (parts[0] as Buffer).toString('utf8')
            : Buffer.concat(parts, size).toString('utf8'),
        );
      },
      // Destroyed after a refusal for size, the body delivers nothing more; its premature close
      // then changes nothing.
      error: reject,
    });
  });
}
