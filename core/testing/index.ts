/** The testing kit: helpers for testing Switchyard and what is built on it, shipped as `switchyard/testing`. */
export {
  startMockOpenAIUpstream,
  type MockOpenAIUpstream,
  type MockUpstreamBehaviour,
  type MockUpstreamOptions,
  type MockUpstreamRequest,
} from './mock-openai-upstream.js';
export type { WireError, WireToolCall } from './mock-openai-wire.js';
export {
  startMockAnthropicUpstream,
  type MockAnthropicBehaviour,
  type MockAnthropicOptions,
  type MockAnthropicRequest,
  type MockAnthropicUpstream,
} from './mock-anthropic-upstream.js';
export type { AnthropicWireError, AnthropicWireToolCall } from './mock-anthropic-wire.js';
export {
  startMockGeminiUpstream,
  type MockGeminiBehaviour,
  type MockGeminiOptions,
  type MockGeminiRequest,
  type MockGeminiUpstream,
} from './mock-gemini-upstream.js';
export type { GeminiWireError, GeminiWireFunctionCall } from './mock-gemini-wire.js';
export type { MockFaults, MockRequest, MockServer, MockServerOptions } from './mock-server.js';
export * from './conformance/index.js';
