/** The testing kit: helpers for testing Switchyard and what is built on it, shipped as `switchyard/testing`. */
export {
  startMockOpenAIUpstream,
  type MockOpenAIUpstream,
  type MockUpstreamBehaviour,
  type MockUpstreamOptions,
  type MockUpstreamRequest,
} from './mock-openai-upstream.js';
export type { WireError, WireToolCall } from './mock-openai-wire.js';
