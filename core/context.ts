/**
 * The context every stage receives. Stages communicate only through it: the request flows in,
 * the plan, attempts, response and usage flow out.
 */
import type { Logger } from './logger.js';
import type { CatalogEntry } from './catalog.js';
import type { SwitchyardError } from './errors/switchyard-error.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  EmbeddingsRequest,
  EmbeddingsResponse,
} from './types/openai.js';
import type { GatewayServices } from './services.js';
import type { BudgetCaps, RateLimitConfig } from './config/accounting-types.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context as KoaContext } from 'koa';

/**
 * What delivered the request, for a host's `identify` hook: the host framework's own objects
 * (Koa's context with its `state` and session, Express's `req` with `req.user`), or an in-process
 * call. Express's `req` is typed as Node's; cast it to `express.Request` in the hook.
 */
export type HostRequest =
  | { readonly kind: 'koa'; readonly ctx: KoaContext }
  | { readonly kind: 'express'; readonly req: IncomingMessage; readonly res: ServerResponse }
  | { readonly kind: 'node'; readonly req: IncomingMessage; readonly res: ServerResponse }
  | { readonly kind: 'in-process' };

/** Who is calling. Set by the auth stage (or a host's `identify` hook). */
export interface Caller {
  /** A stable id for the caller (key id, user id, or `anonymous`). */
  id: string;
  keyId?: string;
  team?: string;
  project?: string;
  user?: string;
  labels: Record<string, string>;
  /** Model and provider globs the caller may use; absent means all. */
  allow?: { models?: string[]; providers?: string[] };
  /** The caller's own rate limits and spend caps (a key's), overriding the configured defaults. */
  limits?: RateLimitConfig;
  budgets?: BudgetCaps;
  /** Bring-your-own-key credentials by provider id; each is sent to that provider only. */
  credentials?: Readonly<Record<string, { apiKey: string }>>;
}

/** One candidate of the routing plan: a catalog entry the dispatcher may call. */
export interface Candidate {
  entry: CatalogEntry;
}

export interface RoutingPlan {
  candidates: Candidate[];
  /** Which rule or default produced the plan, for headers and audit. */
  decidedBy: string;
  /** Content hash of the policy files that made the decision; absent without policy files. */
  policyRevision?: string;
  /** Labels the matching rules attached, for the audit record. */
  labels?: Record<string, string>;
  /** The routing strategy that ordered the candidates. */
  strategy?: string;
  /** The arm a weighted split chose (a candidate ref). */
  arm?: string;
  /** Cache settings chosen by the policy, for the cache stage. */
  cache?: { enabled: boolean; ttlSeconds?: number; /** One namespace for every tenant. */ shared?: boolean };
  /** Guardrail profile chosen by the policy, for the guardrail stages. */
  guardrails?: string;
  /** Budget profile chosen by the policy. */
  budget?: string;
  /** Rate-limit profile chosen by the policy. */
  rateLimit?: string;
}

export interface Attempt {
  provider: string;
  model: string;
  startedAt: number;
  durationMs: number;
  outcome: 'ok' | 'error';
  error?: { code: string; status: number; message: string; retryable: boolean };
}

export interface UsageRecord {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  /** USD, from catalog prices. */
  costUsd: number;
  /** True when the token counts are the gateway's estimate (the provider reported none). */
  estimated?: boolean;
  /** Cost with the configured chargeback markup. */
  chargedUsd?: number;
  /** The call used the caller's own provider credentials. */
  byok?: boolean;
  /** Milliseconds to the first token (streams) or to the answer. */
  ttftMs?: number;
  /** Milliseconds from arrival to the last byte. */
  latencyMs?: number;
  /** Answered from the cache, and what that saved. */
  cacheHit?: boolean;
  savedUsd?: number;
  /** What the provider's prompt cache saved: cached tokens at the input price minus the cached price. */
  promptCacheSavedUsd?: number;
}

/**
 * Free-form state that stages share. Plugins widen it by declaration merging:
 *
 * ```ts
 * declare module 'switchyard' { interface GatewayState { myStage?: { score: number } } }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface GatewayState {}

interface ContextBase {
  readonly requestId: string;
  /** Aborted when the client goes away or the gateway closes; every await downstream honours it. */
  readonly signal: AbortSignal;
  /**
   * Aborts `signal` (set by whoever created the context). The dispatcher enforces the request
   * deadline with it instead of making a controller per attempt: on Node 20 every AbortSignal
   * costs about 4 µs.
   */
  readonly abortRequest?: (reason: unknown) => void;
  /** Milliseconds since the epoch when the request arrived. */
  readonly startedAt: number;
  /** Incoming headers, lower-cased. Read-only: credentials among them never travel upstream. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** What delivered the request (the host framework's objects); absent in hand-made contexts. */
  readonly host?: HostRequest;
  /** Headers the gateway adds to the response. */
  readonly responseHeaders: Record<string, string>;
  /**
   * Sends a stream's status line and `responseHeaders` now rather than with its first output.
   * The route stage calls it when the upstream of the last attempt the plan allows accepted the
   * stream (`streaming.earlyHeaders`): no failover can change them any more. Set by the HTTP
   * routes for streaming requests; absent elsewhere (in-process calls, complete answers). Headers
   * added after it are not sent, so a stage sets its headers before `next()`.
   */
  sendHeaders?(): void;
  caller: Caller | undefined;
  plan: RoutingPlan | undefined;
  readonly attempts: Attempt[];
  /** The catalog entry that answered. */
  served: CatalogEntry | undefined;
  usage: UsageRecord | undefined;
  /** Set when the request failed, for the stages that observe the way back (accounting). */
  error: SwitchyardError | undefined;
  readonly state: GatewayState;
  readonly log: Logger;
  readonly services: GatewayServices;
}

export interface ChatContext extends ContextBase {
  readonly operation: 'chat';
  /** The validated canonical request. Stages may rewrite it before dispatch. */
  request: ChatCompletionRequest;
  response: ChatCompletion | undefined;
  /** For streaming requests: the committed stream of chunks, set by dispatch. */
  stream: AsyncIterable<ChatCompletionChunk> | undefined;
}

export interface EmbeddingsContext extends ContextBase {
  readonly operation: 'embeddings';
  request: EmbeddingsRequest;
  response: EmbeddingsResponse | undefined;
  stream: undefined;
}

export type GatewayContext = ChatContext | EmbeddingsContext;
