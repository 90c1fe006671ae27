/**
 * The built-in `openai-compatible` provider: OpenAI itself, Azure OpenAI, and the many servers
 * that speak the same wire format (vLLM, Ollama, Together, Groq, OpenRouter, LiteLLM ...).
 *
 * @example
 * providers:
 *   openai:
 *     plugin: openai-compatible
 *     options: { baseUrl: https://api.openai.com/v1, apiKey: '${OPENAI_API_KEY}' }
 */
import { PROVIDER_API_VERSION, type ProviderPlugin } from '../../../core/provider.js';
import { openaiCompatibleOptionsSchema, type OpenAICompatibleOptions } from './options.js';
import { createOpenAICompatibleProvider, OPENAI_COMPATIBLE_CAPABILITIES } from './provider.js';

export const openaiCompatiblePlugin: ProviderPlugin<OpenAICompatibleOptions> = {
  apiVersion: PROVIDER_API_VERSION,
  name: 'openai-compatible',
  optionsSchema: openaiCompatibleOptionsSchema,
  capabilities: OPENAI_COMPATIBLE_CAPABILITIES,
  create: (options, context) => createOpenAICompatibleProvider(options, context),
};

export { createOpenAICompatibleProvider };
export { DEFAULT_TIMEOUTS, openaiCompatibleOptionsSchema } from './options.js';
export type {
  OpenAICompatibleAzureOptions,
  OpenAICompatibleOptions,
  OpenAICompatibleTimeouts,
} from './options.js';
