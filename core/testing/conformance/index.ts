/** The provider conformance kit, shipped in `switchyard/testing` for plugin authors. */
export { describeProviderConformance } from './suite.js';
export { assertOpenAIShape, type OpenAISchemaName } from './openai-shapes.js';
export type {
  ConformanceCapabilities,
  ConformanceFault,
  ConformanceRequestRecord,
  ConformanceRunner,
  ConformanceUpstream,
  ProviderConformanceOptions,
} from './types.js';
export {
  startAnthropicConformanceUpstream,
  startGeminiConformanceUpstream,
  startOpenAIConformanceUpstream,
} from './upstreams.js';
