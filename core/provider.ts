/**
 * The provider plugin contract. A provider plugin is a factory: the gateway validates its
 * options against `optionsSchema`, then calls `create` once per configured provider.
 *
 * The core validates and normalises the canonical request before a provider sees it, so
 * providers never re-validate. Every failure a provider reports is a SwitchyardError with one
 * of the SY_ERR_UPSTREAM_* codes (see core/errors/codes.ts), which says whether failover may
 * try the next candidate.
 */
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  EmbeddingsRequest,
  EmbeddingsResponse,
} from './types/openai.js';
import type { Logger } from './logger.js';

/** The contract version this build of the core speaks; plugins declare the one they were written for. */
export const PROVIDER_API_VERSION = 1;

export type Capability =
  'chat' | 'streaming' | 'tools' | 'vision' | 'json_schema' | 'embeddings' | 'reasoning';

/** A JSON Schema object (draft 2020-12 subset understood by ajv). */
export type JsonSchema = Record<string, unknown>;

export interface ProviderDeps {
  logger: Logger;
  /** Milliseconds since the epoch; injectable so tests can control time. */
  now: () => number;
}

export interface ProviderPlugin<Options = Record<string, unknown>> {
  /** The contract version the plugin was written for; must equal PROVIDER_API_VERSION. */
  readonly apiVersion: number;
  /** The plugin's name, as config refers to it (`plugin: openai-compatible`). */
  readonly name: string;
  /** JSON Schema for the options block; checked at boot so a bad config never reaches a request. */
  readonly optionsSchema: JsonSchema;
  /** What providers made by this plugin can do. */
  readonly capabilities: readonly Capability[];
  create(options: Options, context: ProviderCreateContext): Provider;
}

export interface ProviderCreateContext extends ProviderDeps {
  /** The provider's id in the configuration (`providers.<id>`). */
  id: string;
}

/** Per-call settings the dispatcher hands to a provider. */
export interface CallOptions {
  /** Aborted when the client disconnects, the deadline passes, or the gateway gives up. */
  signal: AbortSignal;
  /** The provider's own name for the model (the catalog's `upstreamModel`). */
  upstreamModel: string;
  /** Headers to propagate upstream (trace context, for example). Never carries client credentials. */
  headers?: Readonly<Record<string, string>>;
  /**
   * The caller's own credentials for this provider (bring-your-own-key), used instead of the
   * configured ones for this call only. The gateway hands a provider only credentials meant for it.
   */
  credentials?: { apiKey: string };
  /**
   * The request as JSON text that parses to exactly the request passed with these options (the
   * client's own text, when no stage replaced the request; core/request-text.ts). A provider that
   * would send that request upstream as JSON, unchanged, may send this text instead of
   * serialising it again. Absent when no such text is known.
   */
  requestText?: string;
}

export interface ChatResult {
  response: ChatCompletion;
  /** Settings the provider could not honour, reported instead of silently dropped. */
  warnings?: string[];
}

export interface ChatStreamResult {
  /**
   * Chunks in order. The iterator throws a SwitchyardError when the upstream fails mid-stream,
   * including a clean close before a finish reason. `return()` must release the connection.
   */
  chunks: AsyncIterable<ChatCompletionChunk>;
  warnings?: string[];
}

export interface Provider {
  readonly id: string;
  readonly capabilities: readonly Capability[];
  /** A complete (non-streaming) chat completion. */
  chat(request: ChatCompletionRequest, options: CallOptions): Promise<ChatResult>;
  /**
   * A streaming chat completion. Resolves once the upstream accepted the call (status 2xx);
   * rejects with a SwitchyardError when it did not.
   */
  chatStream(request: ChatCompletionRequest, options: CallOptions): Promise<ChatStreamResult>;
  embeddings?(request: EmbeddingsRequest, options: CallOptions): Promise<EmbeddingsResponse>;
  /** Releases pooled connections; called by gateway.close(). */
  close?(): Promise<void>;
}
