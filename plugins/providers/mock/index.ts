/**
 * The built-in `mock` provider: answers in-process and deterministically, with scripted latency
 * and failures. It backs the default config, the examples and tests, so nothing needs a key.
 *
 * @example
 * providers:
 *   flaky:
 *     plugin: mock
 *     options: { latencyMs: 200, failWith: SY_ERR_UPSTREAM_OVERLOADED, failRate: 0.5, seed: 7 }
 */
import { PROVIDER_API_VERSION, type ProviderPlugin } from '../../../core/provider.js';
import { mockOptionsSchema, type MockOptions } from './options.js';
import { createMockProvider, MOCK_CAPABILITIES } from './provider.js';

export const mockPlugin: ProviderPlugin<MockOptions> = {
  apiVersion: PROVIDER_API_VERSION,
  name: 'mock',
  optionsSchema: mockOptionsSchema,
  capabilities: MOCK_CAPABILITIES,
  create: (options, context) => createMockProvider(options, context),
};

export { createMockProvider };
export { MOCK_FAILURE_CODES, mockOptionsSchema } from './options.js';
export type { MockFailureCode, MockOptions } from './options.js';
