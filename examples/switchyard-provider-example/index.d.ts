import type { ProviderPlugin } from 'switchyard';

export interface AcmeOptions {
  /** Where the Acme API lives; `/v1/generate` is appended. */
  baseUrl: string;
  apiKey: string;
  /** Sent as max_new_tokens when a request sets no max_tokens. */
  defaultMaxTokens?: number;
}

export declare const acmePlugin: ProviderPlugin<AcmeOptions>;
export default acmePlugin;
