/**
 * Finds guardrail plugins by name: the registered ones (built-ins and those handed to the
 * gateway) first, else the npm package `switchyard-guardrail-<name>` (or the name itself when it
 * is a package name) resolved from the application. Loading is synchronous (`require`, which
 * also loads ES modules without top-level await on Node ≥ 20.19) because stages are created at
 * boot, synchronously: a missing or incompatible plugin stops the gateway before it serves.
 */
import { createRequire } from 'node:module';
import { SwitchyardError } from '../errors/switchyard-error.js';
import { hasPluginShape } from '../plugins.js';
import { GUARDRAIL_API_VERSION, type AnyGuardrailPlugin } from './types.js';

export function isGuardrailPlugin(value: unknown): value is AnyGuardrailPlugin {
  return hasPluginShape(value) && Array.isArray(value.phases) && Array.isArray(value.actions);
}

/** The npm package a guardrail name refers to. */
export function guardrailPackageName(name: string): string {
  return name.startsWith('@') || name.startsWith('switchyard-guardrail-')
    ? name
    : `switchyard-guardrail-${name}`;
}

export function loadGuardrailPlugin(
  name: string,
  registered: ReadonlyMap<string, AnyGuardrailPlugin>,
  resolveFrom: string,
): AnyGuardrailPlugin {
  const known = registered.get(name);
  if (known) return checkVersion(known, name);
  const pkg = guardrailPackageName(name);
  let module: Record<string, unknown>;
  try {
    module = createRequire(resolveFrom)(pkg) as Record<string, unknown>;
  } catch (error) {
    const missing = (error as { code?: string }).code === 'MODULE_NOT_FOUND';
    throw new SwitchyardError(
      'SY_ERR_PLUGIN_INVALID',
      missing
        ? `Guardrail '${name}' is neither built in nor installed (npm install ${pkg}).`
        : `Guardrail plugin '${pkg}' failed to load: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const plugin = [module, module.default, module.guardrail, module.plugin, ...Object.values(module)].find(
    isGuardrailPlugin,
  );
  if (!plugin) {
    throw new SwitchyardError(
      'SY_ERR_PLUGIN_INVALID',
      `Package '${pkg}' does not export a guardrail plugin (an object with apiVersion, name, optionsSchema, phases, actions and create).`,
    );
  }
  return checkVersion(plugin, name);
}

function checkVersion(plugin: AnyGuardrailPlugin, name: string): AnyGuardrailPlugin {
  if (plugin.apiVersion !== GUARDRAIL_API_VERSION) {
    throw new SwitchyardError(
      'SY_ERR_PLUGIN_INVALID',
      `Guardrail '${name}' declares apiVersion ${plugin.apiVersion}; this Switchyard speaks apiVersion ${GUARDRAIL_API_VERSION}.`,
    );
  }
  return plugin;
}
