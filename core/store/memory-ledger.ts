import type { BudgetState, ReserveResult, SettleResult } from './types.js';

/**
 * How long a settled or released id is remembered when its reservation was unknown (expired or
 * never made): long enough to absorb retries, short enough to bound memory. The Redis scripts use
 * the same figure.
 */
export const UNKNOWN_ID_MEMORY_MS = 3_600_000;

interface Reservation {
  readonly amount: number;
  readonly ttlMs: number;
  readonly expiresAt: number;
}

/**
 * One budget's books in process memory: committed spend, outstanding reservations, and the ids
 * already finished (so settle and release are idempotent). Mirrors the Redis budget scripts.
 */
export class MemoryLedger {
  private spent = 0;
  private reserved = 0;
  private readonly held = new Map<string, Reservation>();
  /** Finished ids and when they may be forgotten. */
  private readonly finished = new Map<string, number>();
  // The earliest deadline among held and finished ids, so most calls skip the pruning scan.
  private nextDeadline = Number.POSITIVE_INFINITY;

  reserve(amount: number, cap: number, id: string, ttlMs: number, now: number): ReserveResult {
    this.prune(now);
    if (this.held.has(id)) return { ok: true, ...this.state(now) };
    if (this.finished.has(id) || this.spent + this.reserved + amount > cap) {
      return { ok: false, ...this.state(now) };
    }
    const expiresAt = now + ttlMs;
    this.held.set(id, { amount, ttlMs, expiresAt });
    this.reserved += amount;
    this.nextDeadline = Math.min(this.nextDeadline, expiresAt);
    return { ok: true, ...this.state(now) };
  }

  finish(id: string, actual: number | undefined, now: number): SettleResult {
    this.prune(now);
    if (this.finished.has(id)) return { applied: false, ...this.state(now) };
    const reservation = this.held.get(id);
    if (reservation === undefined && actual === undefined) return { applied: false, ...this.state(now) };
    if (reservation !== undefined) {
      this.held.delete(id);
      this.reserved -= reservation.amount;
    }
    if (actual !== undefined) this.spent += actual;
    const forgetAt = now + (reservation?.ttlMs ?? UNKNOWN_ID_MEMORY_MS);
    this.finished.set(id, forgetAt);
    this.nextDeadline = Math.min(this.nextDeadline, forgetAt);
    return { applied: true, ...this.state(now) };
  }

  state(now: number): BudgetState {
    this.prune(now);
    return { spentMicros: this.spent, reservedMicros: this.reserved };
  }

  /** True when the ledger holds nothing worth keeping. */
  isEmpty(now: number): boolean {
    this.prune(now);
    return this.spent === 0 && this.held.size === 0 && this.finished.size === 0;
  }

  // A deadline is inclusive: a reservation made at t with ttl d stops counting at t + d.
  private prune(now: number): void {
    if (now < this.nextDeadline) return;
    let next = Number.POSITIVE_INFINITY;
    for (const [id, reservation] of this.held) {
      if (reservation.expiresAt <= now) {
        this.held.delete(id);
        this.reserved -= reservation.amount;
      } else {
        next = Math.min(next, reservation.expiresAt);
      }
    }
    for (const [id, forgetAt] of this.finished) {
      if (forgetAt <= now) this.finished.delete(id);
      else next = Math.min(next, forgetAt);
    }
    this.nextDeadline = next;
  }
}
