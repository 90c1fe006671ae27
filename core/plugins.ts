/**
 * Loads provider plugins and creates providers. A plugin is looked up among the registered ones
 * (the built-ins and those handed to createGateway), else imported by package name from the
 * application's node_modules. Everything is checked at boot: a missing or incompatible plugin,
 * or bad options, stops the gateway before it serves a request.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { SwitchyardError } from './errors/switchyard-error.js';
import { ConfigError, schemaIssues } from './config/validate.js';
import { PROVIDER_API_VERSION, type Provider, type ProviderDeps, type ProviderPlugin } from './provider.js';
import type { ProviderConfig } from './config/types.js';

export type AnyProviderPlugin = ProviderPlugin<never>;

/** What every kind of plugin has: a name, the contract version, an options schema, a factory. */
export function hasPluginShape(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const plugin = value as Record<string, unknown>;
  return (
    typeof plugin.name === 'string' &&
    typeof plugin.apiVersion === 'number' &&
    typeof plugin.create === 'function' &&
    typeof plugin.optionsSchema === 'object'
  );
}

export function isProviderPlugin(value: unknown): value is AnyProviderPlugin {
  return hasPluginShape(value);
}

/** Finds a plugin by name: registered first, then `import(name)` resolved from `resolveFrom`. */
export async function loadProviderPlugin(
  name: string,
  registered: ReadonlyMap<string, AnyProviderPlugin>,
  resolveFrom: string,
): Promise<AnyProviderPlugin> {
  const known = registered.get(name);
  if (known) return checkApiVersion(known, name);
  let resolved: string;
  try {
    resolved = createRequire(resolveFrom).resolve(name);
  } catch (error) {
    throw new SwitchyardError(
      'SY_ERR_PLUGIN_INVALID',
      `Provider plugin '${name}' is neither built in nor installed (npm install ${name}).`,
      { cause: error },
    );
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
  } catch (error) {
    throw new SwitchyardError(
      'SY_ERR_PLUGIN_INVALID',
      `Provider plugin '${name}' failed to load: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const candidate = [module.default, module.plugin, ...Object.values(module)].find(isProviderPlugin);
  if (!candidate) {
    throw new SwitchyardError(
      'SY_ERR_PLUGIN_INVALID',
      `Package '${name}' does not export a provider plugin (an object with apiVersion, name, optionsSchema and create).`,
    );
  }
  return checkApiVersion(candidate, name);
}

function checkApiVersion(plugin: AnyProviderPlugin, name: string): AnyProviderPlugin {
  if (plugin.apiVersion !== PROVIDER_API_VERSION) {
    throw new SwitchyardError(
      'SY_ERR_PLUGIN_INVALID',
      `Provider plugin '${name}' declares apiVersion ${plugin.apiVersion}; this Switchyard speaks apiVersion ${PROVIDER_API_VERSION}.`,
    );
  }
  return plugin;
}

/** Validates a provider's options against its plugin's schema and creates it. */
export function createProvider(
  id: string,
  config: ProviderConfig,
  plugin: AnyProviderPlugin,
  deps: ProviderDeps,
): Provider {
  const options = config.options ?? {};
  const issues = schemaIssues(plugin.optionsSchema, options, `/providers/${id}/options`);
  if (issues.length > 0) throw new ConfigError(issues);
  return (plugin as ProviderPlugin<Record<string, unknown>>).create(options, { ...deps, id });
}
