/**
 * The default model catalog: public list prices (USD per million tokens), context windows and
 * capabilities of well-known models, by model id. It never decides which providers exist — the
 * configuration does — it only supplies metadata:
 *
 * - a model listed under a provider without `pricing`, `contextWindow`, `maxOutputTokens`,
 *   `capabilities` or `kind` gets them from here (looked up by `upstreamModel`, then by id),
 *   field by field, unless `catalog.defaults` is false;
 * - `includeDefaultModels: <vendor>` on a provider adds every model of that vendor.
 *
 * The data lives in policies/catalog/default-models.json (source and date inside), regenerated
 * by policies/catalog/import-model-prices.mjs.
 */
import data from '../../policies/catalog/default-models.json' with { type: 'json' };
import type { Capability } from '../provider.js';
import type { ModelConfig, ModelPricing, ProviderConfig } from './types.js';

export interface DefaultModel {
  readonly vendor: string;
  readonly kind: 'chat' | 'embeddings';
  readonly pricing: ModelPricing;
  readonly contextWindow?: number;
  readonly maxOutputTokens?: number;
  readonly capabilities: readonly Capability[];
}

/** Where the figures come from, as the data file states it. */
export const DEFAULT_CATALOG_SOURCE: string = data.source;

export const DEFAULT_CATALOG: ReadonlyMap<string, DefaultModel> = new Map(
  Object.entries(data.models as Record<string, DefaultModel>),
);

export const DEFAULT_CATALOG_VENDORS: readonly string[] = [
  ...new Set([...DEFAULT_CATALOG.values()].map((model) => model.vendor)),
].sort();

/** Looks a model up by its upstream name, then by its catalog id. */
export function defaultModel(id: string, upstreamModel?: string): DefaultModel | undefined {
  return (
    (upstreamModel === undefined ? undefined : DEFAULT_CATALOG.get(upstreamModel)) ?? DEFAULT_CATALOG.get(id)
  );
}

/**
 * A provider's models with the default catalog applied: the vendor's models added when
 * `includeDefaultModels` asks for them, and missing metadata filled in. Configured fields win.
 */
export function withDefaultModels(provider: ProviderConfig, useDefaults = true): ProviderConfig {
  if (!useDefaults) return provider;
  const models: Record<string, ModelConfig> = {};
  if (provider.includeDefaultModels !== undefined) {
    for (const [id, model] of DEFAULT_CATALOG) {
      if (model.vendor === provider.includeDefaultModels) models[id] = {};
    }
  }
  Object.assign(models, provider.models);
  for (const [id, model] of Object.entries(models)) {
    const known = defaultModel(id, model.upstreamModel);
    if (!known) continue;
    models[id] = {
      ...model,
      kind: model.kind ?? known.kind,
      pricing: model.pricing ?? { ...known.pricing },
      contextWindow: model.contextWindow ?? known.contextWindow,
      maxOutputTokens: model.maxOutputTokens ?? known.maxOutputTokens,
      capabilities: model.capabilities ?? [...known.capabilities],
    };
  }
  return { ...provider, models };
}
