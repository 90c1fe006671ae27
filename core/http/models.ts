import type { GatewayServices } from '../services.js';
import type { CatalogEntry } from '../catalog.js';

export interface ModelListing {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  kind: 'chat' | 'embeddings';
  /** USD per million tokens, of the first endpoint. */
  pricing: { input: number; output: number; cached_input?: number } | null;
  context_window: number | null;
  max_output_tokens: number | null;
  capabilities: readonly string[];
  /** Every provider endpoint that serves this model, in routing order. */
  endpoints: {
    ref: string;
    provider: string;
    pricing: ModelListing['pricing'];
    context_window: number | null;
  }[];
}

/** GET /v1/models: the catalog in OpenAI's list shape, with prices and context windows. */
export function listModels(services: GatewayServices): { object: 'list'; data: ModelListing[] } {
  const byModel = new Map<string, CatalogEntry[]>();
  for (const entry of services.catalog.entries) {
    const list = byModel.get(entry.model) ?? [];
    list.push(entry);
    byModel.set(entry.model, list);
  }
  const data: ModelListing[] = [];
  for (const [id, entries] of byModel) data.push(listing(id, entries, entries[0]?.provider ?? 'switchyard'));
  for (const alias of Object.keys(services.config.aliases)) {
    const entries = services.catalog.resolve(alias);
    if (entries.length > 0 && !byModel.has(alias)) data.push(listing(alias, entries, 'switchyard'));
  }
  return { object: 'list', data };
}

function listing(id: string, entries: readonly CatalogEntry[], ownedBy: string): ModelListing {
  const first = entries[0];
  return {
    id,
    object: 'model',
    created: 0,
    owned_by: ownedBy,
    kind: first?.kind ?? 'chat',
    pricing: pricing(first),
    context_window: first?.contextWindow ?? null,
    max_output_tokens: first?.maxOutputTokens ?? null,
    capabilities: first?.capabilities ?? [],
    endpoints: entries.map((entry) => ({
      ref: entry.ref,
      provider: entry.provider,
      pricing: pricing(entry),
      context_window: entry.contextWindow ?? null,
    })),
  };
}

function pricing(entry: CatalogEntry | undefined): ModelListing['pricing'] {
  if (!entry?.pricing) return null;
  const { input, output, cachedInput } = entry.pricing;
  return { input, output, ...(cachedInput !== undefined && { cached_input: cachedInput }) };
}
