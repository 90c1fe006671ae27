/**
 * Turns a validated configuration into the resolved one the gateway runs on: defaults filled,
 * providers switched on or off by their `requiresEnv`, and `${VAR}` references expanded.
 */
import type { FailoverConfig, GatewayConfig, ProviderConfig } from './types.js';
import { expandEnv } from './env.js';
import { DEFAULT_PIPELINE } from '../stage.js';

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
  readonly pipeline: readonly ResolvedStage[];
  readonly aliases: Readonly<Record<string, string[]>>;
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
  for (const [id, provider] of Object.entries(config.providers)) {
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
    pipeline,
    aliases: config.aliases ?? {},
  };
}
