/**
 * Where cache entries live. `memory`: an LRU bounded by bytes in this process. `store`: the
 * gateway's StateStore (Redis for several instances, which then share entries and single-flight
 * locks). Both hold JSON text with a TTL.
 */
import { LRUCache } from 'lru-cache';
import type { StateStore } from '../store/index.js';

export interface CacheBackend {
  readonly kind: 'memory' | 'store';
  /** True when other gateway instances see the same entries (locks are then needed). */
  readonly shared: boolean;
  get(key: string): Promise<string | undefined>;
  set(key: string, text: string, ttlMs: number): Promise<void>;
  /** Takes a lock if free; true when taken. Only called on a shared backend. */
  lock(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Whether a lock is held by anyone. */
  locked(key: string): Promise<boolean>;
  /** Releases the lock if `token` still holds it. */
  unlock(key: string, token: string): Promise<void>;
}

/** Bytes an entry is charged: UTF-16 code units of key and value, twice (what V8 holds at most). */
export function entryBytes(key: string, text: string): number {
  return Math.max(1, (key.length + text.length) * 2);
}

export interface MemoryBackendOptions {
  /** Most bytes held (see entryBytes); the least recently used entries go first. */
  maxBytes: number;
}

/**
 * An in-process LRU bounded by bytes, not entries: many small answers or a few large ones fit
 * the same budget. An entry larger than the whole budget is not stored.
 *
 * @example
 * const backend = createMemoryCacheBackend({ maxBytes: 64 * 1024 * 1024 });
 */
export function createMemoryCacheBackend(options: MemoryBackendOptions): CacheBackend {
  const lru = new LRUCache<string, string>({
    maxSize: options.maxBytes,
    maxEntrySize: options.maxBytes,
    sizeCalculation: (text, key) => entryBytes(key, text),
  });
  const locks = new Map<string, string>();
  return {
    kind: 'memory',
    shared: false,
    get: async (key) => lru.get(key),
    async set(key, text, ttlMs) {
      lru.set(key, text, { ttl: ttlMs });
    },
    async lock(key, token) {
      if (locks.has(key)) return false;
      locks.set(key, token);
      return true;
    },
    locked: async (key) => locks.has(key),
    async unlock(key, token) {
      if (locks.get(key) === token) locks.delete(key);
    },
  };
}

/** Entries and locks in the gateway's StateStore; shared across instances when it is Redis. */
export function createStoreCacheBackend(store: StateStore): CacheBackend {
  return {
    kind: 'store',
    shared: store.kind === 'redis',
    async get(key) {
      const value = await store.get(key);
      return typeof value === 'string' ? value : undefined;
    },
    set: (key, text, ttlMs) => store.set(key, text, Math.max(1, Math.round(ttlMs))),
    lock: (key, token, ttlMs) => store.setIfAbsent(key, token, Math.max(1, Math.round(ttlMs))),
    locked: async (key) => (await store.get(key)) !== undefined,
    async unlock(key, token) {
      await store.delete(key, token);
    },
  };
}
