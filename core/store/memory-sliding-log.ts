import type { RateLimitResult } from './types.js';

/**
 * One key's sliding log in process memory: the admitted hits of the last window, oldest first.
 * A hit at `at` counts while now < at + windowMs. Mirrors the Redis rate-limit script.
 */
export class MemorySlidingLog {
  private readonly hits: Array<{ at: number; cost: number }> = [];
  private total = 0;
  /** When the newest hit leaves the window; the log is disposable after that. */
  expiresAt = 0;

  hit(limit: number, windowMs: number, cost: number, now: number): RateLimitResult {
    this.prune(now - windowMs);
    const allowed = this.total + cost <= limit;
    if (allowed) {
      this.hits.push({ at: now, cost });
      this.total += cost;
      this.expiresAt = now + windowMs;
    }
    const newest = this.hits.at(-1);
    return {
      allowed,
      remaining: limit - this.total,
      resetMs: newest === undefined ? 0 : newest.at + windowMs - now,
      retryAfterMs: allowed ? 0 : this.retryAfter(this.total + cost - limit, windowMs, now),
    };
  }

  private prune(cutoff: number): void {
    let drop = 0;
    while (drop < this.hits.length && (this.hits[drop]?.at ?? Infinity) <= cutoff) {
      this.total -= this.hits[drop]?.cost ?? 0;
      drop += 1;
    }
    if (drop > 0) this.hits.splice(0, drop);
  }

  // The moment enough of the oldest hits have left the window to make room for `need`.
  private retryAfter(need: number, windowMs: number, now: number): number {
    let freed = 0;
    for (const hit of this.hits) {
      freed += hit.cost;
      if (freed >= need) return hit.at + windowMs - now;
    }
    return windowMs; // unreachable while cost <= limit, which the caller checks
  }
}
