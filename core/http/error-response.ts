import type { Context, Middleware } from 'koa';
import { koaCall, type HttpCall } from './http-call.js';
import { SwitchyardError, toSwitchyardError } from '../errors/switchyard-error.js';
import type { Logger } from '../logger.js';
import { openaiSseEncoder, writeSseError, type SseEncoder } from './sse-writer.js';

/** Maps errors raised by Koa or koa-router (which carry an HTTP status) onto our codes. */
function fromHttpError(error: unknown): SwitchyardError | undefined {
  const status = (error as { status?: unknown }).status;
  if (typeof status !== 'number' || SwitchyardError.isInstance(error)) return undefined;
  if (status === 405 || status === 501) {
    return new SwitchyardError(
      'SY_ERR_METHOD_NOT_ALLOWED',
      (error as Error).message || 'Method not allowed.',
    );
  }
  if (status === 413)
    return new SwitchyardError('SY_ERR_REQUEST_TOO_LARGE', 'The request body is too large.');
  if (status === 404) return new SwitchyardError('SY_ERR_ROUTE_NOT_FOUND', 'Not found.');
  if (status >= 400 && status < 500)
    return new SwitchyardError('SY_ERR_REQUEST_INVALID', (error as Error).message);
  return undefined;
}

/** How a route spells its errors: the JSON body, and the event that ends a started stream. */
export interface ErrorWire {
  body(error: SwitchyardError): unknown;
  encoder: SseEncoder;
}

export const OPENAI_ERRORS: ErrorWire = { body: (error) => error.toOpenAI(), encoder: openaiSseEncoder };

/** Answers a failure with the right status in the route's error shape; internal errors are logged. */
export function respondWithError(
  call: HttpCall,
  thrown: unknown,
  logger: Logger,
  wire = OPENAI_ERRORS,
): void {
  const error = fromHttpError(thrown) ?? toSwitchyardError(thrown);
  if (error.status >= 500 && !error.expose) logger.error({ err: thrown, path: call.path }, 'internal error');
  if (call.res.headersSent) {
    // A stream already started: the error can only travel as an event.
    call.takeOver();
    writeSseError(call.res, error, wire.encoder);
    return;
  }
  sendError(call, error, wire);
}

/**
 * Every failure leaves as the OpenAI error shape with the right status. Internal errors are
 * logged with their detail and answered with a generic message.
 */
export function errorResponder(logger: Logger): Middleware {
  return async function switchyardErrors(ctx: Context, next) {
    try {
      await next();
    } catch (thrown) {
      respondWithError(koaCall(ctx), thrown, logger);
    }
  };
}

export function sendError(call: HttpCall, error: SwitchyardError, wire = OPENAI_ERRORS): void {
  const headers: Record<string, string> = { ...error.headers, 'x-switchyard-error-code': error.code };
  if (error.retryAfterMs !== undefined) headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
  call.setHeaders(headers);
  call.send(error.status, wire.body(error));
}
