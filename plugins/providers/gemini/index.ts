/**
 * The built-in `gemini` provider: Google's Gemini API (generateContent, streamGenerateContent
 * with server-sent events, embedContent, batchEmbedContents) behind the canonical OpenAI format.
 *
 * @example
 * providers:
 *   google:
 *     plugin: gemini
 *     options: { apiKey: '${GEMINI_API_KEY}' }
 *     models: { gemini-flash: { upstreamModel: gemini-2.5-flash } }
 */
import { PROVIDER_API_VERSION, type ProviderPlugin } from '../../../core/provider.js';
import { geminiOptionsSchema, type GeminiOptions } from './options.js';
import { createGeminiProvider, GEMINI_CAPABILITIES } from './provider.js';

export const geminiPlugin: ProviderPlugin<GeminiOptions> = {
  apiVersion: PROVIDER_API_VERSION,
  name: 'gemini',
  optionsSchema: geminiOptionsSchema,
  capabilities: GEMINI_CAPABILITIES,
  create: (options, context) => createGeminiProvider(options, context),
};

export { createGeminiProvider };
export { GEMINI_DEFAULTS, geminiOptionsSchema, type GeminiOptions } from './options.js';
