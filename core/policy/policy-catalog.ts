/**
 * The catalog as policies see it: the entries in service (what a plan may contain) and every
 * entry the configuration declares, in service or not (what a rule may name). A rule naming a
 * provider whose API key is not set is valid; its candidates are dropped with that reason.
 */
import { createHash } from 'node:crypto';
import { createCatalog, type Catalog, type CatalogEntry } from '../catalog.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { ResolvedRef } from './types.js';

export interface PolicyCatalog {
  readonly live: Catalog;
  readonly declared: Catalog;
  /** Why a declared provider is out of service. */
  readonly disabled: ReadonlyMap<string, string>;
  /**
   * The profile names a rule's `budget` and `rateLimit` may use (`budgets.profiles`,
   * `limits.profiles`); unchecked when absent.
   */
  readonly profiles?: { readonly budget: ReadonlySet<string>; readonly rateLimit: ReadonlySet<string> };
}

export function createPolicyCatalog(
  config: Pick<ResolvedConfig, 'declaredProviders' | 'disabledProviders' | 'aliases'> &
    Partial<Pick<ResolvedConfig, 'accounting'>>,
  live: Catalog,
): PolicyCatalog {
  const declared = createCatalog(
    { providers: Object.fromEntries(config.declaredProviders), aliases: config.aliases },
    new Set(config.declaredProviders.keys()),
    new Map(),
  );
  const liveProviders = new Set(live.entries.map((entry) => entry.provider));
  const disabled = new Map(config.disabledProviders);
  for (const id of config.declaredProviders.keys()) {
    if (!liveProviders.has(id) && !disabled.has(id)) disabled.set(id, 'not in service');
  }
  const accounting = config.accounting;
  const profiles = accounting && {
    budget: new Set(Object.keys(accounting.budgets.profiles)),
    rateLimit: new Set(Object.keys(accounting.limits.profiles)),
  };
  return { live, declared, disabled, ...(profiles ? { profiles } : {}) };
}

/** Resolves a ref; `undefined` when the configuration declares nothing by that name. */
export function resolveRef(catalog: PolicyCatalog, ref: string, weight = 1): ResolvedRef | undefined {
  const declared = catalog.declared.resolve(ref);
  if (declared.length === 0) return undefined;
  const entries: CatalogEntry[] = [...catalog.live.resolve(ref)];
  const unavailable = declared
    .filter((entry) => catalog.disabled.has(entry.provider))
    .map((entry) => ({
      ref: entry.ref,
      reason: `provider '${entry.provider}' is out of service (${catalog.disabled.get(entry.provider) ?? 'disabled'})`,
    }));
  return { ref, weight, entries, unavailable };
}

/** The policy revision: a content hash of the files, in load order. */
export function policyRevision(sources: readonly { file: string; text: string }[]): string {
  if (sources.length === 0) return 'none';
  const hash = createHash('sha256');
  for (const source of sources) hash.update(source.text).update('\u0000');
  return `sha256:${hash.digest('hex').slice(0, 16)}`;
}
