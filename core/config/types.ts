/**
 * The gateway configuration, as `createGateway(config)` accepts it and as switchyard.config.yaml
 * spells it. The JSON Schema in ./schema.ts is the source of truth for what a file may contain.
 */
import type { Capability } from '../provider.js';
import type { DataPolicyConfig, GuardrailsConfig } from './guardrails-types.js';
import type { CacheConfig, StickyConfig } from './cache-types.js';
import type { CircuitBreakerConfig, MetricsConfig } from './operations-types.js';
import type {
  AccountingConfig,
  AdminConfig,
  BudgetCaps,
  BudgetsConfig,
  LedgerConfig,
  LimitsConfig,
  ProjectConfig,
  RateLimitConfig,
  StoreSectionConfig,
  TeamConfig,
} from './accounting-types.js';

export type * from './accounting-types.js';
export type * from './guardrails-types.js';
export type * from './cache-types.js';
export type * from './operations-types.js';

export interface ModelPricing {
  /** USD per million input (prompt) tokens. */
  input: number;
  /** USD per million output (completion) tokens. */
  output: number;
  /** USD per million input tokens served from the provider's prompt cache. */
  cachedInput?: number;
}

export interface ModelConfig {
  /** The provider's own name for the model, when it differs from the catalog id. */
  upstreamModel?: string;
  kind?: 'chat' | 'embeddings';
  pricing?: ModelPricing;
  contextWindow?: number;
  maxOutputTokens?: number;
  capabilities?: Capability[];
  /** Other names the model answers to (`gpt-4o-mini-2024-07-18`). */
  aliases?: string[];
}

/** How a provider handles the data sent to it; policies filter candidates on these. */
export interface ProviderDataHandling {
  /** Where requests are processed (`eu`, `us`, `eu-west-1`, …), most preferred first. */
  regions?: string[];
  /** How many days prompts and answers are kept (0 = not stored). */
  retention?: number;
  /** The provider contractually keeps nothing (zero data retention). */
  zeroDataRetention?: boolean;
  /** The provider may train on the data sent to it. */
  trainsOnData?: boolean;
  /** Compliance certifications (`soc2`, `iso27001`, `hipaa`, …). */
  certifications?: string[];
}

export interface ProviderConfig {
  /** The provider plugin: a built-in name (`openai-compatible`, `mock`) or an npm package name. */
  plugin: string;
  /** Data-handling attributes, read by policy data requirements and candidate facts. */
  data?: ProviderDataHandling;
  /**
   * Adds every model of this vendor from the default catalog (`openai`, `anthropic`, …), with its
   * public prices and limits; entries under `models` override them.
   */
  includeDefaultModels?: string;
  /** Set false to keep a provider in the file but out of service. */
  enabled?: boolean;
  /** The provider is switched on only when every one of these environment variables is set. */
  requiresEnv?: string[];
  /** Plugin options; `${VAR}` references are expanded from the environment. */
  options?: Record<string, unknown>;
  /** The models this provider serves, by catalog id. */
  models: Record<string, ModelConfig>;
}

export interface FailoverConfig {
  /** How many times one candidate is retried before moving on (0 = move on at once). */
  retriesPerCandidate?: number;
  /** Total attempts across all candidates. */
  maxAttempts?: number;
  /** Deadline for the whole request, every retry included. */
  deadlineMs?: number;
  /** Backoff between retries of the same candidate: full jitter up to base × 2^n, capped. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** The longest `Retry-After` honoured; a longer one makes the candidate skip instead. */
  retryAfterCapMs?: number;
}

export interface StageConfig {
  /** A built-in stage name or one registered through `createGateway({ stages })`. */
  stage: string;
  /** A second copy of a stage needs its own name. Defaults to `stage`. */
  name?: string;
  options?: Record<string, unknown>;
}

export interface StaticKeyConfig {
  /** The key in plain text (`${VAR}` expanded); or give `keyHash` instead. */
  key?: string;
  /** `sha256:<hex>` of the key, so the file need not hold it. */
  keyHash?: string;
  /** Stable id for budgets, limits and the ledger; default `key_<first 12 hex of the digest>`. */
  id?: string;
  /** ISO date-time after which the key is refused. */
  expiresAt?: string;
  disabled?: boolean;
  /** Model globs the key may use (`gpt-4o*`); default all. */
  models?: string[];
  /** Provider globs the key may use; default all. */
  providers?: string[];
  limits?: RateLimitConfig;
  budgets?: BudgetCaps;
  team?: string;
  project?: string;
  user?: string;
  labels?: Record<string, string>;
}

/** Policy files: rules that choose providers per request (docs/policy-language.md). */
export interface PoliciesConfig {
  /** Files, directories or globs (`policies/*.yaml`), relative to the configuration file. */
  include: string[];
  /** Reload the files when they change; the last good policy stays in force on errors. */
  watch?: boolean;
  /** Answer `x-switchyard-explain: 1` with a decision trace header (default true). */
  explain?: boolean;
}

export interface GatewayConfig {
  server?: {
    host?: string;
    port?: number;
    /** Largest accepted request body; larger ones get 413 before parsing. */
    bodyLimitBytes?: number;
    /** How long close() waits for in-flight requests and streams. */
    shutdownGraceMs?: number;
  };
  providers: Record<string, ProviderConfig>;
  /** The default model catalog (public prices and limits by model id). */
  catalog?: {
    /** Fill a listed model's missing pricing, limits and capabilities from the default catalog (default true). */
    defaults?: boolean;
  };
  /** Policy files, or a list of files/directories/globs. */
  policies?: PoliciesConfig | string | string[];
  /** Named lists of `provider/model` refs or model ids, usable as a request's `model`. */
  aliases?: Record<string, string[]>;
  routing?: {
    failover?: FailoverConfig;
    /** Per provider+model circuit breakers (docs/operations.md#circuit-breakers). */
    circuitBreaker?: CircuitBreakerConfig;
  };
  streaming?: {
    /** Send an SSE comment this often while waiting for a slow first token or a slow chunk. */
    keepAliveMs?: number;
    /**
     * Send a stream's status line and headers as soon as the last attempt the plan allows was
     * accepted by its upstream, instead of with the first output (default true). No failover can
     * follow that attempt, so holding them back would change nothing but the time to the first
     * token; a failure before the first output is then an SSE error event, not an HTTP status.
     */
    earlyHeaders?: boolean;
  };
  auth?: {
    /** Static API keys. When none are configured every caller is anonymous. */
    keys?: StaticKeyConfig[];
    /** How long an instance trusts a key record read from the store: the revocation bound (default 5000 ms). */
    cacheMs?: number;
    /** Refuse requests without a key. Default: true when keys or the admin API are configured. */
    required?: boolean;
  };
  /** The middleware chain, outermost first. Omit it for the default chain. */
  pipeline?: (string | StageConfig)[];
  /** Shared state (rate limits, budgets, virtual keys); default in memory. */
  store?: StoreSectionConfig;
  admin?: AdminConfig;
  limits?: LimitsConfig;
  budgets?: BudgetsConfig;
  teams?: Record<string, TeamConfig>;
  projects?: Record<string, ProjectConfig>;
  ledger?: LedgerConfig;
  accounting?: AccountingConfig;
  /** Guardrail profiles (docs/guardrails.md). */
  guardrails?: GuardrailsConfig;
  /** Data-handling requirements applied to the routing plan (docs/guardrails.md#data-handling). */
  dataPolicy?: DataPolicyConfig;
  /** The response cache (docs/cache.md). */
  cache?: CacheConfig;
  /** Provider-sticky routing for providers' prompt caches (docs/cache.md#sticky-routing). */
  sticky?: StickyConfig;
  logging?: {
    level?: string;
    pretty?: boolean;
  };
  /** The Prometheus endpoint (docs/operations.md#metrics). */
  metrics?: MetricsConfig;
}
