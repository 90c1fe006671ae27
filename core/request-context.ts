/**
 * One request's context, however it arrived: the HTTP routes (./http/exchange.ts) and in-process
 * calls (./in-process.ts) build it here and run the chain through `runContext`, so both get the
 * same fields, the same "somebody must answer" check and the same host events.
 */
import { randomFillSync } from 'node:crypto';
import type { Caller, ChatContext, GatewayContext, HostRequest } from './context.js';
import { SwitchyardError, toSwitchyardError } from './errors/switchyard-error.js';
import { eventBase, type GatewayEvents } from './events.js';
import { ABORT_SOURCE, type RequestAbort, type SignalLike } from './request-abort.js';
import type { GatewayServices } from './services.js';
import type { StageMiddleware } from './stage.js';
import { ChatStream } from './stream/chat-stream.js';
import type { ChatCompletionChunk } from './types/openai.js';

// Request ids are 128 random bits in hex, cut from a pool the CSPRNG refills every 256 ids: one
// string per id, where slicing the dashes out of a randomUUID() made six (and the id needs no
// UUID version bits). Random, never a counter: a client must not read the gateway's traffic
// volume off its ids. Spelled into a buffer and read out as one flat string: `req_${hex}` would be
// a two-piece string, which every later character read (the trace id is cut from it) pays for.
const ID_BYTES = 16;
const idPool = Buffer.allocUnsafe(ID_BYTES * 256);
let idOffset = idPool.length;
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
const idText = Buffer.from(`req_${'0'.repeat(ID_BYTES * 2)}`, 'latin1');

export function newRequestId(): string {
  if (idOffset === idPool.length) {
    randomFillSync(idPool);
    idOffset = 0;
  }
  for (let i = 0; i < ID_BYTES; i++) {
    const byte = idPool[idOffset + i] as number;
    idText[4 + 2 * i] = HEX_DIGITS[byte >> 4] as number;
    idText[5 + 2 * i] = HEX_DIGITS[byte & 15] as number;
  }
  idOffset += ID_BYTES;
  return idText.toString('latin1');
}

/**
 * A slot on every context for the route that made it (the HTTP exchange keeps its call there for
 * `sendHeaders`). A slot and a shared function rather than a closure per request: a closure over
 * the exchange's frame, stored on the context, cost streams about 30 % of their throughput at
 * c=64, the extra CPU mostly in the garbage collector (docs/benchmarks.md, eighth session).
 */
export const RESPONSE_SLOT = Symbol('switchyard.response');

/** What a route (HTTP or in-process) knows of a request when it makes its context. */
export interface RequestContextInit {
  requestId: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  host: HostRequest;
  /** A caller already known (an in-process call's trusted caller); the auth stage keeps it. */
  caller?: Caller;
}

/**
 * A request's context, for every route: a class, so a request costs one object with a fixed shape
 * (an object literal with a getter is defined at run time, and on Node 20 an object spread followed
 * by more properties, `{ ...fields, operation }`, costs microseconds). Its `signal` is made from
 * the request's RequestAbort on first use (./request-abort.ts); the route stage reaches the
 * RequestAbort itself through ABORT_SOURCE.
 */
class RequestContext {
  readonly abortRequest: (reason: unknown) => void;
  readonly startedAt: number;
  readonly responseHeaders: Record<string, string>;
  caller: Caller | undefined = undefined;
  plan: GatewayContext['plan'] = undefined;
  readonly attempts: GatewayContext['attempts'] = [];
  served: GatewayContext['served'] = undefined;
  usage: GatewayContext['usage'] = undefined;
  error: GatewayContext['error'] = undefined;
  readonly state: GatewayContext['state'] = {};
  readonly log: GatewayContext['log'];
  response: unknown = undefined;
  stream: unknown = undefined;
  sendHeaders: ((this: GatewayContext) => void) | undefined = undefined;
  /** What `sendHeaders` answers through (the HTTP routes' own value). */
  [RESPONSE_SLOT]: unknown = undefined;
  readonly [ABORT_SOURCE]: RequestAbort;
  /** An own accessor, defined in the constructor (SIGNAL_PROPERTY). */
  declare readonly signal: AbortSignal;

  constructor(
    readonly services: GatewayServices,
    abort: RequestAbort,
    readonly requestId: string,
    readonly headers: GatewayContext['headers'],
    readonly host: HostRequest,
    readonly operation: GatewayContext['operation'],
    public request: GatewayContext['request'],
  ) {
    this[ABORT_SOURCE] = abort;
    Object.defineProperty(this, 'signal', SIGNAL_PROPERTY);
    this.abortRequest = (reason) => abort.abort(reason);
    this.startedAt = services.now();
    this.responseHeaders = { 'x-switchyard-request-id': requestId };
    this.log = services.logger;
  }
}

/**
 * `ctx.signal`: an own, enumerable accessor as an object literal's getter would be (a copy of
 * the context still has a signal), defined with one shared descriptor.
 */
const SIGNAL_PROPERTY: PropertyDescriptor = {
  get(this: { [ABORT_SOURCE]: RequestAbort }): AbortSignal {
    return this[ABORT_SOURCE].signal;
  },
  enumerable: true,
  configurable: true,
};

/** A fresh context for one request (see RequestContext). */
export function createRequestContext<C extends GatewayContext>(
  services: GatewayServices,
  abort: RequestAbort,
  init: RequestContextInit,
  operation: C['operation'],
  request: C['request'],
): C {
  const ctx = new RequestContext(
    services,
    abort,
    init.requestId,
    init.headers,
    init.host,
    operation,
    request,
  );
  if (init.caller !== undefined) ctx.caller = init.caller;
  return ctx as unknown as C;
}

/** The RequestAbort behind a context made by createRequestContext, else its AbortSignal. */
export function abortSourceOf(ctx: GatewayContext): SignalLike {
  return (ctx as { [ABORT_SOURCE]?: RequestAbort })[ABORT_SOURCE] ?? ctx.signal;
}

const noop = () => Promise.resolve();

/**
 * Runs the chain on `ctx` and checks that a stage answered. With host listeners, emits the
 * request's events; a stream's closing events leave when the stream ends. A promise chained on
 * the chain's own rather than an async function: a request waiting on its upstream holds one
 * suspended frame fewer (the HTTP routes await this from their own).
 */
export function runContext(
  ctx: GatewayContext,
  chain: StageMiddleware,
  events?: GatewayEvents,
): Promise<void> {
  const observed = events?.active === true ? events : undefined;
  observed?.emit('request', () => ({
    ...eventBase(ctx),
    stream: ctx.request.stream === true,
    startedAt: ctx.startedAt,
  }));
  let running: Promise<void>;
  try {
    running = chain(ctx, noop);
  } catch (error) {
    running = Promise.reject(error);
  }
  return running.then(
    () => answered(ctx, observed),
    (error: unknown) => {
      if (observed) requestOver(ctx, observed, 'error', toSwitchyardError(error));
      throw error;
    },
  );
}

/** The chain resolved: a stage must have answered; the listeners hear of the end. */
function answered(ctx: GatewayContext, observed: GatewayEvents | undefined): void {
  if (ctx.response === undefined && ctx.stream === undefined) {
    const error = new SwitchyardError(
      'SY_ERR_INTERNAL',
      'No stage produced a response (is the route stage in the pipeline?).',
    );
    if (observed) requestOver(ctx, observed, 'error', error);
    throw error;
  }
  if (!observed) return;
  if (ctx.operation === 'chat' && ctx.stream) ctx.stream = observeStream(ctx, ctx.stream, observed);
  else requestOver(ctx, observed, 'ok', undefined);
}

function observeStream(
  ctx: ChatContext,
  stream: AsyncIterable<ChatCompletionChunk>,
  events: GatewayEvents,
): AsyncIterable<ChatCompletionChunk> {
  return ChatStream.from(stream).use({
    finally: (outcome, error) =>
      requestOver(ctx, events, outcome, outcome === 'error' ? toSwitchyardError(error) : undefined),
  });
}

function requestOver(
  ctx: GatewayContext,
  events: GatewayEvents,
  outcome: 'ok' | 'error' | 'closed',
  error: SwitchyardError | undefined,
): void {
  const usage = ctx.usage;
  if (usage) events.emit('usage', () => ({ ...eventBase(ctx), usage, served: ctx.served }));
  for (const finding of ctx.state.guardrails?.findings ?? []) {
    events.emit('guardrail', () => ({ ...eventBase(ctx), finding }));
  }
  events.emit('response', () => ({
    ...eventBase(ctx),
    outcome,
    status: error?.status ?? (outcome === 'closed' ? 499 : 200),
    served: ctx.served,
    attempts: ctx.attempts,
    error,
    durationMs: ctx.services.now() - ctx.startedAt,
  }));
}
