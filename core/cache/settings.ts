/** The `cache` section with its defaults filled (docs/cache.md#configuration). */
import type { CacheConfig } from '../config/cache-types.js';

export interface CacheSettings {
  /** Cache requests no policy rule decides for. False without a `cache` section. */
  byDefault: boolean;
  /** False when the section says `enabled: false`: nothing is cached, whatever the policy says. */
  allowed: boolean;
  backend: 'memory' | 'store';
  maxBytes: number;
  maxEntryBytes: number;
  defaultTtlSeconds: number;
  cacheableWhen: 'temperatureZeroOnly' | 'always';
  singleFlightTimeoutMs: number;
  shared: boolean;
}

export const CACHE_DEFAULTS = {
  maxBytes: 64 * 1024 * 1024,
  maxEntryBytes: 1024 * 1024,
  defaultTtlSeconds: 300,
  singleFlightTimeoutMs: 30_000,
} as const;

export function resolveCacheSettings(config: CacheConfig | undefined): CacheSettings {
  return {
    byDefault: config !== undefined && config.enabled !== false,
    allowed: config?.enabled !== false,
    backend: config?.backend ?? 'memory',
    maxBytes: config?.maxBytes ?? CACHE_DEFAULTS.maxBytes,
    maxEntryBytes: config?.maxEntryBytes ?? CACHE_DEFAULTS.maxEntryBytes,
    defaultTtlSeconds: config?.defaultTtlSeconds ?? CACHE_DEFAULTS.defaultTtlSeconds,
    cacheableWhen: config?.cacheableWhen ?? 'temperatureZeroOnly',
    singleFlightTimeoutMs: config?.singleFlightTimeoutMs ?? CACHE_DEFAULTS.singleFlightTimeoutMs,
    shared: config?.shared ?? false,
  };
}
