/**
 * The provider conformance kit (switchyard/testing) run against every built-in HTTP provider,
 * the way a plugin author runs it against theirs.
 */
import {
  describeProviderConformance,
  startAnthropicConformanceUpstream,
  startGeminiConformanceUpstream,
  startOpenAIConformanceUpstream,
} from '../../../core/testing/index.js';
import { anthropicPlugin } from '../../../plugins/providers/anthropic/index.js';
import { geminiPlugin } from '../../../plugins/providers/gemini/index.js';
import { openaiCompatiblePlugin } from '../../../plugins/providers/openai-compatible/index.js';

describeProviderConformance({
  name: 'openai-compatible',
  plugin: openaiCompatiblePlugin,
  options: (url) => ({ baseUrl: url, apiKey: 'sk-conformance-secret-0123456789' }),
  startUpstream: startOpenAIConformanceUpstream,
});

describeProviderConformance({
  name: 'anthropic',
  plugin: anthropicPlugin,
  options: (url) => ({ baseUrl: url, apiKey: 'sk-ant-conformance-secret-0123456789' }),
  startUpstream: startAnthropicConformanceUpstream,
});

describeProviderConformance({
  name: 'gemini',
  plugin: geminiPlugin,
  options: (url) => ({ baseUrl: url, apiKey: 'AIza-conformance-secret-0123456789' }),
  startUpstream: startGeminiConformanceUpstream,
});
