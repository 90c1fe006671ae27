/**
 * The HTTP handlers: parse and validate the body, run the stage chain on a fresh context, and
 * write the result as JSON or as server-sent events.
 */
import type { Context } from 'koa';
import { randomUUID } from 'node:crypto';
import { SwitchyardError } from '../errors/switchyard-error.js';
import type { ChatContext, EmbeddingsContext, GatewayContext } from '../context.js';
import type { GatewayServices } from '../services.js';
import type { StageMiddleware } from '../stage.js';
import type { ChatCompletionRequest, EmbeddingsRequest } from '../types/openai.js';
import type { InflightTracker } from './inflight.js';
import { readJsonBody } from './read-body.js';
import { pipeSse, startSse, writeKeepAlive, writeSseError } from './sse-writer.js';
import { validateChatRequest, validateEmbeddingsRequest } from './validate-request.js';
import { listModels } from './models.js';

export interface HandlerDeps {
  services: GatewayServices;
  chain: StageMiddleware;
  inflight: InflightTracker;
}

const noop = () => Promise.resolve();

export function createHandlers(deps: HandlerDeps) {
  const { services, chain, inflight } = deps;
  const { bodyLimitBytes } = services.config.server;

  function base(koa: Context, controller: AbortController) {
    const requestId = `req_${randomUUID().replace(/-/g, '')}`;
    koa.set('x-switchyard-request-id', requestId);
    return {
      requestId,
      signal: controller.signal,
      startedAt: services.now(),
      headers: koa.request.headers,
      responseHeaders: { 'x-switchyard-request-id': requestId },
      caller: undefined,
      plan: undefined,
      attempts: [],
      served: undefined,
      usage: undefined,
      error: undefined,
      state: {},
      log: services.logger,
      services,
    };
  }

  /** Runs `work` as a tracked request whose signal aborts when the client disconnects. */
  async function tracked(koa: Context, work: (controller: AbortController) => Promise<void>): Promise<void> {
    if (inflight.closing) {
      throw new SwitchyardError(
        'SY_ERR_GATEWAY_SHUTTING_DOWN',
        'The gateway is shutting down; retry on another instance.',
      );
    }
    const { controller, leave } = inflight.enter();
    const onClose = () => {
      if (!koa.res.writableFinished) {
        controller.abort(new SwitchyardError('SY_ERR_CLIENT_CLOSED', 'The client closed the connection.'));
      }
    };
    koa.res.once('close', onClose);
    try {
      await work(controller);
    } finally {
      koa.res.off('close', onClose);
      leave();
    }
  }

  async function runChain(ctx: GatewayContext): Promise<void> {
    await chain(ctx, noop);
    if (ctx.response === undefined && ctx.stream === undefined) {
      throw new SwitchyardError(
        'SY_ERR_INTERNAL',
        'No stage produced a response (is the route stage in the pipeline?).',
      );
    }
  }

  async function chat(koa: Context): Promise<void> {
    const body = await readJsonBody(koa.req, bodyLimitBytes, (koa.request as { body?: unknown }).body);
    const request: ChatCompletionRequest = validateChatRequest(body);
    await tracked(koa, async (controller) => {
      const ctx: ChatContext = {
        ...base(koa, controller),
        operation: 'chat',
        request,
        response: undefined,
        stream: undefined,
      };
      if (request.stream === true) return streamChat(koa, ctx);
      await runChain(ctx);
      koa.set(ctx.responseHeaders);
      koa.body = ctx.response;
    });
  }

  async function streamChat(koa: Context, ctx: ChatContext): Promise<void> {
    const res = koa.res;
    const keepAliveMs = services.config.keepAliveMs;
    // While the chain waits for a slow first token, keep the connection alive with comments.
    // Failover still works after that: comments carry no data.
    const keepAlive = setInterval(() => {
      koa.respond = false;
      startSse(res, ctx.responseHeaders);
      writeKeepAlive(res);
    }, keepAliveMs);
    try {
      await runChain(ctx);
    } catch (error) {
      if (!res.headersSent) throw error;
      writeSseError(res, error);
      return;
    } finally {
      clearInterval(keepAlive);
    }
    koa.respond = false;
    startSse(res, ctx.responseHeaders);
    await pipeSse(res, ctx.stream ?? emptyStream(), keepAliveMs);
  }

  async function embeddings(koa: Context): Promise<void> {
    const body = await readJsonBody(koa.req, bodyLimitBytes, (koa.request as { body?: unknown }).body);
    const request: EmbeddingsRequest = validateEmbeddingsRequest(body);
    await tracked(koa, async (controller) => {
      const ctx: EmbeddingsContext = {
        ...base(koa, controller),
        operation: 'embeddings',
        request,
        response: undefined,
        stream: undefined,
      };
      await runChain(ctx);
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

  return { chat, embeddings, models, health };
}

// eslint-disable-next-line require-yield
async function* emptyStream(): AsyncGenerator<never> {
  throw new SwitchyardError('SY_ERR_INTERNAL', 'No stage produced a stream.');
}
