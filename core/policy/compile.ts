/**
 * Compiles checked policy documents into the form the decision runs on: JSON Logic turned into
 * closures once, condition fragments linked, candidate refs resolved against the catalog. Every
 * semantic problem (unknown operator, unknown condition, unknown provider or model, conflicting
 * outcomes, duplicate names) is reported with its file and JSON path; positions come from the
 * caller's `locate`.
 */
import type { ConfigIssue } from '../config/validate.js';
import { compileLogic, escapeKey, type CompileEnv, type Evaluate } from './logic.js';
import type { OperatorRegistry } from './operators.js';
import { policyRevision, resolveRef, type PolicyCatalog } from './policy-catalog.js';
import type { PolicySource } from './loader.js';
import {
  PREFERENCE_NAMES,
  type CompiledPolicy,
  type CompiledRoute,
  type CompiledRule,
  type Logic,
  type PreferencePolicy,
  type PreferencePolicyDocument,
  type ResolvedRef,
  type RouteDocument,
} from './types.js';

export interface CompileResult {
  policy?: CompiledPolicy;
  issues: ConfigIssue[];
}

export const ALLOW_ALL_PREFERENCES: PreferencePolicy = Object.freeze({
  allow: new Set(PREFERENCE_NAMES),
  refused: 'error',
});

export function compilePolicy(
  sources: readonly PolicySource[],
  catalog: PolicyCatalog,
  operators: OperatorRegistry,
): CompileResult {
  const issues: ConfigIssue[] = [];
  const report = (source: PolicySource, path: string, message: string) =>
    issues.push({ file: source.file, path, message, ...source.parsed.locate(path) });

  // Conditions are global across files: a rule may use a fragment defined in another file.
  const conditionSources = new Map<string, { source: PolicySource; logic: Logic }>();
  for (const source of sources) {
    for (const [name, logic] of Object.entries(source.doc.conditions ?? {})) {
      if (conditionSources.has(name))
        report(source, `/conditions/${escapeKey(name)}`, `redefines condition '${name}'`);
      else conditionSources.set(name, { source, logic });
    }
  }
  const compiled = new Map<string, Evaluate>();
  const compiling = new Set<string>();
  const envFor = (source: PolicySource): CompileEnv => ({
    operators,
    report: (path, message) => report(source, path, message),
    condition(name) {
      const found = conditionSources.get(name);
      if (!found) return undefined;
      const done = compiled.get(name);
      if (done) return done;
      if (compiling.has(name)) {
        report(found.source, `/conditions/${escapeKey(name)}`, `refers to itself (through '${name}')`);
        return () => false;
      }
      compiling.add(name);
      // Late-bound, so a fragment compiled once serves every rule that uses it.
      const fn = compileLogic(found.logic, envFor(found.source), `/conditions/${escapeKey(name)}`);
      compiling.delete(name);
      compiled.set(name, fn);
      return fn;
    },
  });
  for (const [name, { source }] of conditionSources) envFor(source).condition(name);

  let preferences = ALLOW_ALL_PREFERENCES;
  let preferencesFrom: PolicySource | undefined;
  const headers = new Set<string>();
  const rules: CompiledRule[] = [];
  const ruleNames = new Set<string>();
  for (const source of sources) {
    const env = envFor(source);
    if (source.doc.preferences) {
      if (preferencesFrom)
        report(source, '/preferences', `conflicts with the preferences of ${preferencesFrom.file}`);
      preferencesFrom = source;
      preferences = preferencePolicy(source.doc.preferences);
    }
    for (const header of source.doc.facts?.headers ?? []) headers.add(header);
    (source.doc.rules ?? []).forEach((rule, index) => {
      const at = `/rules/${index}`;
      if (ruleNames.has(rule.name)) report(source, `${at}/name`, `repeats rule name '${rule.name}'`);
      ruleNames.add(rule.name);
      if (rule.deny && rule.route)
        report(source, at, "has both 'deny' and 'route'; a rule either denies or routes");
      if (rule.continue && (rule.deny || rule.route)) {
        report(
          source,
          `${at}/continue`,
          "cannot continue after 'deny' or 'route'; only requirements, settings and labels accumulate",
        );
      }
      for (const [kind, section] of [
        ['budget', 'budgets'],
        ['rateLimit', 'limits'],
      ] as const) {
        const name = rule[kind];
        if (name !== undefined && catalog.profiles && !catalog.profiles[kind].has(name)) {
          report(
            source,
            `${at}/${kind}`,
            `names ${kind} profile '${name}', which the configuration does not define (${section}.profiles)`,
          );
        }
      }
      let whenSource = rule.when;
      if (typeof whenSource === 'string') whenSource = { condition: whenSource };
      rules.push({
        name: rule.name,
        file: source.file,
        index,
        when: whenSource === undefined ? undefined : compileLogic(whenSource, env, `${at}/when`),
        whenSource,
        continue: rule.continue ?? false,
        deny: rule.deny && { status: rule.deny.status ?? 403, message: rule.deny.message },
        route:
          rule.route &&
          compileRoute(rule.route, `${at}/route`, env, catalog, (path, message) =>
            report(source, path, message),
          ),
        require: rule.require,
        settings: {
          cache: rule.cache,
          guardrails: rule.guardrails,
          budget: rule.budget,
          rateLimit: rule.rateLimit,
          labels: rule.labels,
        },
        preferences: rule.preferences && preferencePolicy(rule.preferences),
      });
    });
  }
  if (issues.length > 0) return { issues };
  return {
    issues,
    policy: Object.freeze({
      revision: policyRevision(sources),
      files: sources.map((source) => source.file),
      rules,
      preferences,
      headers: [...headers],
      conditions: new Map([...conditionSources].map(([name, { logic }]) => [name, logic])),
    }),
  };
}

function compileRoute(
  route: RouteDocument,
  at: string,
  env: CompileEnv,
  catalog: PolicyCatalog,
  report: (path: string, message: string) => void,
): CompiledRoute {
  const resolveAll = (refs: readonly (string | { ref: string; weight?: number })[], path: string) => {
    const out: ResolvedRef[] = [];
    refs.forEach((item, i) => {
      const ref = typeof item === 'string' ? item : item.ref;
      const weight = typeof item === 'string' ? 1 : (item.weight ?? 1);
      const resolved = resolveRef(catalog, ref, weight);
      if (resolved) out.push(resolved);
      else {
        report(
          `${path}/${i}${typeof item === 'string' ? '' : '/ref'}`,
          `names unknown model or provider '${ref}': no configured provider serves it (use provider/model, a model id or an alias)`,
        );
      }
    });
    return out;
  };
  const strategy = route.strategy ?? 'ordered';
  if (strategy === 'weighted' && !route.candidates)
    report(`${at}/strategy`, "'weighted' needs 'candidates' with weights");
  if (route.sticky && route.sticky !== 'none' && strategy !== 'weighted') {
    report(`${at}/sticky`, "only applies to the 'weighted' strategy");
  }
  return {
    candidates: route.candidates && resolveAll(route.candidates, `${at}/candidates`),
    strategy,
    sticky: route.sticky ?? 'none',
    fallbacks: resolveAll(route.fallbacks ?? [], `${at}/fallbacks`),
    maxPrice: route.maxPrice,
    filter: route.filter === undefined ? undefined : compileLogic(route.filter, env, `${at}/filter`),
    filterSource: route.filter,
  };
}

function preferencePolicy(doc: PreferencePolicyDocument): PreferencePolicy {
  const allow = doc.allow === undefined || doc.allow === 'all' ? PREFERENCE_NAMES : doc.allow;
  return Object.freeze({ allow: new Set(allow), refused: doc.refused ?? 'error' });
}
