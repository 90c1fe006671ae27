/**
 * The policy decision: facts → rules in order → deny, or candidates → filters → strategy →
 * routing plan. Pure and synchronous: one call sees one compiled policy, start to finish, so a
 * hot reload can never mix two policies in one decision. The trace is built only on request.
 */
import type { CatalogEntry } from '../catalog.js';
import type { RoutingPlan } from '../context.js';
import { SwitchyardError } from '../errors/switchyard-error.js';
import { buildFacts, requestBasics, type DecisionInput, type Facts, type RequestBasics } from './facts.js';
import * as F from './filters.js';
import { truthy } from './logic.js';
import type { PolicyCatalog } from './policy-catalog.js';
import { parsePreferences, screenPreferences, type RequestPreferences } from './preferences.js';
import type { StatsTracker } from './stats.js';
import { orderCandidates } from './strategies.js';
import type {
  CompiledPolicy,
  CompiledRule,
  DataRequirements,
  PreferenceName,
  RuleSettings,
  Strategy,
} from './types.js';

export interface DecisionTrace {
  revision: string;
  rules: { name: string; matched: boolean }[];
  decidedBy: string;
  outcome: 'route' | 'deny' | 'error';
  preferences: { used: PreferenceName[]; refused: PreferenceName[] };
  candidates: string[];
  removed: F.Removal[];
  strategy: string;
  arm?: string;
  plan: { ref: string; estimatedCostUsd: number | null; fallback: boolean }[];
  error?: { code: string; message: string };
}

export interface Decision {
  /** The rule that decided, or `default`. */
  decidedBy: string;
  /** The revision of the policy that decided. */
  revision: string;
  plan?: RoutingPlan;
  error?: SwitchyardError;
  trace?: DecisionTrace;
  facts: Facts;
}

export interface DecideEnv {
  catalog: PolicyCatalog;
  stats: StatsTracker;
  random?: () => number;
  /** Reason a candidate's circuit is open, when one is (filled by a circuit breaker). */
  circuit?: (ref: string) => string | undefined;
}

export function decide(
  policy: CompiledPolicy,
  input: DecisionInput,
  env: DecideEnv,
  trace = false,
): Decision {
  // Without rules and without a trace only the filters read facts, and only the request's
  // basics: the rest (text, complexity, caller, time) is built if someone reads `decision.facts`.
  const lazy = policy.rules.length === 0 && !trace;
  const facts = lazy ? undefined : buildFacts(input, policy.headers);
  const basics: RequestBasics = facts ? facts.request : requestBasics(input);
  const factsOf = (): Facts => facts ?? buildFacts(input, policy.headers);
  const decision = (plan: RoutingPlan | undefined, error: SwitchyardError | undefined): Decision => {
    const revision = policy.revision;
    if (!facts) return new LazyDecision(decidedBy, revision, plan, error, t, input, policy.headers);
    return plan
      ? { decidedBy, revision, plan, trace: t, facts }
      : { decidedBy, revision, error, trace: t, facts };
  };
  const t: DecisionTrace | undefined = trace
    ? {
        revision: policy.revision,
        rules: [],
        decidedBy: 'default',
        outcome: 'route',
        preferences: { used: [], refused: [] },
        candidates: [],
        removed: [],
        strategy: 'ordered',
        plan: [],
      }
    : undefined;
  let decidedBy = 'default';
  const fail = (error: SwitchyardError, outcome: 'deny' | 'error' = 'error'): Decision => {
    if (t) Object.assign(t, { outcome, error: { code: error.code, message: error.message } });
    return decision(undefined, error);
  };

  // 1. Rules, in order. `continue` rules add requirements and settings; the first other match decides.
  let decided: CompiledRule | undefined;
  const requirements: { rule: string; req: DataRequirements }[] = [];
  const settings: RuleSettings = {};
  let labels: Record<string, string> | undefined;
  for (const rule of policy.rules) {
    const matched = rule.when === undefined || truthy(rule.when(factsOf()));
    t?.rules.push({ name: rule.name, matched });
    if (!matched) continue;
    if (rule.require) requirements.push({ rule: rule.name, req: rule.require });
    if (rule.settings.labels) labels = { ...labels, ...rule.settings.labels };
    if (rule.settings.cache) settings.cache = rule.settings.cache;
    if (rule.settings.guardrails) settings.guardrails = rule.settings.guardrails;
    if (rule.settings.budget) settings.budget = rule.settings.budget;
    if (rule.settings.rateLimit) settings.rateLimit = rule.settings.rateLimit;
    if (!rule.continue) {
      decided = rule;
      break;
    }
  }
  decidedBy = decided?.name ?? 'default';
  if (t) t.decidedBy = decidedBy;
  if (decided?.deny) {
    return fail(
      new SwitchyardError(
        'SY_ERR_POLICY_DENIED',
        `Denied by policy rule '${decided.name}': ${decided.deny.message}`,
        {
          status: decided.deny.status,
        },
      ),
      'deny',
    );
  }

  // 2. Caller preferences, screened by the policy.
  const requested = parsePreferences(input.request);
  const screened = screenPreferences(requested, decided?.preferences ?? policy.preferences);
  const prefs = screened.prefs;
  if (t) t.preferences = { used: requested.used, refused: screened.refused };
  if (screened.refused.length > 0 && (decided?.preferences ?? policy.preferences).refused === 'error') {
    const names = screened.refused.map((name) =>
      name === 'floor' || name === 'nitro'
        ? `the :${name} suffix`
        : name === 'models'
          ? 'models'
          : `provider.${name}`,
    );
    return fail(
      new SwitchyardError(
        'SY_ERR_POLICY_PREFERENCE_REFUSED',
        `Routing preference${names.length > 1 ? 's' : ''} ${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} not allowed by policy${decided ? ` rule '${decided.name}'` : ''}; remove them from the request.`,
        { param: screened.refused.includes('models') ? 'models' : 'provider' },
      ),
    );
  }

  // 3. Initial candidates: the rule's, or the requested model and the `models` fallbacks.
  const removed: F.Removal[] = [];
  const working: F.Working[] = [];
  const seen = new Set<string>();
  const add = (entry: CatalogEntry, weight: number, fallback: boolean) => {
    if (seen.has(entry.ref)) return;
    seen.add(entry.ref);
    working.push({ entry, weight, fallback });
  };
  const route = decided?.route;
  if (route?.candidates) {
    for (const ref of route.candidates) {
      for (const entry of ref.entries) add(entry, ref.weight, false);
      for (const gone of ref.unavailable)
        removed.push({ ref: gone.ref, filter: 'unavailable', reason: gone.reason });
    }
  } else {
    const names = [prefs.model, ...prefs.models];
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      const entries = env.catalog.live.resolve(name);
      if (entries.length === 0) {
        const off = env.catalog.declared
          .resolve(name)
          .map(
            (e) =>
              `provider '${e.provider}' is out of service (${env.catalog.disabled.get(e.provider) ?? 'disabled'})`,
          );
        return fail(
          new SwitchyardError(
            'SY_ERR_MODEL_NOT_FOUND',
            `The model '${name}' does not exist or is not served by this gateway${off.length > 0 ? `: ${[...new Set(off)].join('; ')}` : ''}. List the available models with GET /v1/models.`,
            { param: i === 0 ? 'model' : `models[${i - 1}]` },
          ),
        );
      }
      for (const entry of entries) add(entry, 1, false);
    }
  }
  for (const ref of route?.fallbacks ?? []) {
    for (const entry of ref.entries) add(entry, ref.weight, true);
    for (const gone of ref.unavailable)
      removed.push({ ref: gone.ref, filter: 'unavailable', reason: gone.reason });
  }
  if (t) t.candidates = [...removed.map((r) => r.ref), ...working.map((w) => w.entry.ref)];

  // 4. Filters, before any call.
  let remaining = applyFilter(F.kindFilter(input.operation), working, removed);
  if (remaining.length === 0 && working.length > 0 && removed.every((r) => r.filter === 'kind')) {
    return fail(
      new SwitchyardError(
        'SY_ERR_MODEL_UNSUPPORTED_OPERATION',
        `The model '${input.request.model}' cannot serve ${input.operation} requests. List the available models with GET /v1/models.`,
        { param: 'model' },
      ),
    );
  }
  for (const filter of filtersFor(basics, factsOf, prefs, requirements, decided, env)) {
    // Every candidate's circuit open: trying them (as probes) beats failing outright.
    if (filter.name === 'circuit' && remaining.every((w) => filter.reject(w) !== undefined)) continue;
    remaining = applyFilter(filter, remaining, removed);
  }
  if (t) t.removed = removed;

  // 5. Strategy, caller order, fallbacks.
  const strategy: Strategy =
    prefs.sort === 'price' ? 'cheapest' : prefs.sort ? 'fastest' : (route?.strategy ?? 'ordered');
  const { ordered, arm } = orderCandidates(
    strategy,
    remaining.filter((w) => !w.fallback),
    {
      basics,
      facts: factsOf,
      stats: env.stats,
      sticky: route?.sticky ?? 'none',
      random: env.random ?? Math.random,
    },
  );
  let final = [...byProviderOrder(ordered, prefs.order), ...remaining.filter((w) => w.fallback)];
  if (!prefs.allowFallbacks) final = final.slice(0, 1);
  if (t) {
    Object.assign(t, { strategy, arm });
    t.plan = final.map((w) => ({
      ref: w.entry.ref,
      estimatedCostUsd: F.estimatedCost(w.entry, basics.estimatedPromptTokens, basics.maxOutputTokens),
      fallback: w.fallback,
    }));
  }
  if (final.length === 0) {
    const why = removed.map((r) => `${r.ref} removed by ${r.filter} (${r.reason})`).join('; ');
    return fail(
      new SwitchyardError(
        'SY_ERR_ROUTING_NO_CANDIDATES',
        `No candidate can serve this request (policy rule '${decidedBy}'): ${why || 'the plan is empty'}.`,
      ),
    );
  }
  const plan: RoutingPlan = { candidates: final.map((w) => ({ entry: w.entry })), decidedBy, strategy };
  if (policy.revision !== 'none') plan.policyRevision = policy.revision;
  if (labels) plan.labels = labels;
  if (arm) plan.arm = arm;
  Object.assign(plan, settings);
  return decision(plan, undefined);
}

/** A decision whose facts are built when first read (a decision without rules). */
class LazyDecision implements Decision {
  readonly plan?: RoutingPlan;
  readonly error?: SwitchyardError;
  readonly trace: DecisionTrace | undefined;
  #facts: Facts | undefined;
  readonly #input: DecisionInput;
  readonly #headers: readonly string[];

  constructor(
    readonly decidedBy: string,
    readonly revision: string,
    plan: RoutingPlan | undefined,
    error: SwitchyardError | undefined,
    trace: DecisionTrace | undefined,
    input: DecisionInput,
    headers: readonly string[],
  ) {
    // The keys a plain decision has: `plan` or `error`, and `trace`.
    if (plan) this.plan = plan;
    else this.error = error;
    this.trace = trace;
    this.#input = input;
    this.#headers = headers;
  }

  get facts(): Facts {
    return (this.#facts ??= buildFacts(this.#input, this.#headers));
  }
}

function applyFilter(filter: F.Filter, candidates: F.Working[], removed: F.Removal[]): F.Working[] {
  const kept: F.Working[] = [];
  for (const candidate of candidates) {
    const reason = filter.reject(candidate);
    if (reason === undefined) kept.push(candidate);
    else removed.push({ ref: candidate.entry.ref, filter: filter.name, reason });
  }
  return kept;
}

function filtersFor(
  r: RequestBasics,
  factsOf: () => Facts,
  prefs: RequestPreferences,
  requirements: readonly { rule: string; req: DataRequirements }[],
  decided: CompiledRule | undefined,
  env: DecideEnv,
): F.Filter[] {
  const filters: F.Filter[] = [];
  if (prefs.only) filters.push(F.providerListFilter('preference:only', prefs.only, true));
  if (prefs.ignore) filters.push(F.providerListFilter('preference:ignore', prefs.ignore, false));
  if (r.operation === 'chat') {
    filters.push(F.contextFilter(r.estimatedPromptTokens, r.maxOutputTokens));
    const needs: ('tools' | 'vision' | 'json_schema' | 'streaming')[] = [];
    if (r.hasTools) needs.push('tools');
    if (r.hasImages) needs.push('vision');
    if (r.hasJsonSchema) needs.push('json_schema');
    if (prefs.requireParameters && r.stream) needs.push('streaming');
    if (needs.length > 0) filters.push(F.capabilityFilter(needs));
  }
  const maxPrice = decided?.route?.maxPrice;
  if (maxPrice) filters.push(F.priceFilter(`price:${decided.name}`, maxPrice));
  if (prefs.maxPrice) filters.push(F.priceFilter('preference:max_price', prefs.maxPrice));
  for (const { rule, req } of requirements) filters.push(F.dataFilter(`require:${rule}`, req));
  if (prefs.zdr) filters.push(F.dataFilter('preference:zdr', { zeroDataRetention: true }));
  if (prefs.dataCollection === 'deny')
    filters.push(F.dataFilter('preference:data_collection', { trainsOnData: false }));
  const filter = decided?.route?.filter;
  if (filter && decided) {
    const facts = factsOf();
    filters.push(
      F.ruleFilter(decided.name, (entry) =>
        truthy(filter({ ...facts, candidate: F.candidateFacts(entry, env.stats, facts) })),
      ),
    );
  }
  if (env.circuit) filters.push(F.circuitFilter(env.circuit));
  return filters;
}

/** Providers named in `provider.order` first, in that order; the rest keep theirs. */
function byProviderOrder(candidates: F.Working[], order: readonly string[] | undefined): F.Working[] {
  if (!order || order.length === 0) return candidates;
  const rank = (w: F.Working) => {
    const i = order.indexOf(w.entry.provider);
    return i === -1 ? order.length : i;
  };
  return candidates
    .map((w, i) => ({ w, i }))
    .sort((a, b) => rank(a.w) - rank(b.w) || a.i - b.i)
    .map(({ w }) => w);
}
