/**
 * The gateway's Prometheus metrics, in a registry of its own (two gateways in one process never
 * share a series by accident). Served at GET /metrics; the list with labels is in
 * docs/operations.md#metrics.
 *
 * Label values are bounded: providers, models and teams come from the configuration (anything
 * else is `other`), error codes from the error table; never a user id, a key or a prompt.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
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

const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

export interface MetricSources {
  /** Requests running now. */
  inflight?: () => number;
  /** Each breaker's state, by `provider/model` ref. */
  circuits?: () => Iterable<[string, CircuitState]>;
}

/**
 * The prom-client metrics, updated off the success path (errors, failovers, guardrails, reloads)
 * or read at scrape time. The per-request series are in ./request-series.ts.
 */
export function defineMetrics(registry: Registry, sources: MetricSources) {
  const registers = [registry];
  const entryLabels = ['provider', 'model'] as const;
  return {
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
