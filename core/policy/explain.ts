/**
 * Explaining decisions: the compact trace for the `x-switchyard-decision` response header, and
 * the full explanation `switchyard explain` prints (every rule's condition, node by node, with
 * the facts it read; candidates before and after each filter; the plan with estimated costs).
 */
import type { DecisionTrace } from './decide.js';
import type { Facts } from './facts.js';
import { compileLogic, type CompileEnv, type Evaluate } from './logic.js';
import type { OperatorRegistry } from './operators.js';
import { traceLogic, type ConditionTrace } from './trace.js';
import type { CompiledPolicy } from './types.js';

/** The trace as one header-safe line of JSON (ASCII only). */
export function compactTrace(trace: DecisionTrace): string {
  const compact = {
    rev: trace.revision,
    rule: trace.decidedBy,
    outcome: trace.outcome,
    rules: trace.rules.map((r) => `${r.name}:${r.matched ? 1 : 0}`).join(','),
    ...(trace.preferences.refused.length > 0 && { refused: trace.preferences.refused }),
    removed: trace.removed.map((r) => `${r.ref}:${r.filter}:${r.reason}`),
    strategy: trace.strategy,
    ...(trace.arm && { arm: trace.arm }),
    plan: trace.plan.map((p) => p.ref),
  };
  return JSON.stringify(compact).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Every rule's condition traced against the facts (up to and including the deciding rule). */
export function explainConditions(
  policy: CompiledPolicy,
  facts: Facts,
  trace: DecisionTrace,
  operators: OperatorRegistry,
): { name: string; matched: boolean; condition?: ConditionTrace }[] {
  const fragments = new Map<string, Evaluate>();
  const env: CompileEnv = {
    operators,
    report: () => undefined,
    condition(name) {
      const source = policy.conditions.get(name);
      if (source === undefined) return undefined;
      let fn = fragments.get(name);
      if (!fn) {
        fn = compileLogic(source, env);
        fragments.set(name, fn);
      }
      return fn;
    },
  };
  return trace.rules.map((rule) => {
    const compiled = policy.rules.find((r) => r.name === rule.name);
    if (compiled?.whenSource === undefined) return rule;
    return { ...rule, condition: traceLogic(compiled.whenSource, facts, env, policy.conditions) };
  });
}

/** The human-readable explanation. */
export function formatExplanation(
  trace: DecisionTrace,
  rules: { name: string; matched: boolean; condition?: ConditionTrace }[],
  facts: Facts,
): string {
  const lines: string[] = [];
  const r = facts.request;
  lines.push(`policy revision ${trace.revision}`);
  lines.push(
    `request: model=${r.model} ~${r.estimatedPromptTokens} prompt tokens, max output ${r.maxOutputTokens ?? '-'}, ` +
      `complexity ${r.complexity} (${r.complexityTier}), caller ${facts.caller.id}${facts.caller.team ? ` team ${facts.caller.team}` : ''}`,
  );
  lines.push('', 'rules:');
  if (rules.length === 0) lines.push('  (none evaluated)');
  for (const rule of rules) {
    lines.push(
      `  ${rule.matched ? '✔' : '✘'} ${rule.name}${rule.name === trace.decidedBy ? '   ← decides' : ''}`,
    );
    if (rule.condition) formatCondition(rule.condition, 2, lines);
    else lines.push('      (no condition: always matches)');
  }
  lines.push('', `decided by: ${trace.decidedBy} → ${trace.outcome}`);
  if (trace.preferences.used.length > 0) {
    lines.push(
      `preferences used: ${trace.preferences.used.join(', ')}${trace.preferences.refused.length > 0 ? `; refused: ${trace.preferences.refused.join(', ')}` : ''}`,
    );
  }
  if (trace.error) lines.push(`error: ${trace.error.code}: ${trace.error.message}`);
  if (trace.candidates.length > 0) {
    lines.push('', `candidates before filters: ${trace.candidates.join(', ')}`);
    const byFilter = new Map<string, string[]>();
    for (const removal of trace.removed) {
      const list = byFilter.get(removal.filter) ?? [];
      list.push(`${removal.ref} (${removal.reason})`);
      byFilter.set(removal.filter, list);
    }
    for (const [filter, removed] of byFilter) lines.push(`  - ${filter} removed: ${removed.join('; ')}`);
    if (byFilter.size === 0) lines.push('  (no candidate removed)');
  }
  if (trace.plan.length > 0) {
    lines.push('', `plan (strategy ${trace.strategy}${trace.arm ? `, arm ${trace.arm}` : ''}):`);
    trace.plan.forEach((p, i) => {
      const cost = p.estimatedCostUsd === null ? 'price unknown' : `~$${p.estimatedCostUsd.toFixed(6)}`;
      lines.push(`  ${i + 1}. ${p.ref}  ${cost}${p.fallback ? '  (fallback)' : ''}`);
    });
  }
  return lines.join('\n');
}

function formatCondition(node: ConditionTrace, depth: number, lines: string[]): void {
  const pad = '  '.repeat(depth + 1);
  const reads = node.reads
    ? `   reads ${Object.entries(node.reads)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(', ')}`
    : '';
  lines.push(`${pad}${node.holds ? 'true ' : 'false'} ${node.expr}${reads}`);
  for (const child of node.children ?? []) formatCondition(child, depth + 1, lines);
}
