/**
 * The gateway configuration, as `createGateway(config)` accepts it and as switchyard.config.yaml
 * spells it. The JSON Schema in ./schema.ts is the source of truth for what a file may contain.
 */
import type { Capability } from '../provider.js';

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

export interface ProviderConfig {
  /** The provider plugin: a built-in name (`openai-compatible`, `mock`) or an npm package name. */
  plugin: string;
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
  key: string;
  team?: string;
  project?: string;
  user?: string;
  labels?: Record<string, string>;
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
  /** Named lists of `provider/model` refs or model ids, usable as a request's `model`. */
  aliases?: Record<string, string[]>;
  routing?: {
    failover?: FailoverConfig;
  };
  streaming?: {
    /** Send an SSE comment this often while waiting for a slow first token or a slow chunk. */
    keepAliveMs?: number;
  };
  auth?: {
    /** Static API keys. When none are configured every caller is anonymous. */
    keys?: StaticKeyConfig[];
  };
  /** The middleware chain, outermost first. Omit it for the default chain. */
  pipeline?: (string | StageConfig)[];
  logging?: {
    level?: string;
    pretty?: boolean;
  };
}
