/**
 * Configuration of the response cache and provider-sticky routing (docs/cache.md). Referenced
 * from GatewayConfig in ./types.ts.
 */

export interface CacheConfig {
  /** Default true when the section is present; a policy rule's `cache` overrides it per request. */
  enabled?: boolean;
  /** `memory`: this process, an LRU bounded by `maxBytes`. `store`: the shared store (Redis). Default `memory`. */
  backend?: 'memory' | 'store';
  /** Bytes the memory backend may hold. Default 64 MiB. */
  maxBytes?: number;
  /** Answers larger than this are not stored. Default 1 MiB. */
  maxEntryBytes?: number;
  /** How long an answer is kept unless the policy says otherwise. Default 300. */
  defaultTtlSeconds?: number;
  /**
   * Which requests may be cached when no policy rule decides: `temperatureZeroOnly` (default:
   * `temperature: 0`, deterministic asks) or `always`.
   */
  cacheableWhen?: 'temperatureZeroOnly' | 'always';
  /** How long a request waits for an identical one in flight before calling on its own. Default 30,000. */
  singleFlightTimeoutMs?: number;
  /** One namespace for all tenants (default false: entries are per team, else per key). */
  shared?: boolean;
}

/** Where the conversation a request belongs to is read from, tried in order. */
export type StickyKeySource = 'session' | 'user' | 'prefix';

export interface StickyConfig {
  /** Default true when the section is present. */
  enabled?: boolean;
  /** How long a conversation stays on its provider after its last request. Default 300. */
  ttlSeconds?: number;
  /**
   * `session`: the `x-switchyard-session` header (or `metadata.session_id`); `user`: the
   * request's `user` with the session; `prefix`: a hash of the system prompt and the first
   * `prefixMessages` other messages. Default `[session, prefix]`.
   */
  keyFrom?: StickyKeySource[];
  /** Non-system messages hashed by `prefix`. Default 1. */
  prefixMessages?: number;
  /** A sticky candidate whose recent error rate is at or above this is not preferred. Default 0.5. */
  maxErrorRate?: number;
}
