/**
 * The OpenAI-compatible HTTP handlers: parse and validate the body, run the stage chain on a
 * fresh context (./exchange.ts), and write the result as JSON or as server-sent events.
 */
import type { Context } from 'koa';
import type { EmbeddingsContext } from '../context.js';
import type { ChatCompletionRequest, EmbeddingsRequest } from '../types/openai.js';
import { createAnthropicMessagesHandler } from './anthropic-messages-handler.js';
import { createExchange, OPENAI_WIRE, type ExchangeDeps } from './exchange.js';
import { readJsonBody } from './read-body.js';
import { validateChatRequest, validateEmbeddingsRequest } from './validate-request.js';
import { listModels } from './models.js';

export type HandlerDeps = ExchangeDeps;

export function createHandlers(deps: HandlerDeps) {
  const { services, inflight } = deps;
  const { bodyLimitBytes } = services.config.server;
  const exchange = createExchange(deps);

  async function chat(koa: Context): Promise<void> {
    const body = await readJsonBody(koa.req, bodyLimitBytes, (koa.request as { body?: unknown }).body);
    const request: ChatCompletionRequest = validateChatRequest(body);
    await exchange.chat(koa, request, OPENAI_WIRE);
  }

  async function embeddings(koa: Context): Promise<void> {
    const body = await readJsonBody(koa.req, bodyLimitBytes, (koa.request as { body?: unknown }).body);
    const request: EmbeddingsRequest = validateEmbeddingsRequest(body);
    await exchange.tracked(koa, async (controller) => {
      const ctx: EmbeddingsContext = {
        ...exchange.base(koa, controller),
        operation: 'embeddings',
        request,
        response: undefined,
        stream: undefined,
      };
      await exchange.runChain(ctx);
      koa.set(ctx.responseHeaders);
      koa.body = ctx.response;
    });
  }

  function models(koa: Context): void {
    koa.body = listModels(services);
  }

  function health(koa: Context): void {
    koa.body = { status: inflight.closing ? 'closing' : 'ok' };
    if (inflight.closing) koa.status = 503;
  }

  const messages = createAnthropicMessagesHandler({ exchange, services });

  return { chat, embeddings, models, health, messages };
}
