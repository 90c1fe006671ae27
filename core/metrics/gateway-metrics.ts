/**
 * The gateway's Prometheus metrics, in a registry of its own (two gateways in one process never
 * share a series by accident). Served at GET /metrics; the list with labels is in
 * docs/operations.md#metrics.
 *
 * Label values are bounded: providers, models and teams come from the configuration (anything
 * else is `other`), error codes from the error table; never a user id, a key or a prompt.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CircuitState } from '../health/circuit-breaker.js';

export type ReloadKind = 'config' | 'policy';
export type ReloadResult = 'success' | 'failure';

/** What other stages report; every method is O(1). */
export interface GatewayMetrics {
  readonly registry: Registry;
  /** The cache stage: one lookup, answered from the cache or not. */
  cacheLookup(result: 'hit' | 'miss'): void;
  /** A configuration or policy reload. */
  reload(kind: ReloadKind, result: ReloadResult): void;
  /** The exposition text and its content type. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const OVERHEAD_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

export interface MetricSources {
  /** Requests running now. */
  inflight?: () => number;
  /** Each breaker's state, by `provider/model` ref. */
  circuits?: () => Iterable<[string, CircuitState]>;
}

/** The metric objects themselves; ./observe-request.ts feeds the per-request ones. */
export function defineMetrics(registry: Registry, sources: MetricSources) {
  const registers = [registry];
  const requestLabels = ['route', 'provider', 'model', 'team', 'status'] as const;
  const entryLabels = ['provider', 'model'] as const;
  return {
    requests: new Counter({
      name: 'switchyard_requests_total',
      help: 'Requests answered, by route (operation), provider, model, team and HTTP status.',
      labelNames: requestLabels,
      registers,
    }),
    errors: new Counter({
      name: 'switchyard_request_errors_total',
      help: 'Failed requests by route and Switchyard error code.',
      labelNames: ['route', 'code'] as const,
      registers,
    }),
    rejections: new Counter({
      name: 'switchyard_rejections_total',
      help: 'Requests refused before dispatch: rate limit, budget, guardrail, policy, auth.',
      labelNames: ['reason', 'team'] as const,
      registers,
    }),
    duration: new Histogram({
      name: 'switchyard_request_duration_seconds',
      help: 'Time from arrival to the last byte.',
      labelNames: ['route', 'provider', 'model'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    ttft: new Histogram({
      name: 'switchyard_time_to_first_token_seconds',
      help: 'Streaming requests: time from arrival to the first output token.',
      labelNames: ['route', 'provider', 'model'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    overhead: new Histogram({
      name: 'switchyard_gateway_overhead_seconds',
      help: 'Time to the answer (streams: to the first token) not spent waiting on upstream attempts.',
      labelNames: ['route'] as const,
      buckets: OVERHEAD_BUCKETS,
      registers,
    }),
    tokens: new Counter({
      name: 'switchyard_tokens_total',
      help: 'Tokens by provider, model, team and type (prompt, completion).',
      labelNames: ['provider', 'model', 'team', 'type'] as const,
      registers,
    }),
    cost: new Counter({
      name: 'switchyard_cost_usd_total',
      help: 'Upstream cost in USD at catalog prices.',
      labelNames: ['provider', 'model', 'team'] as const,
      registers,
    }),
    cacheLookups: new Counter({
      name: 'switchyard_cache_lookups_total',
      help: 'Response cache lookups by result (hit, miss).',
      labelNames: ['result'] as const,
      registers,
    }),
    cacheSaved: new Counter({
      name: 'switchyard_cache_saved_usd_total',
      help: 'What answers served from the cache would have cost upstream.',
      registers,
    }),
    failovers: new Counter({
      name: 'switchyard_failovers_total',
      help: 'Failed attempts followed by another attempt, by the failed candidate and its error code.',
      labelNames: [...entryLabels, 'code'] as const,
      registers,
    }),
    guardrails: new Counter({
      name: 'switchyard_guardrail_actions_total',
      help: 'Guardrail findings acted on, by guardrail, phase and action.',
      labelNames: ['guardrail', 'phase', 'action'] as const,
      registers,
    }),
    circuitTransitions: new Counter({
      name: 'switchyard_circuit_transitions_total',
      help: 'Circuit breaker state changes by candidate and new state.',
      labelNames: [...entryLabels, 'state'] as const,
      registers,
    }),
    circuitState: new Gauge({
      name: 'switchyard_circuit_state',
      help: 'Circuit breaker state per candidate that has seen attempts: 0 closed, 1 half-open, 2 open.',
      labelNames: entryLabels,
      registers,
      collect() {
        this.reset();
        for (const [ref, state] of sources.circuits?.() ?? []) {
          const slash = ref.indexOf('/');
          this.set({ provider: ref.slice(0, slash), model: ref.slice(slash + 1) }, CIRCUIT_VALUE[state]);
        }
      },
    }),
    inflight: new Gauge({
      name: 'switchyard_requests_in_flight',
      help: 'Requests (streams included) running now.',
      registers,
      collect() {
        this.set(sources.inflight?.() ?? 0);
      },
    }),
    reloads: new Counter({
      name: 'switchyard_config_reloads_total',
      help: 'Configuration and policy reloads by kind (config, policy) and result (success, failure).',
      labelNames: ['kind', 'result'] as const,
      registers,
    }),
  };
}

export type MetricSet = ReturnType<typeof defineMetrics>;
