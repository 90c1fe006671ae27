/**
 * What the policy commands share: find and validate the configuration, build the catalog the
 * gateway would build (without starting providers), load the policy files, and turn a key or a
 * team into a caller. Nothing here calls a provider.
 */
import { createHash } from 'node:crypto';
import {
  builtinProviderPlugins,
  ConfigError,
  createCatalog,
  createPolicyCatalog,
  formatIssue,
  loadPolicy,
  resolveConfig,
  SwitchyardError,
  type Caller,
  type Capability,
  type CompiledPolicy,
  type ConfigIssue,
  type GatewayConfig,
  type PolicyCatalog,
  type ProviderConfig,
  type ResolvedConfig,
} from '../index.js';
import { findConfig } from '../core/config/search.js';

export interface PolicyContext {
  file: string;
  config: GatewayConfig;
  resolved: ResolvedConfig;
  catalog: PolicyCatalog;
  policy: CompiledPolicy | undefined;
  files: string[];
  issues: ConfigIssue[];
}

export interface PolicyContextOptions {
  config?: string;
  /**
   * Treat every declared provider as in service whatever its `requiresEnv` (policy tests must
   * not depend on which API keys the machine has); `enabled: false` still counts.
   */
  allProviders?: boolean;
  /** Providers to treat as out of service (test cases). */
  disabled?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/** Loads everything; configuration errors are returned as issues, never thrown. */
export async function loadPolicyContext(
  options: PolicyContextOptions,
): Promise<PolicyContext | { issues: ConfigIssue[] }> {
  let found;
  try {
    found = await findConfig(options.config);
  } catch (error) {
    if (error instanceof ConfigError) return { issues: error.issues };
    throw error;
  }
  let resolved: ResolvedConfig;
  try {
    resolved = resolveConfig(
      found.config,
      options.allProviders ? envForAll(found.config) : (options.env ?? process.env),
    );
  } catch (error) {
    if (SwitchyardError.isInstance(error))
      return { issues: [{ file: found.file, path: '', message: error.message }] };
    throw error;
  }
  const catalog = catalogFor(resolved, options.disabled ?? []);
  const loaded = resolved.policies
    ? loadPolicy(resolved.policies.include, catalog)
    : { files: [], issues: [] };
  return {
    file: found.file,
    config: found.config,
    resolved,
    catalog,
    policy: 'policy' in loaded ? loaded.policy : undefined,
    files: loaded.files,
    issues: loaded.issues,
  };
}

/** The catalog the gateway would build, capabilities from the built-in plugins. */
export function catalogFor(resolved: ResolvedConfig, disabled: readonly string[]): PolicyCatalog {
  const providers = new Map<string, ProviderConfig>();
  const disabledProviders = new Map(resolved.disabledProviders);
  for (const [id, provider] of resolved.providers) {
    if (disabled.includes(id)) disabledProviders.set(id, 'disabled by the test case');
    else providers.set(id, provider);
  }
  const capabilities = new Map<string, readonly Capability[]>();
  for (const [id, provider] of providers) {
    const plugin = builtinProviderPlugins.find((p) => p.name === provider.plugin);
    if (plugin) capabilities.set(id, plugin.capabilities);
  }
  const live = createCatalog(
    { providers: Object.fromEntries(providers), aliases: resolved.aliases },
    new Set(providers.keys()),
    capabilities,
  );
  return createPolicyCatalog({ ...resolved, disabledProviders }, live);
}

/** Every `requiresEnv` variable (and `${VAR}` default) set to a placeholder. */
function envForAll(config: GatewayConfig): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const text = JSON.stringify(config.providers);
  for (const match of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g))
    env[match[1] as string] ??= 'placeholder';
  for (const provider of Object.values(config.providers)) {
    for (const name of provider.requiresEnv ?? []) env[name] ??= 'placeholder';
  }
  return env;
}

/** A caller from `--key` (looked up in auth.keys, as the auth stage does) or from fields. */
export function callerFrom(
  config: GatewayConfig,
  given: { key?: string; team?: string; project?: string; user?: string; labels?: Record<string, string> },
): Caller {
  if (given.key !== undefined) {
    const digest = createHash('sha256').update(given.key).digest('hex');
    const key = config.auth?.keys?.find((k) => k.key === given.key || k.keyHash === `sha256:${digest}`);
    if (!key) throw new Error('the key is not among auth.keys of the configuration');
    return {
      id: key.id ?? `key_${digest.slice(0, 12)}`,
      keyId: digest.slice(0, 12),
      team: key.team,
      project: key.project,
      user: key.user,
      labels: key.labels ?? {},
    };
  }
  const id = given.user ?? given.team ?? 'anonymous';
  return { id, team: given.team, project: given.project, user: given.user, labels: given.labels ?? {} };
}

export function printIssues(issues: readonly ConfigIssue[], write: (line: string) => void): void {
  for (const issue of issues) write(formatIssue(issue));
}
