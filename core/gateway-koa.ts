/**
 * The Koa side of a gateway: the middleware `gateway.koa()` hands to a host app, and the fallback
 * of the gateway's own server (admin routes, 404, 405). The hot routes are served on plain
 * `node:http` (./http/router.ts), so ./gateway.ts imports this module, and with it koa and
 * koa-router, only when one of these is first used: a gateway that only serves the API never
 * loads them (about 10 MB of resident memory).
 */
import Koa from 'koa';
import Router from 'koa-router';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createAdminApi, type AdminApiDeps } from './admin/admin-api.js';
import { compose } from './compose.js';
import { SwitchyardError } from './errors/switchyard-error.js';
import { errorResponder, sendError } from './http/error-response.js';
import { koaCall } from './http/http-call.js';
import { passHostErrors } from './http/koa-mount.js';
import { routes, type Handlers } from './http/router.js';
import type { Logger } from './logger.js';

/** The routes as koa-router routes; with a prefix they mount under it (`/llm/v1/...`). */
export function createRouter(handlers: Handlers, prefix = ''): Router {
  const router = new Router(prefix ? { prefix } : {});
  for (const [method, path, handler] of routes(handlers)) {
    const middleware = ((ctx: Koa.Context) => handler(koaCall(ctx))) as Koa.Middleware;
    if (method === 'GET') router.get(path, middleware);
    else router.post(path, middleware);
  }
  return router;
}

/** The gateway's routes (and the admin API when configured) as one Koa middleware. */
export function koaMiddleware(
  handlers: Handlers,
  logger: Logger,
  admin: AdminApiDeps | undefined,
  prefix?: string,
): Koa.Middleware {
  const router = createRouter(handlers, prefix);
  const adminApi = admin ? createAdminApi(admin, prefix) : undefined;
  // Errors of the host's own downstream middleware pass through to the host's handler.
  return passHostErrors(
    compose<Koa.Context>([
      errorResponder(logger),
      ...(adminApi ? [adminApi] : []),
      router.routes() as unknown as Koa.Middleware,
      router.allowedMethods({ throw: true }) as unknown as Koa.Middleware,
    ]) as Koa.Middleware,
  );
}

/** What the gateway's own server does with a request that is not one of the hot routes. */
export function koaFallback(routes: Koa.Middleware): (req: IncomingMessage, res: ServerResponse) => void {
  const app = new Koa();
  app.silent = true;
  app.use(routes);
  app.use(async function notFound(ctx) {
    sendError(
      koaCall(ctx),
      new SwitchyardError('SY_ERR_ROUTE_NOT_FOUND', `No endpoint at ${ctx.method} ${ctx.path}.`),
    );
  });
  return app.callback();
}
