/**
 * Two-way translation between the canonical (OpenAI) chat format and Anthropic's Messages API.
 * The `anthropic` provider uses one direction, the Anthropic-compatible front door
 * (POST /v1/messages) the other; both live here because the core must not import a plugin.
 */
export { anthropicErrorBody } from './error-body.js';
export { chatRequestFromAnthropic } from './request-from-anthropic.js';
export {
  chatRequestToAnthropic,
  type ToAnthropicOptions,
  type ToAnthropicResult,
} from './request-to-anthropic.js';
export { chatCompletionFromAnthropic } from './response-from-anthropic.js';
export { anthropicMessageFromChat } from './response-to-anthropic.js';
export {
  createAnthropicChunkTranslator,
  type AnthropicChunkTranslator,
  type FromAnthropicStreamOptions,
} from './stream-from-anthropic.js';
export { createAnthropicSseEncoder } from './stream-to-anthropic.js';
export {
  finishReasonFromAnthropic,
  stopReasonToAnthropic,
  usageFromAnthropic,
  usageToAnthropic,
} from './usage.js';
export type * from './types.js';
