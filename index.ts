/**
 * The package entry: the core API plus createGateway with the built-in providers and stages
 * registered. Plugins passed in options add to (or override) the built-ins by name.
 */
import { createGateway as createBareGateway, type Gateway, type GatewayOptions } from './core/gateway.js';
import type { GatewayConfig } from './core/config/types.js';
import { builtinProviderPlugins, builtinStages } from './plugins/builtins.js';

export * from './core/index.js';
export { builtinProviderPlugins, builtinStages };
export { builtinGuardrails, createGuardrailStages } from './plugins/guardrails/index.js';

/**
 * Creates a gateway from a configuration object.
 *
 * @example
 * const gateway = await createGateway({
 *   providers: { mock: { plugin: 'mock', models: { 'mock-small': {} } } },
 * });
 * const { url } = await gateway.listen(8787);
 */
export function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  return createBareGateway(config, {
    ...options,
    providerPlugins: [...builtinProviderPlugins, ...(options.providerPlugins ?? [])],
    stages: [...builtinStages, ...(options.stages ?? [])],
  });
}
