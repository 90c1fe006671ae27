/**
 * Reads and parses a JSON request body under a size limit. An oversized body is refused with
 * 413 before any parsing (from Content-Length when present, else while reading). When a host
 * application already parsed the body (koa-bodyparser, express.json()), that value is used.
 */
import type { IncomingMessage } from 'node:http';
import { SwitchyardError } from '../errors/switchyard-error.js';

export async function readJsonBody(
  req: IncomingMessage,
  limitBytes: number,
  parsed?: unknown,
): Promise<unknown> {
  return (await readJsonBodyText(req, limitBytes, parsed)).value;
}

/** A parsed body, and the text it was parsed from when this read it (not when a host parsed it). */
export interface JsonBody {
  value: unknown;
  text: string | undefined;
}

/** readJsonBody, also giving the text (core/request-text.ts). */
export async function readJsonBodyText(
  req: IncomingMessage,
  limitBytes: number,
  parsed?: unknown,
): Promise<JsonBody> {
  if (
    parsed !== undefined &&
    !(typeof parsed === 'object' && parsed !== null && Object.keys(parsed).length === 0)
  ) {
    return { value: parsed, text: undefined };
  }
  const header = req.headers['content-length'];
  const declared = header === undefined ? NaN : Number(header);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  let text = await readText(req, limitBytes, Number.isFinite(declared) ? declared : undefined);
  // A byte order mark is not JSON; it is dropped, as a UTF-8 decoder does.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length === 0) {
    throw new SwitchyardError(
      'SY_ERR_REQUEST_INVALID_JSON',
      'The request body is empty; send a JSON object.',
    );
  }
  try {
    return { value: JSON.parse(text), text };
  } catch (error) {
    throw new SwitchyardError(
      'SY_ERR_REQUEST_INVALID_JSON',
      `The request body is not valid JSON: ${(error as Error).message}`,
    );
  }
}

function unreadable(cause?: unknown): SwitchyardError {
  return new SwitchyardError('SY_ERR_CLIENT_CLOSED', 'The request body could not be read.', { cause });
}

/**
 * The body as UTF-8 text: the chunks kept as they come and decoded once at the end. Past
 * `limitBytes` it stops reading (the stream is left paused) and fails with 413; a body shorter or
 * longer than its Content-Length, or cut by the client, cannot be read.
 */
function readText(req: IncomingMessage, limitBytes: number, declared: number | undefined): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    if (req.readable === false) {
      reject(unreadable(new Error('stream is not readable')));
      return;
    }
    let parts: Buffer[] = [];
    let size = 0;
    // Settled once; the listeners stay on the request (it lives no longer than this call) and do
    // nothing after that: four removeListener calls per request cost more than four no-op calls.
    let settled = false;
    const fail = (error: SwitchyardError) => {
      if (settled) return;
      settled = true;
      parts = [];
      req.off('data', onData);
      req.unpipe();
      req.pause();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limitBytes) fail(tooLarge(limitBytes));
      else parts.push(chunk);
    };
    const onEnd = () => {
      if (settled) return;
      settled = true;
      const read = parts;
      parts = [];
      if (declared !== undefined && size !== declared) {
        reject(unreadable(new Error('request size did not match content length')));
        return;
      }
      resolve(
        read.length === 1 ? (read[0] as Buffer).toString('utf8') : Buffer.concat(read, size).toString('utf8'),
      );
    };
    const onError = (error: unknown) => {
      if (!settled) fail(unreadable(error));
    };
    // Cut by the client: 'close' comes before any 'end'. (It also comes after a complete body,
    // when the response is over: settled by then, and no error is made for nothing.)
    const onClose = () => {
      if (!settled) fail(unreadable(new Error('request closed before its end')));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function tooLarge(limitBytes: number): SwitchyardError {
  return new SwitchyardError(
    'SY_ERR_REQUEST_TOO_LARGE',
    `The request body is larger than the limit of ${limitBytes} bytes (server.bodyLimitBytes).`,
  );
}
