/**
 * One upstream attempt as the route stage makes it: its trace span and `traceparent`, the circuit
 * breaker told when it starts (a half-open circuit's probe) and how it ended.
 */
import type { Candidate, GatewayContext } from '../context.js';
import type { RequestTrace, TraceHeaders } from '../tracing/trace-context.js';

export async function observedAttempt<T>(
  ctx: GatewayContext,
  trace: RequestTrace,
  candidate: Candidate,
  signal: AbortSignal,
  run: (headers: TraceHeaders) => Promise<T>,
): Promise<T> {
  const health = ctx.services.health;
  const entry = candidate.entry;
  const span = trace.attempt(entry);
  health?.started(entry);
  try {
    const value = await run(span.headers);
    health?.settled(entry, undefined, false);
    span.end();
    return value;
  } catch (error) {
    // An attempt cut by the client or the deadline says nothing about the provider.
    health?.settled(entry, error, signal.aborted);
    span.end(error);
    throw error;
  }
}
