/**
 * Reads and parses a JSON request body under a size limit. An oversized body is refused with
 * 413 before any parsing (from Content-Length when present, else while reading). When a host
 * application already parsed the body (koa-bodyparser, express.json()), that value is used.
 */
import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { SwitchyardError } from '../errors/switchyard-error.js';

export async function readJsonBody(
  req: IncomingMessage,
  limitBytes: number,
  parsed?: unknown,
): Promise<unknown> {
  if (
    parsed !== undefined &&
    !(typeof parsed === 'object' && parsed !== null && Object.keys(parsed).length === 0)
  ) {
    return parsed;
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  let text: string;
  try {
    text = await getRawBody(req, { limit: limitBytes, encoding: 'utf8' });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') throw tooLarge(limitBytes);
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      throw new SwitchyardError('SY_ERR_REQUEST_INVALID', 'The body must be UTF-8 encoded JSON.');
    }
    throw new SwitchyardError('SY_ERR_CLIENT_CLOSED', 'The request body could not be read.', {
      cause: error,
    });
  }
  if (text.length === 0) {
    throw new SwitchyardError(
      'SY_ERR_REQUEST_INVALID_JSON',
      'The request body is empty; send a JSON object.',
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SwitchyardError(
      'SY_ERR_REQUEST_INVALID_JSON',
      `The request body is not valid JSON: ${(error as Error).message}`,
    );
  }
}

function tooLarge(limitBytes: number): SwitchyardError {
  return new SwitchyardError(
    'SY_ERR_REQUEST_TOO_LARGE',
    `The request body is larger than the limit of ${limitBytes} bytes (server.bodyLimitBytes).`,
  );
}
