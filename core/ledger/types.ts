/**
 * The audit ledger: one record per request, written off the hot path to one or more sinks. A sink
 * is a small interface third parties can implement (a queue, a warehouse, an HTTP collector).
 */

export interface LedgerAttempt {
  provider: string;
  model: string;
  outcome: 'ok' | 'error';
  durationMs: number;
  code?: string;
  status?: number;
}

export interface LedgerRecord {
  /** The request id (`req_…`); sinks may use it to ignore a record written twice. */
  id: string;
  /** ISO 8601 time of arrival. */
  time: string;
  operation: 'chat' | 'embeddings';
  callerId: string;
  keyId?: string;
  team?: string;
  project?: string;
  user?: string;
  /** The model the client asked for. */
  model: string;
  provider?: string;
  servedModel?: string;
  /** The policy rule (or `default`) that made the plan, its labels and the policy revision. */
  rule?: string;
  labels?: Record<string, string>;
  policyRevision?: string;
  attempts: LedgerAttempt[];
  status: number;
  outcome: 'ok' | 'error' | 'closed';
  code?: string;
  stream: boolean;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  /** Token counts are the gateway's estimate. */
  estimated: boolean;
  costUsd: number;
  chargedUsd: number;
  latencyMs: number;
  ttftMs?: number;
  cacheHit: boolean;
  savedUsd: number;
  /** Saved by the provider's prompt cache (cached tokens at input minus cached price); absent when 0. */
  promptCacheSavedUsd?: number;
  byok: boolean;
  /** Guardrail findings (filled by the guardrail stages through `ctx.state.ledger.findings`). */
  findings: unknown[];
  /** Data-policy flags (from `ctx.state.ledger.dataPolicy`). */
  dataPolicy?: Record<string, unknown>;
  /** Prompt and answer, only with `ledger.content: true` and when the data policy allows. */
  prompt?: unknown;
  response?: string;
}

export type UsageDimension = 'team' | 'key' | 'model' | 'provider' | 'project' | 'user';

export interface UsageQuery {
  by: UsageDimension;
  /** Epoch ms; records at or after it count. */
  since: number;
}

export interface UsageRow {
  /** The team, key id, model, … (`null` when the records had none). */
  group: string | null;
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  chargedUsd: number;
}

export interface LedgerSink {
  readonly name: string;
  /**
   * Writes a batch. Rejecting means "not written": the ledger keeps the batch and retries it
   * with backoff, so writes should be idempotent by record id.
   */
  write(records: readonly LedgerRecord[]): Promise<void>;
  /** Aggregates for reports; a sink that cannot answer leaves it out. */
  usage?(query: UsageQuery): Promise<UsageRow[]>;
  close?(): Promise<void>;
}

/** Extra state the ledger reads; other stages fill it. */
export interface LedgerState {
  /** Set false (data-policy stage) to keep content out of the record even when enabled. */
  content?: boolean;
  findings?: unknown[];
  dataPolicy?: Record<string, unknown>;
}

declare module '../context.js' {
  interface GatewayState {
    ledger?: LedgerState;
  }
}
