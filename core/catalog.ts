/**
 * The model catalog: every (provider, model) pair the gateway may call, with prices and limits.
 * Requests name a model id (`gpt-4o-mini`), a provider-qualified ref (`openai/gpt-4o-mini`) or an
 * alias; the catalog turns that into the ordered list of entries able to serve it.
 */
import type { Capability } from './provider.js';
import type { GatewayConfig, ModelPricing, ProviderDataHandling } from './config/types.js';

export interface CatalogEntry {
  /** `provider/model`, unique across the catalog. */
  readonly ref: string;
  readonly provider: string;
  readonly model: string;
  readonly upstreamModel: string;
  readonly kind: 'chat' | 'embeddings';
  readonly pricing: ModelPricing | undefined;
  readonly contextWindow: number | undefined;
  readonly maxOutputTokens: number | undefined;
  readonly capabilities: readonly Capability[];
  /** The provider's data-handling attributes (regions, retention, …); empty when not configured. */
  readonly data?: ProviderDataHandling;
}

export interface Catalog {
  readonly entries: readonly CatalogEntry[];
  /** Entries that serve a model name, in configuration order; empty when nothing does. */
  resolve(name: string): readonly CatalogEntry[];
}

const DEFAULT_CAPABILITIES: readonly Capability[] = ['chat', 'streaming'];
const NO_DATA_ATTRIBUTES: ProviderDataHandling = Object.freeze({});

export function createCatalog(
  config: Pick<GatewayConfig, 'providers' | 'aliases'>,
  enabledProviders: ReadonlySet<string>,
  pluginCapabilities: ReadonlyMap<string, readonly Capability[]>,
): Catalog {
  const entries: CatalogEntry[] = [];
  const byName = new Map<string, CatalogEntry[]>();
  const add = (name: string, entry: CatalogEntry) => {
    const list = byName.get(name);
    if (list) list.push(entry);
    else byName.set(name, [entry]);
  };

  for (const [providerId, provider] of Object.entries(config.providers)) {
    if (!enabledProviders.has(providerId)) continue;
    for (const [modelId, model] of Object.entries(provider.models)) {
      const entry: CatalogEntry = Object.freeze({
        ref: `${providerId}/${modelId}`,
        provider: providerId,
        model: modelId,
        upstreamModel: model.upstreamModel ?? modelId,
        kind: model.kind ?? 'chat',
        pricing: model.pricing,
        contextWindow: model.contextWindow,
        maxOutputTokens: model.maxOutputTokens,
        capabilities: model.capabilities ?? pluginCapabilities.get(providerId) ?? DEFAULT_CAPABILITIES,
        data: provider.data ?? NO_DATA_ATTRIBUTES,
      });
      entries.push(entry);
      add(entry.ref, entry);
      add(modelId, entry);
      for (const alias of model.aliases ?? []) add(alias, entry);
    }
  }

  for (const [alias, targets] of Object.entries(config.aliases ?? {})) {
    const seen = new Set<string>();
    for (const target of targets) {
      for (const entry of byName.get(target) ?? []) {
        if (seen.has(entry.ref)) continue;
        seen.add(entry.ref);
        add(alias, entry);
      }
    }
  }

  return {
    entries,
    resolve: (name) => byName.get(name) ?? [],
  };
}
