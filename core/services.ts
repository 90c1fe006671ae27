import type { Catalog } from './catalog.js';
import type { ResolvedConfig } from './config/resolve.js';
import type { Caller, GatewayContext } from './context.js';
import type { ProviderHealth } from './health/provider-health.js';
import type { KeyRegistry } from './keys/index.js';
import type { Ledger } from './ledger/index.js';
import type { Logger } from './logger.js';
import type { GatewayMetricsService } from './metrics/index.js';
import type { Provider } from './provider.js';
import type { StateStore } from './store/index.js';

/**
 * A host's own way to say who is calling (a session, an mTLS identity): returns the caller, or
 * undefined to fall back to API keys. Set through `createGateway(config, { identify })`. The
 * context carries the request `headers` and the host framework's objects as `host` (Koa's `ctx`,
 * Express's `req`), so `identify: ({ headers, host }) => …` reads the host's own session.
 */
export type IdentifyHook = (ctx: GatewayContext) => Caller | undefined | Promise<Caller | undefined>;

/** What the gateway hands every stage at boot: shared, read-only services. */
export interface GatewayServices {
  readonly config: ResolvedConfig;
  readonly catalog: Catalog;
  readonly providers: ReadonlyMap<string, Provider>;
  readonly logger: Logger;
  /** Milliseconds since the epoch; injectable so tests can control time. */
  readonly now: () => number;
  /** The shared-state store (memory or Redis), created once per gateway. */
  readonly store?: StateStore;
  /** Static and virtual API keys. */
  readonly keys?: KeyRegistry;
  /** The audit ledger. */
  readonly ledger?: Ledger;
  readonly identify?: IdentifyHook;
  /** Prometheus metrics (docs/operations.md#metrics); the cache stage reports lookups here. */
  readonly metrics?: GatewayMetricsService;
  /** Circuit breakers per provider+model, fed by the route stage, read by the policy stage. */
  readonly health?: ProviderHealth;
  /**
   * Registers cleanup for something a stage made at boot (a file watcher, a timer). It runs when
   * this configuration is retired — after a reload's grace period, or at gateway.close().
   */
  readonly onRetire?: (cleanup: () => void | Promise<void>) => void;
}
