/**
 * The shared-state store: one interface (StateStore) for everything gateway instances share,
 * in memory for one process or in Redis for several. See docs/store.md.
 */
import { createMemoryStore, type MemoryStoreOptions } from './memory-store.js';
import { createRedisStore, type RedisStoreOptions } from './redis-store.js';
import type { StateStore } from './types.js';

export type {
  BudgetState,
  JsonValue,
  RateLimitResult,
  ReserveResult,
  SettleResult,
  StateStore,
} from './types.js';
export { budgetKey, type BudgetWindow } from './budget-key.js';
export { StoreUnavailableError } from './store-unavailable-error.js';
export { createMemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { createRedisStore, type RedisStoreOptions } from './redis-store.js';

export type StoreConfig = ({ kind: 'memory' } & MemoryStoreOptions) | ({ kind: 'redis' } & RedisStoreOptions);

/**
 * Creates the configured store; `memory` is the default for a single instance.
 *
 * @example
 * const store = createStore({ kind: 'redis', url: 'redis://127.0.0.1:6379', prefix: 'switchyard:' });
 */
export function createStore(config: StoreConfig = { kind: 'memory' }): StateStore {
  if (config.kind === 'redis') {
    const { kind: _kind, ...options } = config;
    return createRedisStore(options);
  }
  const { kind: _kind, ...options } = config;
  return createMemoryStore(options);
}
