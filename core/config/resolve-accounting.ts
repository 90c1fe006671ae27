/**
 * Resolves the keys, limits, budgets, store and ledger sections: defaults filled and `${VAR}`
 * references expanded, so the rest of the gateway reads one settled shape.
 */
import { sha256Hex } from '../keys/key-secret.js';
import type { StoreConfig } from '../store/index.js';
import { expandEnv } from './env.js';
import type {
  BudgetCaps,
  BudgetsConfig,
  LedgerSinkConfig,
  LimitsConfig,
  ProjectConfig,
  RateLimitConfig,
  TeamConfig,
} from './accounting-types.js';
import type { GatewayConfig, StaticKeyConfig } from './types.js';

export interface ResolvedAccounting {
  readonly store: StoreConfig;
  /** SHA-256 hex digests of the admin keys; empty when the admin API is off. */
  readonly adminKeyDigests: readonly string[];
  readonly auth: {
    readonly keys: readonly StaticKeyConfig[];
    readonly cacheMs: number;
    readonly required: boolean;
  };
  /** `profiles` are named by policy rules (`rateLimit: <name>`); empty when none are configured. */
  readonly limits: LimitsConfig & {
    onStoreError: 'open' | 'closed';
    profiles: Readonly<Record<string, RateLimitConfig>>;
  };
  /** `profiles` are named by policy rules (`budget: <name>`); empty when none are configured. */
  readonly budgets: BudgetsConfig & {
    profiles: Readonly<Record<string, BudgetCaps>>;
    defaultMaxOutputTokens: number;
    reservationTtlMs: number;
    alerts: { thresholds: number[]; webhookUrl?: string };
  };
  readonly teams: Readonly<Record<string, TeamConfig>>;
  readonly projects: Readonly<Record<string, ProjectConfig>>;
  readonly ledger: {
    readonly sinks: readonly LedgerSinkConfig[];
    readonly content: boolean;
    readonly bufferMax: number;
    readonly batchSize: number;
    readonly flushIntervalMs: number;
  };
  readonly markup: number;
}

export const ACCOUNTING_DEFAULTS = {
  keyCacheMs: 5_000,
  defaultMaxOutputTokens: 4_096,
  reservationTtlMs: 15 * 60_000,
  alertThresholds: [0.8, 1],
  ledgerBufferMax: 100_000,
  ledgerBatchSize: 500,
  ledgerFlushIntervalMs: 1_000,
} as const;

export function resolveAccounting(config: GatewayConfig, env: NodeJS.ProcessEnv): ResolvedAccounting {
  const store = resolveStore(config, env);
  const admin = expandEnv(config.admin?.keys ?? [], env, '/admin/keys');
  const keys = expandEnv(config.auth?.keys ?? [], env, '/auth/keys');
  const budgets = config.budgets ?? {};
  const ledger = config.ledger ?? {};
  return {
    store,
    adminKeyDigests: admin.map(digestOf),
    auth: {
      keys,
      cacheMs: config.auth?.cacheMs ?? ACCOUNTING_DEFAULTS.keyCacheMs,
      required: config.auth?.required ?? (keys.length > 0 || admin.length > 0),
    },
    limits: {
      ...config.limits,
      onStoreError: config.limits?.onStoreError ?? 'open',
      profiles: config.limits?.profiles ?? {},
    },
    budgets: {
      ...budgets,
      profiles: budgets.profiles ?? {},
      defaultMaxOutputTokens: budgets.defaultMaxOutputTokens ?? ACCOUNTING_DEFAULTS.defaultMaxOutputTokens,
      reservationTtlMs: budgets.reservationTtlMs ?? ACCOUNTING_DEFAULTS.reservationTtlMs,
      alerts: {
        thresholds: budgets.alerts?.thresholds ?? [...ACCOUNTING_DEFAULTS.alertThresholds],
        ...(budgets.alerts?.webhookUrl
          ? { webhookUrl: expandEnv(budgets.alerts.webhookUrl, env, '/budgets/alerts/webhookUrl') }
          : {}),
      },
    },
    teams: expandEnv(config.teams ?? {}, env, '/teams'),
    projects: config.projects ?? {},
    ledger: {
      sinks: expandEnv(ledger.sinks ?? [], env, '/ledger/sinks'),
      content: ledger.content ?? false,
      bufferMax: ledger.bufferMax ?? ACCOUNTING_DEFAULTS.ledgerBufferMax,
      batchSize: ledger.batchSize ?? ACCOUNTING_DEFAULTS.ledgerBatchSize,
      flushIntervalMs: ledger.flushIntervalMs ?? ACCOUNTING_DEFAULTS.ledgerFlushIntervalMs,
    },
    markup: config.accounting?.markup ?? 0,
  };
}

function resolveStore(config: GatewayConfig, env: NodeJS.ProcessEnv): StoreConfig {
  const section = config.store;
  if (!section || section.kind === 'memory') return { kind: 'memory' };
  return {
    kind: 'redis',
    ...(section.cluster !== undefined
      ? { cluster: expandEnv(section.cluster, env, '/store/cluster') }
      : { url: expandEnv(section.url ?? '', env, '/store/url') }),
    ...(section.prefix !== undefined ? { prefix: section.prefix } : {}),
    ...(section.connectTimeoutMs !== undefined ? { connectTimeoutMs: section.connectTimeoutMs } : {}),
    ...(section.commandTimeoutMs !== undefined ? { commandTimeoutMs: section.commandTimeoutMs } : {}),
  };
}

/** `sha256:<hex>` is taken as a digest; anything else is a plain key and hashed here. */
export function digestOf(key: string): string {
  if (key.startsWith('sha256:')) return key.slice('sha256:'.length).toLowerCase();
  return sha256Hex(key);
}
