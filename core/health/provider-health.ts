/**
 * Provider health: a circuit breaker per catalog entry (`provider/model`), fed by the route
 * stage with each attempt's outcome and read by the policy decision (the `circuit` filter) and by
 * GET /health/providers. Only retryable upstream failures count; a client's own error (a 400, a
 * disconnect) says nothing about the provider.
 */
import type { CatalogEntry } from '../catalog.js';
import type { CircuitBreakerConfig } from '../config/operations-types.js';
import { toSwitchyardError } from '../errors/switchyard-error.js';
import type { Logger } from '../logger.js';
import {
  BREAKER_DEFAULTS,
  CircuitBreaker,
  type BreakerSnapshot,
  type CircuitState,
} from './circuit-breaker.js';

export interface ProviderHealthReport {
  breakers: { enabled: boolean } & Required<Omit<CircuitBreakerConfig, 'enabled'>>;
  providers: ({ ref: string; provider: string; model: string } & BreakerSnapshot)[];
}

export interface ProviderHealth {
  readonly enabled: boolean;
  /** The policy engine's `circuit` hook: why `ref` may not be tried now, or undefined. */
  readonly circuit: (ref: string) => string | undefined;
  /** An attempt on `entry` starts (a half-open circuit's probe). */
  started(entry: CatalogEntry): void;
  /** An attempt on `entry` ended: `thrown` is what it threw; `aborted` means the client or deadline ended it. */
  settled(entry: CatalogEntry, thrown: unknown, aborted: boolean): void;
  state(ref: string): CircuitState;
  /** Each breaker that has seen an attempt, by ref. */
  states(): IterableIterator<[string, CircuitState]>;
  report(entries: readonly CatalogEntry[]): ProviderHealthReport;
}

export interface ProviderHealthOptions {
  config?: CircuitBreakerConfig;
  now: () => number;
  logger?: Logger;
  /** Every state change, for metrics. */
  onChange?: (ref: string, to: CircuitState) => void;
}

const allowAll = () => undefined;

export function createProviderHealth(options: ProviderHealthOptions): ProviderHealth {
  const settings = { ...BREAKER_DEFAULTS, ...options.config };
  const { now, logger, onChange } = options;
  const breakers = new Map<string, CircuitBreaker>();

  const breaker = (ref: string): CircuitBreaker => {
    let found = breakers.get(ref);
    if (!found) {
      found = new CircuitBreaker(settings, (to, reason) => {
        if (to === 'open') logger?.warn({ ref, reason, cooldownMs: settings.cooldownMs }, 'circuit opened');
        else logger?.info({ ref, state: to }, 'circuit closed');
        onChange?.(ref, to);
      });
      breakers.set(ref, found);
    }
    return found;
  };

  return {
    enabled: settings.enabled,
    circuit: settings.enabled ? (ref) => breakers.get(ref)?.rejection(now()) : allowAll,
    started(entry) {
      if (settings.enabled) breakers.get(entry.ref)?.started(now());
    },
    settled(entry, thrown, aborted) {
      if (!settings.enabled || aborted) return;
      if (thrown === undefined) return breaker(entry.ref).success(now());
      const error = toSwitchyardError(thrown);
      if (error.code === 'SY_ERR_CLIENT_CLOSED' || error.code === 'SY_ERR_DEADLINE_EXCEEDED') return;
      if (error.retryable) breaker(entry.ref).failure(now());
      else breaker(entry.ref).success(now());
    },
    state: (ref) => breakers.get(ref)?.state(now()) ?? 'closed',
    *states() {
      const at = now();
      for (const [ref, found] of breakers) yield [ref, found.state(at)];
    },
    report(entries) {
      const at = now();
      const { enabled, ...rest } = settings;
      return {
        breakers: { enabled, ...rest },
        providers: entries.map((entry) => ({
          ref: entry.ref,
          provider: entry.provider,
          model: entry.model,
          ...(breakers.get(entry.ref)?.snapshot(at) ?? {
            state: 'closed' as const,
            consecutiveFailures: 0,
            window: { attempts: 0, failures: 0 },
          }),
        })),
      };
    },
  };
}
