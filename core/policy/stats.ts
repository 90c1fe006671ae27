/**
 * A small in-memory tracker of each candidate's recent latency and error rate (exponentially
 * weighted, so it forgets), and of its requests in flight. Fed from `ctx.attempts` after
 * dispatch; read by the `fastest` and `least-busy` strategies and the candidate facts.
 */
import type { Attempt } from '../context.js';

export interface CandidateStat {
  /** Recent latency in ms (EWMA of successful attempts); undefined before the first one. */
  latencyMs: number | undefined;
  /** Recent share of failed attempts, 0…1 (EWMA). */
  errorRate: number;
  inFlight: number;
}

export interface StatsTracker {
  get(ref: string): CandidateStat | undefined;
  record(attempts: readonly Attempt[]): void;
  enter(ref: string): void;
  leave(ref: string): void;
  /** Sets a candidate's figures (tests, `switchyard explain`). */
  set(ref: string, stat: Partial<CandidateStat>): void;
}

const ALPHA = 0.2;

export function createStatsTracker(): StatsTracker {
  const stats = new Map<string, CandidateStat>();
  // provider → model → stat, for `record`: no `provider/model` string built per attempt.
  const byProvider = new Map<string, Map<string, CandidateStat>>();
  const attemptEntry = (provider: string, model: string): CandidateStat => {
    let models = byProvider.get(provider);
    if (!models) byProvider.set(provider, (models = new Map()));
    let found = models.get(model);
    if (!found) models.set(model, (found = entry(`${provider}/${model}`)));
    return found;
  };
  const entry = (ref: string) => {
    let found = stats.get(ref);
    if (!found) {
      found = { latencyMs: undefined, errorRate: 0, inFlight: 0 };
      stats.set(ref, found);
    }
    return found;
  };
  return {
    get: (ref) => stats.get(ref),
    record(attempts) {
      for (const attempt of attempts) {
        const stat = attemptEntry(attempt.provider, attempt.model);
        const failed = attempt.outcome === 'error' && attempt.error?.code !== 'SY_ERR_CLIENT_CLOSED';
        stat.errorRate = stat.errorRate * (1 - ALPHA) + (failed ? ALPHA : 0);
        if (attempt.outcome === 'ok') {
          stat.latencyMs =
            stat.latencyMs === undefined
              ? attempt.durationMs
              : stat.latencyMs * (1 - ALPHA) + attempt.durationMs * ALPHA;
        }
      }
    },
    enter: (ref) => void entry(ref).inFlight++,
    leave(ref) {
      const stat = entry(ref);
      stat.inFlight = Math.max(0, stat.inFlight - 1);
    },
    set: (ref, stat) => void Object.assign(entry(ref), stat),
  };
}
