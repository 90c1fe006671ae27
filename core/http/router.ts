import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import type { createHandlers } from './handlers.js';
import { nodeCall, type HttpCall } from './http-call.js';
import { respondWithError } from './error-response.js';

export type Handlers = ReturnType<typeof createHandlers>;
type Handler = (call: HttpCall) => Promise<void>;

/**
 * The OpenAI-compatible routes, and the Anthropic-compatible `/v1/messages`. Koa serves the same
 * table through koa-router in ../gateway-koa.ts, loaded only when Koa is used.
 */
export function routes(handlers: Handlers): [method: 'GET' | 'POST', path: string, handler: Handler][] {
  return [
    ['POST', '/v1/chat/completions', handlers.chat],
    ['POST', '/v1/embeddings', handlers.embeddings],
    ['POST', '/v1/messages', handlers.messages],
    ['GET', '/v1/models', handlers.models],
    ['GET', '/health', handlers.health],
    ['GET', '/health/providers', handlers.providers],
    ['GET', '/ready', handlers.ready],
    ['GET', '/metrics', handlers.metrics],
  ];
}

/**
 * The gateway's own server: the routes are matched on a plain lookup and served without a
 * framework (the hot path); anything else (admin routes, 404, 405) goes to `fallback`.
 */
export function createNodeHandler(
  handlers: Handlers,
  logger: Logger,
  fallback: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse, next?: () => void) => void {
  const table = new Map<string, Handler>();
  for (const [method, path, handler] of routes(handlers)) table.set(`${method} ${path}`, handler);
  // `next` is Express's: a path the gateway does not serve goes back to the host app.
  return function switchyard(req, res, next) {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const handler = table.get(`${req.method} ${path}`);
    if (!handler) return next ? next() : fallback(req, res);
    const call = nodeCall(req, res, path, next ? 'express' : 'node');
    handler(call).catch((thrown: unknown) => respondWithError(call, thrown, logger));
  };
}
