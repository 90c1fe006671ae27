/**
 * The core's public API: contracts, types and building blocks. It knows no provider and no rule;
 * the package entry (../index.ts) adds the built-in plugins.
 */
export { compose, type Middleware, type Next } from './compose.js';
export type {
  Attempt,
  Caller,
  Candidate,
  ChatContext,
  EmbeddingsContext,
  GatewayContext,
  GatewayState,
  RoutingPlan,
  UsageRecord,
} from './context.js';
export { createCatalog, type Catalog, type CatalogEntry } from './catalog.js';
export type * from './config/types.js';
export { resolveConfig, DEFAULTS, type ResolvedConfig, type ResolvedStage } from './config/resolve.js';
export { loadConfigFile, parseConfigText } from './config/load.js';
export {
  ConfigError,
  formatIssue,
  schemaIssues,
  validateGatewayConfig,
  type ConfigIssue,
} from './config/validate.js';
export { gatewayConfigSchema } from './config/schema.js';
export { anchorPaths } from './config/load.js';
export {
  DEFAULT_CATALOG,
  DEFAULT_CATALOG_SOURCE,
  defaultModel,
  withDefaultModels,
  type DefaultModel,
} from './config/default-catalog.js';
export * from './policy/index.js';
export { dataFilter } from './policy/filters.js';
export * from './guardrails/index.js';
export { ERROR_CODES, type ErrorCode, type ErrorCodeSpec } from './errors/codes.js';
export {
  SwitchyardError,
  toSwitchyardError,
  type SwitchyardErrorOptions,
} from './errors/switchyard-error.js';
export {
  createLogger,
  createSilentLogger,
  requestLineLogger,
  type Logger,
  type LoggerConfig,
} from './logger.js';
export {
  PROVIDER_API_VERSION,
  type CallOptions,
  type Capability,
  type ChatResult,
  type ChatStreamResult,
  type JsonSchema,
  type Provider,
  type ProviderCreateContext,
  type ProviderDeps,
  type ProviderPlugin,
} from './provider.js';
export { isProviderPlugin, loadProviderPlugin, type AnyProviderPlugin } from './plugins.js';
export type { AnyStageFactory } from './pipeline.js';
export type { GatewayServices } from './services.js';
export { DEFAULT_PIPELINE, defineStage, type StageFactory, type StageMiddleware } from './stage.js';
export {
  runWithFailover,
  type AttemptObserver,
  type FailoverInput,
  type FailoverResult,
} from './dispatch/failover.js';
export { commitStream } from './dispatch/commit-stream.js';
export { ChatStream, type ChunkSource, type StreamHooks, type StreamOutcome } from './stream/chat-stream.js';
export { StreamChunk, hasFinish, hasOutput, type ChunkParser } from './stream/stream-chunk.js';
export { backoffMs } from './dispatch/timing.js';
export {
  formatTraceparent,
  parseTraceparent,
  startRequestTrace,
  switchyardTracer,
  type AttemptTrace,
  type RequestTrace,
  type TraceHeaders,
} from './tracing/trace-context.js';
export {
  createProviderHealth,
  type ProviderHealth,
  type ProviderHealthReport,
} from './health/provider-health.js';
export { CircuitBreaker, type BreakerSnapshot, type CircuitState } from './health/circuit-breaker.js';
export { observeAttempt, ObservedAttempt } from './health/observed-attempt.js';
export { createGatewayMetrics, type GatewayMetrics, type GatewayMetricsService } from './metrics/index.js';
export { costUsd, usageRecord } from './usage.js';
export type { Gateway, GatewayOptions, ListenResult } from './gateway.js';
export * from './store/index.js';
export * from './cache/index.js';
export * from './keys/index.js';
export * from './ledger/index.js';
export type { IdentifyHook } from './services.js';
export type { HostRequest } from './context.js';
export {
  GatewayEvents,
  type GatewayEventMap,
  type GatewayEventName,
  type GatewayEventSource,
  type GatewayListener,
} from './events.js';
export type { InProcessChat, InProcessOptions } from './in-process.js';
export { createChatRouter, toChatRequest, type ChatRouter, type RouterChatRequest } from './chat-router.js';
export type { ResolvedAccounting } from './config/resolve-accounting.js';
export {
  answerUsage,
  estimatePromptTokens,
  estimateTextTokens,
  reportedAnswerUsage,
  StreamMeter,
  toMicros,
} from './metering.js';
export type * from './types/openai.js';
export { LiveSet } from './live-set.js';
