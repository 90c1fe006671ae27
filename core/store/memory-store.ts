import { LRUCache } from 'lru-cache';
import { assertInteger, assertNonEmpty, assertRateLimit } from './arguments.js';
import { MemoryLedger } from './memory-ledger.js';
import { MemorySlidingLog } from './memory-sliding-log.js';
import { StoreUnavailableError } from './store-unavailable-error.js';
import type { JsonValue, StateStore } from './types.js';

export interface MemoryStoreOptions {
  /** Most key-value entries kept; the least recently used go first. Default 10,000. */
  maxEntries?: number;
  /** Most bytes of key-value data (UTF-16 length of key + JSON value, x2). Default 64 MiB. */
  maxSizeBytes?: number;
  /**
   * The clock (epoch ms) for counter expiry, rate-limit windows and reservation deadlines.
   * Tests inject one; key-value TTLs follow lru-cache's own monotonic clock.
   */
  now?: () => number;
}

// Expired counters and logs are dropped lazily on access, and all of them every this many writes,
// so keys that are never touched again cannot grow memory without bound.
const SWEEP_EVERY = 1_000;

/**
 * A StateStore for a single gateway process. Every method runs synchronously inside one tick, so
 * JavaScript's run-to-completion makes each operation atomic without locks. State is lost on
 * restart and not shared: run several instances on the Redis store instead.
 *
 * @example
 * const store = createMemoryStore({ maxEntries: 1_000 });
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): StateStore {
  const now = options.now ?? Date.now;
  const kv = new LRUCache<string, string>({
    max: options.maxEntries ?? 10_000,
    maxSize: options.maxSizeBytes ?? 64 * 1024 * 1024,
    sizeCalculation: (value, key) => Math.max(1, (key.length + value.length) * 2),
  });
  const counters = new Map<string, { value: number; expiresAt: number }>();
  const logs = new Map<string, MemorySlidingLog>();
  const ledgers = new Map<string, MemoryLedger>();
  let writes = 0;
  let closed = false;

  function open(): void {
    if (closed) throw new StoreUnavailableError('the memory store is closed');
  }

  function wrote(): void {
    writes += 1;
    if (writes % SWEEP_EVERY !== 0) return;
    const at = now();
    for (const [key, counter] of counters) if (counter.expiresAt <= at) counters.delete(key);
    for (const [key, log] of logs) if (log.expiresAt <= at) logs.delete(key);
    for (const [key, ledger] of ledgers) if (ledger.isEmpty(at)) ledgers.delete(key);
  }

  function ledger(key: string): MemoryLedger {
    let found = ledgers.get(key);
    if (found === undefined) {
      found = new MemoryLedger();
      ledgers.set(key, found);
    }
    return found;
  }

  return {
    kind: 'memory',

    async incr(key, by, ttlMs) {
      open();
      assertNonEmpty('key', key);
      assertInteger('by', by, Number.MIN_SAFE_INTEGER);
      assertInteger('ttlMs', ttlMs, 1);
      const at = now();
      const current = counters.get(key);
      const live =
        current !== undefined && current.expiresAt > at ? current : { value: 0, expiresAt: at + ttlMs };
      live.value += by;
      counters.set(key, live);
      wrote();
      return live.value;
    },

    async rateLimitHit(key, limit, windowMs, cost = 1) {
      open();
      assertNonEmpty('key', key);
      assertRateLimit(limit, windowMs, cost);
      let log = logs.get(key);
      if (log === undefined) {
        log = new MemorySlidingLog();
        logs.set(key, log);
      }
      const result = log.hit(limit, windowMs, cost, now());
      wrote();
      return result;
    },

    async reserve(budgetKey, amountMicros, capMicros, reservationId, ttlMs) {
      open();
      assertNonEmpty('budgetKey', budgetKey);
      assertNonEmpty('reservationId', reservationId);
      assertInteger('amountMicros', amountMicros, 0);
      assertInteger('capMicros', capMicros, 0);
      assertInteger('ttlMs', ttlMs, 1);
      const result = ledger(budgetKey).reserve(amountMicros, capMicros, reservationId, ttlMs, now());
      wrote();
      return result;
    },

    async settle(budgetKey, reservationId, actualMicros) {
      open();
      assertNonEmpty('budgetKey', budgetKey);
      assertNonEmpty('reservationId', reservationId);
      assertInteger('actualMicros', actualMicros, 0);
      const result = ledger(budgetKey).finish(reservationId, actualMicros, now());
      wrote();
      return result;
    },

    async release(budgetKey, reservationId) {
      open();
      assertNonEmpty('budgetKey', budgetKey);
      assertNonEmpty('reservationId', reservationId);
      const result = ledger(budgetKey).finish(reservationId, undefined, now());
      wrote();
      return result;
    },

    async budgetState(budgetKey) {
      open();
      assertNonEmpty('budgetKey', budgetKey);
      return ledgers.get(budgetKey)?.state(now()) ?? { spentMicros: 0, reservedMicros: 0 };
    },

    async get(key) {
      open();
      assertNonEmpty('key', key);
      const text = kv.get(key);
      // Values are stored as JSON text so callers can never mutate what the store holds.
      return text === undefined ? undefined : (JSON.parse(text) as JsonValue);
    },

    async set(key, value, ttlMs) {
      open();
      assertNonEmpty('key', key);
      if (ttlMs !== undefined) assertInteger('ttlMs', ttlMs, 1);
      kv.set(key, JSON.stringify(value), { ttl: ttlMs ?? 0 });
    },

    async setIfAbsent(key, value, ttlMs) {
      open();
      assertNonEmpty('key', key);
      assertInteger('ttlMs', ttlMs, 1);
      if (kv.has(key)) return false;
      kv.set(key, JSON.stringify(value), { ttl: ttlMs });
      return true;
    },

    async delete(key, ifValue) {
      open();
      assertNonEmpty('key', key);
      if (ifValue !== undefined && kv.get(key) !== JSON.stringify(ifValue)) return false;
      return kv.delete(key);
    },

    async ping() {
      open();
    },

    async close() {
      closed = true;
      kv.clear();
      counters.clear();
      logs.clear();
      ledgers.clear();
    },
  };
}
