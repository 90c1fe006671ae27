/**
 * One circuit breaker (one provider+model): closed → open on N retryable failures in a row or an
 * error rate over a sliding window; open → half-open after a cool-down, when one probe may go
 * through; half-open → closed on the probe's success, back to open on its failure.
 *
 * Every operation is O(1): the window is a fixed ring of time buckets.
 */
import type { CircuitBreakerConfig } from '../config/operations-types.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

export const BREAKER_DEFAULTS: Required<CircuitBreakerConfig> = {
  enabled: true,
  failureThreshold: 5,
  errorRateThreshold: 0.5,
  minRequests: 20,
  windowMs: 60_000,
  cooldownMs: 30_000,
};

const BUCKETS = 10;

/** Why a candidate is left out of the routing plan (the policy trace shows it). */
export const CIRCUIT_OPEN = 'circuit open';
export const PROBE_IN_FLIGHT = 'circuit half-open, probe in flight';

export interface BreakerSnapshot {
  state: CircuitState;
  consecutiveFailures: number;
  window: { attempts: number; failures: number };
  /** When the circuit last opened (ms since the epoch). */
  openedAt?: number;
  /** When a probe may go through (open circuits). */
  probeAt?: number;
  /** Why it opened. */
  reason?: string;
}

export class CircuitBreaker {
  private open = false;
  private consecutive = 0;
  private openedAt = 0;
  private probeStartedAt: number | undefined;
  private reason: string | undefined;
  private readonly total = new Int32Array(BUCKETS);
  private readonly failed = new Int32Array(BUCKETS);
  private readonly epochs = new Float64Array(BUCKETS).fill(-1);
  private readonly bucketMs: number;

  constructor(
    private readonly settings: Required<CircuitBreakerConfig>,
    /** Called on every state change (metrics, logs). */
    private readonly onChange?: (to: CircuitState, reason: string | undefined) => void,
  ) {
    this.bucketMs = Math.max(1, Math.ceil(settings.windowMs / BUCKETS));
  }

  state(now: number): CircuitState {
    if (!this.open) return 'closed';
    return now - this.openedAt >= this.settings.cooldownMs ? 'half-open' : 'open';
  }

  /** Undefined when a request may try this candidate, else why not. */
  rejection(now: number): string | undefined {
    if (!this.open) return undefined;
    if (now - this.openedAt < this.settings.cooldownMs) return CIRCUIT_OPEN;
    // A probe that never reported back (its request chose another candidate) expires.
    const probe = this.probeStartedAt;
    return probe !== undefined && now - probe < this.settings.cooldownMs ? PROBE_IN_FLIGHT : undefined;
  }

  /** An attempt starts: in half-open, it is the probe. */
  started(now: number): void {
    if (this.open) this.probeStartedAt = now;
  }

  success(now: number): void {
    this.count(now, false);
    this.consecutive = 0;
    if (this.open) {
      this.open = false;
      this.probeStartedAt = undefined;
      this.reason = undefined;
      this.total.fill(0);
      this.failed.fill(0);
      this.onChange?.('closed', undefined);
    }
  }

  failure(now: number): void {
    this.count(now, true);
    this.consecutive++;
    if (this.open) {
      // The probe (or a last-resort attempt) failed: another full cool-down.
      this.openedAt = now;
      this.probeStartedAt = undefined;
      this.onChange?.('open', this.reason);
      return;
    }
    const { failureThreshold, minRequests, errorRateThreshold } = this.settings;
    if (this.consecutive >= failureThreshold) {
      this.trip(now, `${this.consecutive} consecutive failures`);
      return;
    }
    const { attempts, failures } = this.windowCounts(now);
    if (attempts >= minRequests && failures / attempts >= errorRateThreshold) {
      this.trip(now, `${failures} of ${attempts} attempts failed`);
    }
  }

  snapshot(now: number): BreakerSnapshot {
    const snapshot: BreakerSnapshot = {
      state: this.state(now),
      consecutiveFailures: this.consecutive,
      window: this.windowCounts(now),
    };
    if (this.open) {
      snapshot.openedAt = this.openedAt;
      snapshot.probeAt = this.openedAt + this.settings.cooldownMs;
      if (this.reason) snapshot.reason = this.reason;
    }
    return snapshot;
  }

  private trip(now: number, reason: string): void {
    this.open = true;
    this.openedAt = now;
    this.probeStartedAt = undefined;
    this.reason = reason;
    this.onChange?.('open', reason);
  }

  private count(now: number, failed: boolean): void {
    const epoch = Math.floor(now / this.bucketMs);
    const slot = epoch % BUCKETS;
    if (this.epochs[slot] !== epoch) {
      this.epochs[slot] = epoch;
      this.total[slot] = 0;
      this.failed[slot] = 0;
    }
    this.total[slot] = (this.total[slot] ?? 0) + 1;
    if (failed) this.failed[slot] = (this.failed[slot] ?? 0) + 1;
  }

  private windowCounts(now: number): { attempts: number; failures: number } {
    const oldest = Math.floor(now / this.bucketMs) - BUCKETS + 1;
    let attempts = 0;
    let failures = 0;
    for (let slot = 0; slot < BUCKETS; slot++) {
      if ((this.epochs[slot] as number) < oldest) continue;
      attempts += this.total[slot] as number;
      failures += this.failed[slot] as number;
    }
    return { attempts, failures };
  }
}
