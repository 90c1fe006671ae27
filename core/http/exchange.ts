/**
 * What every route that runs the stage chain shares: a fresh context per request, tracking so
 * shutdown can wait for it, the client's disconnect as the context's abort signal, and the
 * answer written as JSON or as server-sent events in the route's own wire format.
 */
import { SwitchyardError } from '../errors/switchyard-error.js';
import type { ChatContext, GatewayContext } from '../context.js';
import type { GatewayEvents } from '../events.js';
import { contextFields, newRequestId, runContext, type ContextFields } from '../request-context.js';
import type { GatewayServices } from '../services.js';
import type { StageMiddleware } from '../stage.js';
import type { ChatCompletion, ChatCompletionRequest } from '../types/openai.js';
import type { InflightTracker } from './inflight.js';
import type { HttpCall } from './http-call.js';
import {
  openaiSseEncoder,
  pipeSse,
  startSse,
  writeKeepAlive,
  writeSseError,
  type SseEncoder,
} from './sse-writer.js';

export interface ExchangeDeps {
  services: GatewayServices;
  chain: StageMiddleware;
  inflight: InflightTracker;
  /** The host's event listeners (`gateway.on`). */
  events?: GatewayEvents;
}

/** How a route spells a chat answer: the JSON body, and the event stream's encoder (one per stream). */
export interface ChatWire {
  json(response: ChatCompletion): unknown;
  encoder(): SseEncoder;
}

export const OPENAI_WIRE: ChatWire = { json: (response) => response, encoder: () => openaiSseEncoder };

export type { ContextFields };

export type Exchange = ReturnType<typeof createExchange>;

export function createExchange(deps: ExchangeDeps) {
  const { services, chain, inflight, events } = deps;

  function base(call: HttpCall, controller: AbortController): ContextFields {
    const requestId = newRequestId();
    call.res.setHeader('x-switchyard-request-id', requestId);
    return contextFields(services, {
      requestId,
      signal: controller.signal,
      abortRequest: (reason) => controller.abort(reason),
      headers: call.req.headers,
      host: call.host,
    });
  }

  /** Runs `work` as a tracked request whose signal aborts when the client disconnects. */
  async function tracked(
    call: HttpCall,
    work: (controller: AbortController) => Promise<void>,
  ): Promise<void> {
    if (inflight.closing) {
      throw new SwitchyardError(
        'SY_ERR_GATEWAY_SHUTTING_DOWN',
        'The gateway is shutting down; retry on another instance.',
      );
    }
    const { controller, leave } = inflight.enter();
    const res = call.res;
    const onClose = () => {
      if (!res.writableFinished) {
        controller.abort(new SwitchyardError('SY_ERR_CLIENT_CLOSED', 'The client closed the connection.'));
      }
    };
    res.once('close', onClose);
    try {
      await work(controller);
    } finally {
      res.off('close', onClose);
      leave();
    }
  }

  async function runChain(ctx: GatewayContext, call: HttpCall): Promise<void> {
    try {
      await runContext(ctx, chain, events);
    } catch (error) {
      // Error responses carry the decision headers too (the rule that denied, the revision).
      if (!call.res.headersSent) call.setHeaders(ctx.responseHeaders);
      throw error;
    }
  }

  async function streamChat(call: HttpCall, ctx: ChatContext, encoder: SseEncoder): Promise<void> {
    const res = call.res;
    const keepAliveMs = services.config.keepAliveMs;
    // While the chain waits for a slow first token, keep the connection alive with comments.
    // Failover still works after that: comments carry no data.
    const keepAlive = setInterval(() => {
      call.takeOver();
      startSse(res, ctx.responseHeaders);
      writeKeepAlive(res);
    }, keepAliveMs);
    try {
      await runChain(ctx, call);
    } catch (error) {
      if (!res.headersSent) throw error;
      writeSseError(res, error, encoder);
      return;
    } finally {
      clearInterval(keepAlive);
    }
    call.takeOver();
    startSse(res, ctx.responseHeaders);
    await pipeSse(res, ctx.stream ?? emptyStream(), keepAliveMs, encoder);
  }

  /** Runs a validated chat request through the chain and writes the answer in `wire`'s format. */
  async function chat(call: HttpCall, request: ChatCompletionRequest, wire: ChatWire): Promise<void> {
    await tracked(call, async (controller) => {
      const ctx: ChatContext = {
        ...base(call, controller),
        operation: 'chat',
        request,
        response: undefined,
        stream: undefined,
      };
      if (request.stream === true) return streamChat(call, ctx, wire.encoder());
      await runChain(ctx, call);
      call.setHeaders(ctx.responseHeaders);
      call.send(200, wire.json(ctx.response as ChatCompletion));
    });
  }

  return { base, tracked, runChain, chat };
}

// eslint-disable-next-line require-yield
async function* emptyStream(): AsyncGenerator<never> {
  throw new SwitchyardError('SY_ERR_INTERNAL', 'No stage produced a stream.');
}
