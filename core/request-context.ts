/**
 * One request's context, however it arrived: the HTTP routes (./http/exchange.ts) and in-process
 * calls (./in-process.ts) build it here and run the chain through `runContext`, so both get the
 * same fields, the same "somebody must answer" check and the same host events.
 */
import { randomUUID } from 'node:crypto';
import type { Caller, ChatContext, GatewayContext, HostRequest } from './context.js';
import { SwitchyardError, toSwitchyardError } from './errors/switchyard-error.js';
import { eventBase, type GatewayEvents } from './events.js';
import type { GatewayServices } from './services.js';
import type { StageMiddleware } from './stage.js';
import type { ChatCompletionChunk } from './types/openai.js';

/** What every operation's context holds, before the operation adds its request. */
export type ContextFields = Omit<ChatContext, 'operation' | 'request' | 'response' | 'stream'>;

export interface ContextInit {
  requestId: string;
  /** Aborts the request (client gone, caller's signal, gateway closing). */
  signal: AbortSignal;
  /** Aborts `signal` (the dispatcher's deadline uses it). */
  abortRequest?: (reason: unknown) => void;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  host: HostRequest;
  /** A caller already known (an in-process call's trusted caller); the auth stage keeps it. */
  caller?: Caller;
}

export function newRequestId(): string {
  return `req_${randomUUID().replace(/-/g, '')}`;
}

export function contextFields(services: GatewayServices, init: ContextInit): ContextFields {
  return {
    requestId: init.requestId,
    signal: init.signal,
    abortRequest: init.abortRequest,
    startedAt: services.now(),
    headers: init.headers,
    host: init.host,
    responseHeaders: { 'x-switchyard-request-id': init.requestId },
    caller: init.caller,
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

const noop = () => Promise.resolve();

/**
 * Runs the chain on `ctx` and checks that a stage answered. With host listeners, emits the
 * request's events; a stream's closing events leave when the stream ends.
 */
export async function runContext(
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
  try {
    await chain(ctx, noop);
    if (ctx.response === undefined && ctx.stream === undefined) {
      throw new SwitchyardError(
        'SY_ERR_INTERNAL',
        'No stage produced a response (is the route stage in the pipeline?).',
      );
    }
  } catch (error) {
    if (observed) requestOver(ctx, observed, 'error', toSwitchyardError(error));
    throw error;
  }
  if (!observed) return;
  if (ctx.operation === 'chat' && ctx.stream) ctx.stream = observeStream(ctx, ctx.stream, observed);
  else requestOver(ctx, observed, 'ok', undefined);
}

async function* observeStream(
  ctx: ChatContext,
  stream: AsyncIterable<ChatCompletionChunk>,
  events: GatewayEvents,
): AsyncGenerator<ChatCompletionChunk> {
  let outcome: 'ok' | 'error' | 'closed' = 'closed';
  let failure: SwitchyardError | undefined;
  try {
    yield* stream;
    outcome = 'ok';
  } catch (error) {
    outcome = 'error';
    failure = toSwitchyardError(error);
    throw error;
  } finally {
    requestOver(ctx, events, outcome, failure);
  }
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
