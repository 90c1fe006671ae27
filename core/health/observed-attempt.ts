/**
 * One upstream attempt as the route stage makes it: its trace span and `traceparent`, the circuit
 * breaker told when it starts (a half-open circuit's probe) and how it ended. A class, so an
 * attempt costs one small object and no closures.
 */
import type { CatalogEntry } from '../catalog.js';
import type { Candidate, GatewayContext } from '../context.js';
import type { ProviderHealth } from './provider-health.js';
import type { SignalLike } from '../request-abort.js';
import type { AttemptTrace, RequestTrace, TraceHeaders } from '../tracing/trace-context.js';

export class ObservedAttempt {
  private readonly span: AttemptTrace;

  constructor(
    private readonly health: ProviderHealth | undefined,
    private readonly entry: CatalogEntry,
    trace: RequestTrace,
  ) {
    this.span = trace.attempt(entry);
    health?.started(entry);
  }

  /** The headers to send upstream (`traceparent`, `tracestate`). */
  get headers(): TraceHeaders {
    return this.span.headers;
  }

  succeeded(): void {
    this.health?.settled(this.entry, undefined, false);
    this.span.end();
  }

  /** `signal` is the attempt's: an attempt cut by the client or the deadline says nothing about the provider. */
  failed(error: unknown, signal: SignalLike): void {
    this.health?.settled(this.entry, error, signal.aborted);
    this.span.end(error);
  }
}

export function observeAttempt(
  ctx: GatewayContext,
  trace: RequestTrace,
  candidate: Candidate,
): ObservedAttempt {
  return new ObservedAttempt(ctx.services.health, candidate.entry, trace);
}
