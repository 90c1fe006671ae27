/**
 * Builds what keys, limits, budgets and the ledger share, once per gateway: the state store, the
 * key registry, the ledger and the admin API. close() flushes the ledger, then closes the store.
 */
import type { AdminApiDeps } from './admin/admin-api.js';
import type { ResolvedConfig } from './config/resolve.js';
import { createKeyRegistry, type KeyRegistry } from './keys/index.js';
import { ledgerFromConfig, type Ledger, type LedgerSink } from './ledger/index.js';
import type { Logger } from './logger.js';
import { createStore, type StateStore } from './store/index.js';

export interface AccountingOptions {
  /** Use this store instead of the configured one; the gateway then does not close it. */
  store?: StateStore;
  /** Ledger sinks besides the configured ones (your own LedgerSink implementations). */
  ledgerSinks?: readonly LedgerSink[];
}

export interface AccountingServices {
  store: StateStore;
  keys: KeyRegistry;
  ledger: Ledger;
  /**
   * What the admin API is built from (../gateway-koa.ts, loaded with Koa on first use), or
   * undefined when no admin key is configured.
   */
  admin: AdminApiDeps | undefined;
  close(): Promise<void>;
}

export function createAccountingServices(
  config: ResolvedConfig,
  options: AccountingOptions,
  logger: Logger,
  now: () => number,
): AccountingServices {
  const settings = config.accounting;
  const ownStore = options.store === undefined;
  const storeLogger = logger.child({ component: 'store' });
  const store =
    options.store ??
    createStore(
      settings.store.kind === 'redis'
        ? { ...settings.store, onError: (err: Error) => storeLogger.debug({ err }, 'store connection error') }
        : settings.store,
    );
  const keys = createKeyRegistry({
    store,
    staticKeys: settings.auth.keys,
    cacheMs: settings.auth.cacheMs,
    now,
  });
  const ledger = ledgerFromConfig(settings.ledger, options.ledgerSinks ?? [], logger);
  const adminDigests = settings.adminKeyDigests;
  return {
    store,
    keys,
    ledger,
    admin: adminDigests.length > 0 ? { adminDigests, keys, ledger, now } : undefined,
    async close() {
      await ledger.close();
      if (ownStore) await store.close();
    },
  };
}
