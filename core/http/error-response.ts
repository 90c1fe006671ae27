import type { Context, Middleware } from 'koa';
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
export function respondWithError(ctx: Context, thrown: unknown, logger: Logger, wire = OPENAI_ERRORS): void {
  const error = fromHttpError(thrown) ?? toSwitchyardError(thrown);
  if (error.status >= 500 && !error.expose) logger.error({ err: thrown, path: ctx.path }, 'internal error');
  if (ctx.res.headersSent) {
    // A stream already started: the error can only travel as an event.
    ctx.respond = false;
    writeSseError(ctx.res, error, wire.encoder);
    return;
  }
  sendError(ctx, error, wire);
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
      respondWithError(ctx, thrown, logger);
    }
  };
}

export function sendError(ctx: Context, error: SwitchyardError, wire = OPENAI_ERRORS): void {
  ctx.respond = true;
  ctx.status = error.status;
  if (error.retryAfterMs !== undefined) ctx.set('retry-after', String(Math.ceil(error.retryAfterMs / 1000)));
  if (error.headers) ctx.set(error.headers);
  ctx.set('x-switchyard-error-code', error.code);
  ctx.body = wire.body(error);
}
