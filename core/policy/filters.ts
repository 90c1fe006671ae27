/**
 * Candidate filters: each drops the candidates that cannot serve the request, with the reason,
 * before any provider is called. The decision applies only the filters a request needs, in the
 * order of FILTER_ORDER, and the trace lists which filter removed which candidate.
 */
import type { CatalogEntry } from '../catalog.js';
import type { Capability } from '../provider.js';
import type { Facts } from './facts.js';
import type { StatsTracker } from './stats.js';
import type { DataRequirements, PricePerMillion } from './types.js';

export interface Working {
  readonly entry: CatalogEntry;
  readonly weight: number;
  readonly fallback: boolean;
}

export interface Removal {
  ref: string;
  filter: string;
  reason: string;
}

export interface Filter {
  readonly name: string;
  reject(candidate: Working): string | undefined;
}

/** Assumed answer length when the request sets no max tokens, for cost estimates. */
export const DEFAULT_OUTPUT_TOKENS = 256;

export function kindFilter(kind: 'chat' | 'embeddings'): Filter {
  return {
    name: 'kind',
    reject: ({ entry }) => (entry.kind === kind ? undefined : `serves ${entry.kind}, not ${kind}`),
  };
}

export function providerListFilter(name: string, providers: readonly string[], keep: boolean): Filter {
  const set = new Set(providers);
  return {
    name,
    reject: ({ entry }) =>
      set.has(entry.provider) === keep
        ? undefined
        : keep
          ? `provider '${entry.provider}' is not in provider.only`
          : `provider '${entry.provider}' is in provider.ignore`,
  };
}

export function contextFilter(promptTokens: number, maxOutput: number | null): Filter {
  const needed = promptTokens + (maxOutput ?? 0);
  return {
    name: 'context',
    reject({ entry }) {
      if (entry.contextWindow !== undefined && entry.contextWindow < needed) {
        return `context window ${entry.contextWindow} < ${needed} tokens needed (~${promptTokens} prompt + ${maxOutput ?? 0} max output)`;
      }
      if (maxOutput !== null && entry.maxOutputTokens !== undefined && entry.maxOutputTokens < maxOutput) {
        return `max output ${entry.maxOutputTokens} < ${maxOutput} tokens requested`;
      }
      return undefined;
    },
  };
}

export function capabilityFilter(needs: readonly Capability[]): Filter {
  return {
    name: 'capability',
    reject({ entry }) {
      const missing = needs.filter((need) => !entry.capabilities.includes(need));
      return missing.length === 0 ? undefined : `lacks capability ${missing.join(', ')}`;
    },
  };
}

export function priceFilter(name: string, max: PricePerMillion): Filter {
  return {
    name,
    reject({ entry }) {
      const pricing = entry.pricing;
      if (!pricing) return 'price unknown, and a maximum price applies';
      if (max.input !== undefined && pricing.input > max.input)
        return `input $${pricing.input}/M > max $${max.input}/M`;
      if (max.output !== undefined && pricing.output > max.output)
        return `output $${pricing.output}/M > max $${max.output}/M`;
      return undefined;
    },
  };
}

/** Data-handling requirements; unknown attributes fail a requirement (fail closed). */
export function dataFilter(name: string, req: DataRequirements): Filter {
  return {
    name,
    reject({ entry }) {
      const data = entry.data ?? {};
      if (req.regions) {
        const regions = data.regions ?? [];
        const outside = regions.filter((region) => !req.regions?.includes(region));
        if (regions.length === 0) return `regions unknown, required ${req.regions.join('|')}`;
        if (outside.length > 0)
          return `processes in ${outside.join(', ')}, required ${req.regions.join('|')}`;
      }
      if (req.zeroDataRetention && data.zeroDataRetention !== true) return 'no zero data retention';
      if (req.trainsOnData === false && data.trainsOnData !== false) {
        return data.trainsOnData ? 'trains on data' : 'may train on data (not declared)';
      }
      if (req.maxRetentionDays !== undefined) {
        const days = data.zeroDataRetention ? 0 : data.retention;
        if (days === undefined) return `retention unknown, max ${req.maxRetentionDays} days`;
        if (days > req.maxRetentionDays) return `retains ${days} days > max ${req.maxRetentionDays}`;
      }
      const missing = (req.certifications ?? []).filter(
        (cert) => !(data.certifications ?? []).includes(cert),
      );
      if (missing.length > 0) return `lacks certification ${missing.join(', ')}`;
      return undefined;
    },
  };
}

export function ruleFilter(ruleName: string, test: (entry: CatalogEntry) => boolean): Filter {
  return {
    name: 'rule-filter',
    reject: ({ entry }) => (test(entry) ? undefined : `rule '${ruleName}' filter is false`),
  };
}

export function circuitFilter(isOpen: (ref: string) => string | undefined): Filter {
  return { name: 'circuit', reject: ({ entry }) => isOpen(entry.ref) };
}

/** What a rule `filter` and the trace see of one candidate. */
export function candidateFacts(entry: CatalogEntry, stats: StatsTracker, facts: Facts) {
  const stat = stats.get(entry.ref);
  const data = entry.data ?? {};
  return {
    ref: entry.ref,
    provider: entry.provider,
    model: entry.model,
    inputPrice: entry.pricing?.input ?? null,
    outputPrice: entry.pricing?.output ?? null,
    cachedInputPrice: entry.pricing?.cachedInput ?? null,
    estimatedCostUsd: estimatedCost(
      entry,
      facts.request.estimatedPromptTokens,
      facts.request.maxOutputTokens,
    ),
    contextWindow: entry.contextWindow ?? null,
    maxOutputTokens: entry.maxOutputTokens ?? null,
    capabilities: entry.capabilities,
    regions: data.regions ?? [],
    region: data.regions?.[0] ?? null,
    retention: data.retention ?? null,
    zeroDataRetention: data.zeroDataRetention ?? false,
    trainsOnData: data.trainsOnData ?? null,
    certifications: data.certifications ?? [],
    latencyMs: stat?.latencyMs ?? null,
    errorRate: stat?.errorRate ?? 0,
    inFlight: stat?.inFlight ?? 0,
  };
}

/** USD for the estimated prompt and the max (or assumed) output; undefined without a price. */
export function estimatedCost(
  entry: CatalogEntry,
  promptTokens: number,
  maxOutput: number | null,
): number | null {
  if (!entry.pricing) return null;
  const usd =
    (promptTokens * entry.pricing.input + (maxOutput ?? DEFAULT_OUTPUT_TOKENS) * entry.pricing.output) / 1e6;
  return Math.round(usd * 1e9) / 1e9;
}
