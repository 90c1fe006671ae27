/**
 * The built-in `anthropic` provider: Anthropic's Messages API behind the canonical OpenAI
 * format (translation in core/translate/anthropic). Anthropic has no embeddings API, so the
 * plugin does not declare the capability.
 *
 * @example
 * providers:
 *   anthropic:
 *     plugin: anthropic
 *     options: { apiKey: '${ANTHROPIC_API_KEY}' }
 *     models: { claude-sonnet: { upstreamModel: claude-sonnet-4-5 } }
 */
import { PROVIDER_API_VERSION, type ProviderPlugin } from '../../../core/provider.js';
import { anthropicOptionsSchema, type AnthropicOptions } from './options.js';
import { ANTHROPIC_CAPABILITIES, createAnthropicProvider } from './provider.js';

export const anthropicPlugin: ProviderPlugin<AnthropicOptions> = {
  apiVersion: PROVIDER_API_VERSION,
  name: 'anthropic',
  optionsSchema: anthropicOptionsSchema,
  capabilities: ANTHROPIC_CAPABILITIES,
  create: (options, context) => createAnthropicProvider(options, context),
};

export { createAnthropicProvider };
export { ANTHROPIC_DEFAULTS, anthropicOptionsSchema, type AnthropicOptions } from './options.js';
