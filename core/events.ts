/**
 * Events for the host application: what happened to each request, as it happens, without
 * parsing logs. `gateway.on('response', (e) => …)` with a typed event map.
 *
 * Emitting costs nothing when nobody listens: every emit site first asks `events.active` (one
 * property read), and builds its payload only when a listener for that event exists.
 */
import { EventEmitter } from 'node:events';
import type { CatalogEntry } from './catalog.js';
import type { Attempt, Caller, GatewayContext, RoutingPlan, UsageRecord } from './context.js';
import type { SwitchyardError } from './errors/switchyard-error.js';
import type { AuditedFinding } from './guardrails/state.js';
import type { AnyStageFactory } from './pipeline.js';
import type { StageFactory } from './stage.js';

interface RequestEventBase {
  requestId: string;
  operation: GatewayContext['operation'];
  /** The model the request named. */
  model: string;
  /** Who is calling; undefined until the auth stage (or the in-process caller) said so. */
  caller: Caller | undefined;
}

/** The events a gateway emits, by name. */
export interface GatewayEventMap {
  /** A request entered the chain (after body validation). */
  request: RequestEventBase & { stream: boolean; startedAt: number };
  /** The plan is decided: the candidates the dispatcher will try, in order. */
  routed: RequestEventBase & { plan: RoutingPlan };
  /** A candidate failed; failover may try the next one. */
  'attempt-failed': RequestEventBase & { attempt: Attempt };
  /** The request is over: answered, failed, or cut by the client (streams: at the stream's end). */
  response: RequestEventBase & {
    outcome: 'ok' | 'error' | 'closed';
    /** The HTTP status the answer had (or would have had, in-process). */
    status: number;
    served: CatalogEntry | undefined;
    attempts: readonly Attempt[];
    error: SwitchyardError | undefined;
    durationMs: number;
  };
  /** What the request used and cost (absent when nothing was used). */
  usage: RequestEventBase & { usage: UsageRecord; served: CatalogEntry | undefined };
  /** One guardrail finding (never the matched text). */
  guardrail: RequestEventBase & { finding: AuditedFinding };
}

export type GatewayEventName = keyof GatewayEventMap;
export type GatewayListener<E extends GatewayEventName> = (event: GatewayEventMap[E]) => void;

/** The subscription half, as exposed on the Gateway. */
export interface GatewayEventSource {
  on<E extends GatewayEventName>(event: E, listener: GatewayListener<E>): this;
  once<E extends GatewayEventName>(event: E, listener: GatewayListener<E>): this;
  off<E extends GatewayEventName>(event: E, listener: GatewayListener<E>): this;
}

/**
 * A typed emitter over node:events. A listener that throws is logged by the caller's
 * `onListenerError` and never breaks a request.
 */
export class GatewayEvents {
  private readonly emitter = new EventEmitter();
  /** True while at least one listener is registered: the hot path's only check. */
  active = false;

  constructor(private readonly onListenerError: (error: unknown, event: string) => void = () => {}) {
    this.emitter.setMaxListeners(0);
  }

  on<E extends GatewayEventName>(event: E, listener: GatewayListener<E>): void {
    this.emitter.on(event, listener);
    this.active = true;
  }

  once<E extends GatewayEventName>(event: E, listener: GatewayListener<E>): void {
    this.emitter.once(event, listener);
    this.active = true;
  }

  off<E extends GatewayEventName>(event: E, listener: GatewayListener<E>): void {
    this.emitter.off(event, listener);
    this.active = this.emitter.eventNames().length > 0;
  }

  has(event: GatewayEventName): boolean {
    return this.active && this.emitter.listenerCount(event) > 0;
  }

  /** Emits when someone listens; `payload` is only called then. */
  emit<E extends GatewayEventName>(event: E, payload: () => GatewayEventMap[E]): void {
    if (!this.has(event)) return;
    const value = payload();
    // Raw listeners: calling a `once` wrapper removes it, as emit() would.
    for (const listener of this.emitter.rawListeners(event) as GatewayListener<E>[]) {
      try {
        listener(value);
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
    this.active = this.emitter.eventNames().length > 0;
  }
}

/** The fields every request event carries. */
export function eventBase(ctx: GatewayContext): RequestEventBase {
  return { requestId: ctx.requestId, operation: ctx.operation, model: ctx.request.model, caller: ctx.caller };
}

/**
 * Wraps the `route` stage so the host hears the decided plan (after every stage that filters it)
 * and each failed attempt. Without listeners the wrapper costs one property read per request.
 */
export function observeRouting(factories: Map<string, AnyStageFactory>, events: GatewayEvents): void {
  const route = factories.get('route') as StageFactory<Record<string, unknown>> | undefined;
  if (!route) return;
  const observed: StageFactory<Record<string, unknown>> = {
    ...route,
    create(options, services) {
      const created = route.create(options, services);
      if (!created) return undefined;
      const inner = created;
      async function withEvents(ctx: GatewayContext, next: () => Promise<void>): Promise<void> {
        const plan = ctx.plan;
        if (plan) events.emit('routed', () => ({ ...eventBase(ctx), plan }));
        const before = ctx.attempts.length;
        try {
          await inner(ctx, next);
        } finally {
          for (const attempt of ctx.attempts.slice(before)) {
            if (attempt.outcome === 'error')
              events.emit('attempt-failed', () => ({ ...eventBase(ctx), attempt }));
          }
        }
      }
      // Not async itself: without listeners the route stage runs with no promise of its own.
      return function route(ctx, next) {
        return events.active ? withEvents(ctx, next) : inner(ctx, next);
      };
    },
  };
  factories.set('route', observed as AnyStageFactory);
}
