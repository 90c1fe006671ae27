/**
 * OpenRouter-compatible per-request routing preferences: the request's `models` list, the
 * `provider` object (order, only, ignore, allow_fallbacks, sort, max_price, data_collection, zdr,
 * require_parameters) and the `:floor` / `:nitro` model suffixes. The policy decides which of
 * them a caller may use; a refused one is an error naming it (or is ignored, when the policy
 * says so). Preferences can only narrow or reorder what the policy allows: governance wins.
 */
import type { ProviderPreferences } from '../types/openai.js';
import type { PreferenceName, PreferencePolicy, PricePerMillion } from './types.js';

export interface RequestPreferences {
  /** The requested model without a `:floor` / `:nitro` suffix. */
  model: string;
  used: PreferenceName[];
  models: string[];
  order?: string[];
  only?: string[];
  ignore?: string[];
  allowFallbacks: boolean;
  sort?: 'price' | 'latency' | 'throughput';
  maxPrice?: PricePerMillion;
  dataCollection?: 'allow' | 'deny';
  zdr?: boolean;
  requireParameters?: boolean;
}

const SUFFIX = /:(floor|nitro)$/;

export function parsePreferences(request: {
  model: string;
  models?: unknown;
  provider?: unknown;
}): RequestPreferences {
  const used: PreferenceName[] = [];
  const prefs: RequestPreferences = { model: request.model, used, models: [], allowFallbacks: true };
  const suffix = SUFFIX.exec(request.model);
  if (suffix) {
    prefs.model = request.model.slice(0, suffix.index);
    const name = suffix[1] as 'floor' | 'nitro';
    used.push(name);
    prefs.sort = name === 'floor' ? 'price' : 'throughput';
  }
  if (Array.isArray(request.models) && request.models.length > 0) {
    used.push('models');
    prefs.models = request.models.filter((m): m is string => typeof m === 'string');
  }
  const p = request.provider as ProviderPreferences | undefined;
  if (!p || typeof p !== 'object') return prefs;
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
  const take = (name: PreferenceName, present: boolean, apply: () => void) => {
    if (!present) return;
    used.push(name);
    apply();
  };
  take('order', p.order !== undefined, () => (prefs.order = strings(p.order)));
  take('only', p.only !== undefined, () => (prefs.only = strings(p.only)));
  take('ignore', p.ignore !== undefined, () => (prefs.ignore = strings(p.ignore)));
  take(
    'allow_fallbacks',
    p.allow_fallbacks !== undefined,
    () => (prefs.allowFallbacks = p.allow_fallbacks !== false),
  );
  take('sort', p.sort !== undefined, () => (prefs.sort = p.sort));
  take('max_price', p.max_price !== undefined, () => {
    prefs.maxPrice = { input: p.max_price?.prompt, output: p.max_price?.completion };
  });
  take('data_collection', p.data_collection !== undefined, () => (prefs.dataCollection = p.data_collection));
  take('zdr', p.zdr !== undefined, () => (prefs.zdr = p.zdr === true));
  take('require_parameters', p.require_parameters !== undefined, () => {
    prefs.requireParameters = p.require_parameters === true;
  });
  return prefs;
}

/** Removes the preferences the policy does not allow; returns which were refused. */
export function screenPreferences(
  prefs: RequestPreferences,
  policy: PreferencePolicy,
): { prefs: RequestPreferences; refused: PreferenceName[] } {
  const refused = prefs.used.filter((name) => !policy.allow.has(name));
  if (refused.length === 0) return { prefs, refused };
  const kept: RequestPreferences = { ...prefs, used: prefs.used.filter((name) => policy.allow.has(name)) };
  for (const name of refused) {
    switch (name) {
      case 'models':
        kept.models = [];
        break;
      case 'allow_fallbacks':
        kept.allowFallbacks = true;
        break;
      case 'max_price':
        delete kept.maxPrice;
        break;
      case 'data_collection':
        delete kept.dataCollection;
        break;
      case 'require_parameters':
        delete kept.requireParameters;
        break;
      case 'floor':
      case 'nitro':
      case 'sort':
        if (!kept.used.some((n) => n === 'sort' || n === 'floor' || n === 'nitro')) delete kept.sort;
        break;
      default:
        delete kept[name];
    }
  }
  return { prefs: kept, refused };
}
