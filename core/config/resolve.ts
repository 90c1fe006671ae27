/**
 * Turns a validated configuration into the resolved one the gateway runs on: defaults filled,
 * providers switched on or off by their `requiresEnv`, and `${VAR}` references expanded.
 */
import type { FailoverConfig, GatewayConfig, PoliciesConfig, ProviderConfig } from './types.js';
import { expandEnv } from './env.js';
import { withDefaultModels } from './default-catalog.js';
import { DEFAULT_PIPELINE } from '../stage.js';
import { resolveAccounting, type ResolvedAccounting } from './resolve-accounting.js';

export interface ResolvedStage {
  stage: string;
  name: string;
  options?: Record<string, unknown>;
}

export interface ResolvedConfig {
  readonly source: GatewayConfig;
  readonly server: { host: string; port: number; bodyLimitBytes: number; shutdownGraceMs: number };
  /** Providers in service, with their options expanded. */
  readonly providers: ReadonlyMap<string, ProviderConfig>;
  /** Providers left out, with the reason (for logs and /v1/models). */
  readonly disabledProviders: ReadonlyMap<string, string>;
  readonly failover: Required<FailoverConfig>;
  readonly keepAliveMs: number;
  /** `streaming.earlyHeaders`: a stream's headers leave when its last possible attempt is accepted. */
  readonly earlyHeaders: boolean;
  readonly pipeline: readonly ResolvedStage[];
  readonly aliases: Readonly<Record<string, string[]>>;
  /**
   * Every configured provider, in service or not, with the default catalog applied: what policy
   * references are checked against (a rule may name a provider whose key is not set today).
   */
  readonly declaredProviders: ReadonlyMap<string, ProviderConfig>;
  /** The policy files to load; undefined when none are configured. */
  readonly policies: Required<PoliciesConfig> | undefined;
  /** Keys, limits, budgets, store and ledger, resolved (docs/accounting.md). */
  readonly accounting: ResolvedAccounting;
}

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8787,
  bodyLimitBytes: 8 * 1024 * 1024,
  shutdownGraceMs: 30_000,
  keepAliveMs: 15_000,
  failover: {
    retriesPerCandidate: 0,
    maxAttempts: 6,
    deadlineMs: 300_000,
    backoffBaseMs: 100,
    backoffMaxMs: 2_000,
    retryAfterCapMs: 5_000,
  },
} as const;

export function resolveConfig(config: GatewayConfig, env: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  const providers = new Map<string, ProviderConfig>();
  const disabledProviders = new Map<string, string>();
  const declaredProviders = new Map<string, ProviderConfig>();
  const useDefaults = config.catalog?.defaults !== false;
  for (const [id, declared] of Object.entries(config.providers)) {
    const provider = withDefaultModels(declared, useDefaults);
    declaredProviders.set(id, provider);
    if (provider.enabled === false) {
      disabledProviders.set(id, 'enabled: false');
      continue;
    }
    const missing = (provider.requiresEnv ?? []).filter((name) => !env[name]);
    if (missing.length > 0) {
      disabledProviders.set(id, `environment variable ${missing.join(', ')} not set`);
      continue;
    }
    const options = expandEnv(provider.options ?? {}, env, `/providers/${id}/options`);
    providers.set(id, { ...provider, options });
  }

  const pipeline: ResolvedStage[] = (config.pipeline ?? [...DEFAULT_PIPELINE]).map((item) =>
    typeof item === 'string'
      ? { stage: item, name: item }
      : { stage: item.stage, name: item.name ?? item.stage, options: item.options },
  );

  return {
    source: config,
    server: {
      host: config.server?.host ?? DEFAULTS.host,
      port: config.server?.port ?? DEFAULTS.port,
      bodyLimitBytes: config.server?.bodyLimitBytes ?? DEFAULTS.bodyLimitBytes,
      shutdownGraceMs: config.server?.shutdownGraceMs ?? DEFAULTS.shutdownGraceMs,
    },
    providers,
    disabledProviders,
    failover: { ...DEFAULTS.failover, ...config.routing?.failover },
    keepAliveMs: config.streaming?.keepAliveMs ?? DEFAULTS.keepAliveMs,
    earlyHeaders: config.streaming?.earlyHeaders ?? true,
    pipeline,
    aliases: config.aliases ?? {},
    declaredProviders,
    policies: resolvePolicies(config.policies),
    accounting: resolveAccounting(config, env),
  };
}

/** Normalises the `policies` shorthands (a path, a list of paths) to the full form. */
export function resolvePolicies(policies: GatewayConfig['policies']): Required<PoliciesConfig> | undefined {
  if (policies === undefined) return undefined;
  if (typeof policies === 'string') return { include: [policies], watch: false, explain: true };
  if (Array.isArray(policies)) return { include: policies, watch: false, explain: true };
  return { include: policies.include, watch: policies.watch ?? false, explain: policies.explain ?? true };
}
