/**
 * The one interface for state that gateway instances share: rate-limit windows, budget ledgers,
 * counters and small cached values. The memory store serves a single process; the Redis store
 * serves several instances at once, and both pass the same contract suite
 * (test/core/store/store-contract.ts).
 *
 * Four independent key spaces: counters (`incr`), rate limits (`rateLimitHit`), budgets
 * (`reserve` and friends) and key-values (`get`/`set`). The same key string in two spaces names
 * two different things.
 *
 * Money is integer micro-USD (1 USD = 1_000_000 micros) so sums are exact; every amount must be a
 * non-negative safe integer or the call throws a RangeError before touching the store.
 *
 * Every method may reject with a StoreUnavailableError when the backing store cannot answer in
 * bounded time. Whether the gateway then fails open or closed is the caller's decision.
 */

/** What `set` accepts and `get` returns: values round-trip through JSON in both stores. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface RateLimitResult {
  /** Whether this hit was admitted (and counted). A refused hit is not counted. */
  readonly allowed: boolean;
  /** Cost still available in the current sliding window after this hit. */
  readonly remaining: number;
  /** Milliseconds until every counted hit has left the window (`remaining` back to `limit`). */
  readonly resetMs: number;
  /** 0 when allowed; otherwise the milliseconds after which this same cost would be admitted. */
  readonly retryAfterMs: number;
}

export interface BudgetState {
  /** Committed (settled) spend in micro-USD. May exceed the cap when a settle came in high. */
  readonly spentMicros: number;
  /** Sum of outstanding, unexpired reservations in micro-USD. */
  readonly reservedMicros: number;
}

export interface ReserveResult extends BudgetState {
  /** True when the reservation is held (including a repeated call with a held id). */
  readonly ok: boolean;
}

export interface SettleResult extends BudgetState {
  /** False when the call was a no-op: the id was already settled or released. */
  readonly applied: boolean;
}

export interface StateStore {
  readonly kind: 'memory' | 'redis';

  /**
   * Adds `by` to a counter and returns the new value. The expiry is set when the counter is
   * created and not extended by later increments, so a counter is a fixed window of `ttlMs`.
   */
  incr(key: string, by: number, ttlMs: number): Promise<number>;

  /**
   * Sliding-log rate limit: admits the hit only if the costs admitted during the last `windowMs`
   * plus `cost` stay within `limit`. Exact for every window position (no boundary bursts) and
   * atomic across instances. A refused hit costs nothing. `cost` must not exceed `limit` (it
   * could never be admitted); that is a RangeError.
   */
  rateLimitHit(key: string, limit: number, windowMs: number, cost?: number): Promise<RateLimitResult>;

  /**
   * Holds `amountMicros` against a budget if spent + outstanding reservations + amount <= cap.
   * The hold counts until settled, released, or `ttlMs` passes (its holder died). Calling again
   * with a held id is a no-op returning ok; an id already settled or released is refused.
   */
  reserve(
    budgetKey: string,
    amountMicros: number,
    capMicros: number,
    reservationId: string,
    ttlMs: number,
  ): Promise<ReserveResult>;

  /**
   * Turns a reservation into committed spend of `actualMicros` (lower or higher than held).
   * Idempotent: settling a settled or released id again does nothing (`applied: false`). A late
   * settle of an expired reservation still commits, so real spend is never lost.
   */
  settle(budgetKey: string, reservationId: string, actualMicros: number): Promise<SettleResult>;

  /** Drops a reservation without spending. A no-op (`applied: false`) for unknown or finished ids. */
  release(budgetKey: string, reservationId: string): Promise<SettleResult>;

  /** Committed spend and outstanding reservations, with expired reservations removed. */
  budgetState(budgetKey: string): Promise<BudgetState>;

  /** The value stored under `key`, or undefined when absent or expired. */
  get(key: string): Promise<JsonValue | undefined>;

  /** Stores a value, replacing any; without `ttlMs` it does not expire (the memory store may still evict it). */
  set(key: string, value: JsonValue, ttlMs?: number): Promise<void>;

  /** Stores the value only if the key is absent; true when it did. For locks and single-flight. */
  setIfAbsent(key: string, value: JsonValue, ttlMs: number): Promise<boolean>;

  /**
   * Removes a key; true when something was removed. With `ifValue` it removes only when the stored
   * value equals it, so a lock holder whose lock expired cannot delete the next holder's lock.
   */
  delete(key: string, ifValue?: JsonValue): Promise<boolean>;

  /** Resolves when the store answers; rejects with StoreUnavailableError otherwise. */
  ping(): Promise<void>;

  /** Releases connections and timers. Idempotent; later calls reject with StoreUnavailableError. */
  close(): Promise<void>;
}
