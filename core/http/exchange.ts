/**
 * What every route that runs the stage chain shares: a fresh context per request, tracking so
 * shutdown can wait for it, the client's disconnect as the context's abort signal, and the
 * answer written as JSON or as server-sent events in the route's own wire format.
 */
import type { ServerResponse } from 'node:http';
import { SwitchyardError } from '../errors/switchyard-error.js';
import type { ChatContext, EmbeddingsContext, GatewayContext } from '../context.js';
import type { GatewayEvents } from '../events.js';
import { RequestAbort } from '../request-abort.js';
import { createRequestContext, newRequestId, RESPONSE_SLOT, runContext } from '../request-context.js';
import type { GatewayServices } from '../services.js';
import type { StageMiddleware } from '../stage.js';
import type { ChatCompletion, ChatCompletionRequest, EmbeddingsRequest } from '../types/openai.js';
import type { InflightTracker } from './inflight.js';
import { keepAlive, type KeepAlive } from './keep-alive.js';
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

export type Exchange = ReturnType<typeof createExchange>;

/** How a route spells a complete answer. */
interface JsonWire<R> {
  json(response: R): unknown;
}

const EMBEDDINGS_WIRE: JsonWire<unknown> = { json: (response) => response };

export function createExchange(deps: ExchangeDeps) {
  const { services, chain, inflight, events } = deps;

  /**
   * Registers a request for shutdown's drain and aborts it when the client disconnects; returns
   * the function that ends both. Throws when the gateway is closing.
   */
  function enter(call: HttpCall, abort: RequestAbort): () => void {
    if (inflight.closing) {
      throw new SwitchyardError(
        'SY_ERR_GATEWAY_SHUTTING_DOWN',
        'The gateway is shutting down; retry on another instance.',
      );
    }
    inflight.add(abort);
    const res = call.res;
    const onClose = () => {
      if (!res.writableFinished) {
        abort.abort(new SwitchyardError('SY_ERR_CLIENT_CLOSED', 'The client closed the connection.'));
      }
    };
    res.on('close', onClose);
    return () => {
      res.off('close', onClose);
      inflight.remove(abort);
    };
  }

  /** A fresh context for `call`; its signal aborts through `abort`. */
  function newContext<C extends GatewayContext>(
    call: HttpCall,
    abort: RequestAbort,
    operation: C['operation'],
    request: C['request'],
  ): C {
    const init = { requestId: newRequestId(), headers: call.req.headers, host: call.host };
    return createRequestContext<C>(services, abort, init, operation, request);
  }

  /**
   * Runs a validated non-streaming request through the chain as a tracked request and answers
   * with `json` of its response, in one write with every header. One async function from here to
   * the first stage (runContext is a plain promise): a request waiting on its upstream keeps one
   * suspended frame here, not three.
   */
  async function answer<C extends GatewayContext>(
    call: HttpCall,
    operation: C['operation'],
    request: C['request'],
    wire: JsonWire<NonNullable<C['response']>>,
  ): Promise<void> {
    const abort = new RequestAbort();
    const leave = enter(call, abort);
    try {
      const ctx = newContext<C>(call, abort, operation, request);
      try {
        await runContext(ctx, chain, events);
      } catch (error) {
        // Error responses carry the decision headers too (the rule that denied, the revision).
        if (!call.res.headersSent) call.setHeaders(ctx.responseHeaders);
        throw error;
      }
      respond(call, ctx, wire);
    } finally {
      leave();
    }
  }

  /** Writes the answer; a failure to shape it still carries the request's headers. */
  function respond<C extends GatewayContext>(
    call: HttpCall,
    ctx: C,
    wire: JsonWire<NonNullable<C['response']>>,
  ): void {
    let body: unknown;
    try {
      body = wire.json(ctx.response as NonNullable<C['response']>);
    } catch (error) {
      call.setHeaders(ctx.responseHeaders);
      throw error;
    }
    call.send(200, body, ctx.responseHeaders);
  }

  /**
   * Runs a validated streaming chat request through the chain as a tracked request and streams
   * its answer as server-sent events. One async function, as in `answer`.
   */
  async function chatStreamed(call: HttpCall, request: ChatCompletionRequest, wire: ChatWire): Promise<void> {
    const abort = new RequestAbort();
    const leave = enter(call, abort);
    const res = call.res;
    const encoder = wire.encoder();
    let alive: KeepAlive | undefined;
    try {
      const ctx = newContext<ChatContext>(call, abort, 'chat', request);
      if (services.config.earlyHeaders) {
        const slots = ctx as unknown as { sendHeaders: typeof sendStreamHeaders; [RESPONSE_SLOT]: HttpCall };
        slots.sendHeaders = sendStreamHeaders;
        slots[RESPONSE_SLOT] = call;
      }
      // While the chain waits for a slow first token, keep the connection alive with comments.
      // Failover still works after that: comments carry no data. The same registration then
      // keeps the stream itself alive (pipeSse).
      alive = keepAlive(services.config.keepAliveMs, () => {
        openStream(call, ctx.responseHeaders, true);
        writeKeepAlive(res);
      });
      try {
        await runContext(ctx, chain, events);
      } catch (error) {
        if (!res.headersSent) {
          call.setHeaders(ctx.responseHeaders);
          throw error;
        }
        writeSseError(res, error, encoder);
        return;
      }
      // The first output is already here: the headers go out with it.
      openStream(call, ctx.responseHeaders, false);
      await pipeSse(res, ctx.stream ?? emptyStream(), alive, encoder);
    } finally {
      alive?.stop();
      leave();
    }
  }

  /** Runs a validated chat request through the chain and writes the answer in `wire`'s format. */
  function chat(call: HttpCall, request: ChatCompletionRequest, wire: ChatWire): Promise<void> {
    if (request.stream !== true) return answer<ChatContext>(call, 'chat', request, wire);
    return chatStreamed(call, request, wire);
  }

  /** Runs a validated embeddings request through the chain and answers with its JSON. */
  function embeddings(call: HttpCall, request: EmbeddingsRequest): Promise<void> {
    return answer<EmbeddingsContext>(call, 'embeddings', request, EMBEDDINGS_WIRE);
  }

  return { chat, embeddings };
}

/**
 * `ctx.sendHeaders` of a streamed chat request: the status line and the headers so far, out at
 * the end of this turn of the event loop. An upstream that answered at once usually sent its
 * first output in the same read, and then the headers leave with it in one write.
 */
function sendStreamHeaders(this: GatewayContext): void {
  const call = (this as unknown as { [RESPONSE_SLOT]: HttpCall })[RESPONSE_SLOT];
  openStream(call, this.responseHeaders, false);
  setImmediate(flushHeaders, call.res);
}

/** The route answers with server-sent events from now on: status line and headers, unless sent. */
function openStream(call: HttpCall, headers: Readonly<Record<string, string>>, flush: boolean): void {
  call.takeOver();
  startSse(call.res, headers, flush);
}

/** Sends headers set with writeHead that no write has taken along yet (a no-op once they left). */
function flushHeaders(res: ServerResponse): void {
  if (!res.writableEnded && !res.destroyed) res.flushHeaders();
}

// eslint-disable-next-line require-yield
async function* emptyStream(): AsyncGenerator<never> {
  throw new SwitchyardError('SY_ERR_INTERNAL', 'No stage produced a stream.');
}
