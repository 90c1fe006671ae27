/**
 * Explain mode for conditions: evaluates a JSON Logic tree node by node and reports, for every
 * connective (`and`, `or`, `!`, `if`, named conditions) and every leaf comparison, whether it
 * held and which facts it read. Not on the hot path: used by `switchyard explain` and the
 * full trace.
 */
import { compileLogic, isLogic, readVar, truthy, type CompileEnv } from './logic.js';

export interface ConditionTrace {
  /** The node in short JSON (`{"<":[{"var":"request.complexity"},0.3]}`), or `condition:name`. */
  expr: string;
  /** Whether the node's value is truthy. */
  holds: boolean;
  value: unknown;
  /** The facts the node read, by path. */
  reads?: Record<string, unknown>;
  children?: ConditionTrace[];
}

const CONNECTIVES = new Set(['and', 'or', '!', '!!', 'if', '?:']);

export function traceLogic(
  logic: unknown,
  data: unknown,
  env: CompileEnv,
  conditions: ReadonlyMap<string, unknown>,
): ConditionTrace {
  if (isLogic(logic)) {
    const op = Object.keys(logic)[0] as string;
    const raw = logic[op];
    if (op === 'condition' && typeof raw === 'string' && conditions.has(raw)) {
      const inner = traceLogic(conditions.get(raw), data, env, conditions);
      return { expr: `condition:${raw}`, holds: inner.holds, value: inner.value, children: [inner] };
    }
    if (CONNECTIVES.has(op)) {
      const values = Array.isArray(raw) ? raw : [raw];
      const value = compileLogic(logic, env)(data);
      return {
        expr: op,
        holds: truthy(value),
        value,
        children: values.map((child) => traceLogic(child, data, env, conditions)),
      };
    }
  }
  const value = compileLogic(logic, env)(data);
  const reads: Record<string, unknown> = {};
  collectReads(logic, data, reads);
  return {
    expr: short(logic),
    holds: truthy(value),
    value,
    ...(Object.keys(reads).length > 0 && { reads }),
  };
}

function collectReads(logic: unknown, data: unknown, reads: Record<string, unknown>): void {
  if (Array.isArray(logic)) {
    for (const item of logic) collectReads(item, data, reads);
    return;
  }
  if (!isLogic(logic)) return;
  const op = Object.keys(logic)[0] as string;
  const raw = logic[op];
  const values = Array.isArray(raw) ? raw : [raw];
  if (op === 'var' && (typeof values[0] === 'string' || typeof values[0] === 'number')) {
    reads[String(values[0])] = readVar(data, values[0], values[1]);
    return;
  }
  // Scoped operators read their inner vars from each item, not from the facts.
  if (['filter', 'map', 'all', 'none', 'some', 'reduce'].includes(op)) {
    collectReads(values[0], data, reads);
    return;
  }
  for (const value of values) collectReads(value, data, reads);
}

function short(logic: unknown): string {
  const text = JSON.stringify(logic) ?? 'undefined';
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
