/**
 * Configuration of keys, limits, budgets, the shared store and the audit ledger
 * (docs/accounting.md). Referenced from GatewayConfig in ./types.ts.
 */

/** Where instances share state: `memory` for one process, `redis` for several. */
export interface StoreSectionConfig {
  kind: 'memory' | 'redis';
  /** `redis://host:port`; `${VAR}` is expanded. For `redis`, set this or `cluster`. */
  url?: string;
  /** Redis Cluster node URLs (`redis://host:port`, some nodes suffice); `${VAR}` is expanded. */
  cluster?: string[];
  /** Key prefix, so several deployments can share one Redis. Default `switchyard:`. */
  prefix?: string;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
}

/** The admin API (`/admin/*`): keys, usage reports. Off unless at least one admin key is set. */
export interface AdminConfig {
  /** Admin keys, as plain text (`${VAR}` expanded) or as `sha256:<hex digest>`. */
  keys: string[];
}

/** Requests and tokens per minute. */
export interface RateLimitConfig {
  rpm?: number;
  tpm?: number;
}

/** Spend caps in USD per UTC day, UTC month and in total. */
export interface BudgetCaps {
  day?: number;
  month?: number;
  total?: number;
}

export interface LimitsConfig {
  /** When the store cannot answer: `open` admits unmetered (logged), `closed` answers 503. Default `open`. */
  onStoreError?: 'open' | 'closed';
  /** Default limits of every key (a key's own `limits` override them). */
  keys?: RateLimitConfig;
  /** Default limits of every team (`teams.<name>.limits` override them). */
  teams?: RateLimitConfig;
  /** Limits per requested model, counted over all callers; `*` applies to every model. */
  models?: Record<string, RateLimitConfig>;
  /**
   * Named limits a policy rule applies with `rateLimit: <name>`, counted per team (else per key)
   * and per profile, on top of the limits above. Enforced after the policy, by the budgets stage.
   */
  profiles?: Record<string, RateLimitConfig>;
}

export interface BudgetsConfig {
  /** Default caps of every key (a key's own `budgets` override them). */
  keys?: BudgetCaps;
  /** Default caps of every team (`teams.<name>.budgets` override them). */
  teams?: BudgetCaps;
  /** Default caps of every project (`projects.<name>.budgets` override them). */
  projects?: BudgetCaps;
  /**
   * Named caps a policy rule applies with `budget: <name>`, counted per team (else per key) and
   * per profile, on top of the caps above.
   */
  profiles?: Record<string, BudgetCaps>;
  /** Output tokens assumed when neither the request nor the catalog bounds them. Default 4096. */
  defaultMaxOutputTokens?: number;
  /** How long a reservation holds if its request never settles (a crashed instance). Default 15 min. */
  reservationTtlMs?: number;
  alerts?: {
    /** Shares of a cap (0..1] at which to alert once per period. Default [0.8, 1]. */
    thresholds?: number[];
    /** POSTed a JSON alert; failures are logged, never retried. */
    webhookUrl?: string;
  };
}

export interface TeamConfig {
  limits?: RateLimitConfig;
  budgets?: BudgetCaps;
  /** Bring-your-own-key: provider credentials used for this team's calls to that provider only. */
  credentials?: Record<string, { apiKey: string }>;
  /** Let this team's callers send their own provider key in `x-switchyard-provider-key`. */
  allowKeyHeader?: boolean;
}

export interface ProjectConfig {
  budgets?: BudgetCaps;
}

export type LedgerSinkConfig =
  | { kind: 'jsonl'; path: string; rotateBytes?: number; keep?: number }
  | { kind: 'postgres'; url: string; schema?: string };

export interface LedgerConfig {
  /** Where records go. Default: none (no ledger). */
  sinks?: LedgerSinkConfig[];
  /** Keep prompt and response text in records. Off by default; the data policy may still forbid it. */
  content?: boolean;
  /** Records held in memory per sink while a sink is slow or down. Default 100,000. */
  bufferMax?: number;
  /** Records per write. Default 500. */
  batchSize?: number;
  /** Longest a record waits before its batch is written. Default 1000 ms. */
  flushIntervalMs?: number;
}

export interface AccountingConfig {
  /** Chargeback markup on cost, as a share (0.1 = +10%); reported as `usage.charged_usd`. Default 0. */
  markup?: number;
}
