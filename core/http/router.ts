import Router from 'koa-router';
import type { Middleware } from 'koa';
import type { createHandlers } from './handlers.js';

export type Handlers = ReturnType<typeof createHandlers>;

/**
 * The OpenAI-compatible routes, and the Anthropic-compatible `/v1/messages`. With a prefix the
 * same routes mount under it (`/llm/v1/...`).
 */
export function createRouter(handlers: Handlers, prefix = ''): Router {
  const router = new Router(prefix ? { prefix } : {});
  router.post('/v1/chat/completions', handlers.chat as Middleware);
  router.post('/v1/embeddings', handlers.embeddings as Middleware);
  router.post('/v1/messages', handlers.messages as Middleware);
  router.get('/v1/models', handlers.models as Middleware);
  router.get('/health', handlers.health as Middleware);
  return router;
}
