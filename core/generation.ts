/**
 * A generation: everything built from one configuration — resolved config, providers, catalog,
 * services, the stage chain and the handlers. A reload builds a new generation next to the
 * running one and swaps it in one step, so a request runs on one configuration from start to
 * finish; the old generation is retired once its requests had their grace period.
 */
import { createCatalog } from './catalog.js';
import { resolveConfig, type ResolvedConfig } from './config/resolve.js';
import type { GatewayConfig, ProviderConfig } from './config/types.js';
import { validateGatewayConfig } from './config/validate.js';
import { observeRouting, type GatewayEvents } from './events.js';
import { createHandlers } from './http/handlers.js';
import type { InflightTracker } from './http/inflight.js';
import type { Logger } from './logger.js';
import { buildPipeline, type AnyStageFactory } from './pipeline.js';
import { createProvider, loadProviderPlugin, type AnyProviderPlugin } from './plugins.js';
import type { Capability, Provider } from './provider.js';
import type { GatewayServices } from './services.js';
import type { StageMiddleware } from './stage.js';

/** What outlives a reload: state (store, keys, ledger, metrics, breakers) and the plumbing. */
export interface Lasting {
  logger: Logger;
  now: () => number;
  env: NodeJS.ProcessEnv;
  resolveFrom: string;
  providerPlugins: ReadonlyMap<string, AnyProviderPlugin>;
  stageFactories: ReadonlyMap<string, AnyStageFactory>;
  inflight: InflightTracker;
  events: GatewayEvents;
  /** The services every generation shares (store, keys, ledger, identify, metrics, health). */
  shared: Omit<GatewayServices, 'config' | 'catalog' | 'providers' | 'onRetire'>;
}

export interface Generation {
  readonly resolved: ResolvedConfig;
  readonly services: GatewayServices;
  readonly chain: StageMiddleware;
  readonly handlers: ReturnType<typeof createHandlers>;
  /** Runs the cleanups stages registered, and closes providers the next generation does not reuse. */
  retire(keep: ReadonlySet<Provider>): Promise<void>;
}

export async function buildGeneration(
  config: GatewayConfig,
  lasting: Lasting,
  previous?: { resolved: ResolvedConfig; providers: ReadonlyMap<string, Provider> },
): Promise<Generation> {
  validateGatewayConfig(config);
  const resolved = resolveConfig(config, lasting.env);
  const { logger, now } = lasting;

  const providers = new Map<string, Provider>();
  const created: Provider[] = [];
  try {
    for (const [id, providerConfig] of resolved.providers) {
      const reused = reusable(id, providerConfig, previous);
      if (reused) {
        providers.set(id, reused);
        continue;
      }
      const plugin = await loadProviderPlugin(
        providerConfig.plugin,
        lasting.providerPlugins,
        lasting.resolveFrom,
      );
      const provider = createProvider(id, providerConfig, plugin, {
        logger: logger.child({ provider: id }),
        now,
      });
      created.push(provider);
      providers.set(id, provider);
    }
  } catch (error) {
    await Promise.all(created.map((provider) => provider.close?.()));
    throw error;
  }
  for (const [id, reason] of resolved.disabledProviders)
    logger.info({ provider: id, reason }, 'provider disabled');

  const capabilities = new Map<string, readonly Capability[]>();
  for (const [id, provider] of providers) capabilities.set(id, provider.capabilities);
  const catalog = createCatalog(
    { providers: Object.fromEntries(resolved.providers), aliases: resolved.aliases },
    new Set(providers.keys()),
    capabilities,
  );
  const cleanups: (() => void | Promise<void>)[] = [];
  const services: GatewayServices = {
    ...lasting.shared,
    config: resolved,
    catalog,
    providers,
    onRetire: (cleanup) => void cleanups.push(cleanup),
  };

  // The client's JSON text can stand for a request only if no stage edits one in place.
  const keepRequestText = resolved.pipeline.every(
    (stage) => lasting.stageFactories.get(stage.stage)?.replacesRequest === true,
  );
  let chain: StageMiddleware;
  try {
    const factories = new Map(lasting.stageFactories);
    observeRouting(factories, lasting.events);
    chain = buildPipeline(resolved.pipeline, factories, services);
  } catch (error) {
    await Promise.all([
      ...cleanups.map((cleanup) => cleanup()),
      ...created.map((provider) => provider.close?.()),
    ]);
    throw error;
  }
  const handlers = createHandlers({
    services,
    chain,
    inflight: lasting.inflight,
    events: lasting.events,
    keepRequestText,
  });

  return {
    resolved,
    services,
    chain,
    handlers,
    async retire(keep) {
      await Promise.allSettled([
        ...cleanups.map((cleanup) => cleanup()),
        ...[...providers.values()]
          .filter((provider) => !keep.has(provider))
          .map((provider) => provider.close?.()),
      ]);
    },
  };
}

function reusable(
  id: string,
  config: ProviderConfig,
  previous: { resolved: ResolvedConfig; providers: ReadonlyMap<string, Provider> } | undefined,
): Provider | undefined {
  const before = previous?.resolved.providers.get(id);
  const provider = previous?.providers.get(id);
  if (!before || !provider) return undefined;
  // Models are catalog data, not provider state: only the plugin and its options matter.
  return identity(before) === identity(config) ? provider : undefined;
}

/** A provider is reused across a reload when its plugin and options are the same. */
function identity(config: ProviderConfig): string {
  return JSON.stringify([config.plugin, config.options ?? {}]);
}
