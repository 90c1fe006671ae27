/**
 * Compiles JSON Logic once into plain closures, with json-logic-js's exact semantics (truthiness,
 * loose `==`, `var` paths and defaults, short-circuiting `and`/`or`), so a decision does not
 * re-interpret the rule tree on every request. Unknown operators are reported with their JSON
 * path at compile time. `{ "condition": "name" }` refers to a named condition fragment.
 * test/core/policy/logic.test.ts checks the closures against json-logic-js itself.
 */
import type { OperatorRegistry } from './operators.js';

export type Evaluate = (data: unknown) => unknown;

export interface CompileEnv {
  readonly operators: OperatorRegistry;
  /** Compiles a named condition fragment; undefined when no such fragment exists. */
  condition(name: string): Evaluate | undefined;
  report(path: string, message: string): void;
}

export function truthy(value: unknown): boolean {
  if (Array.isArray(value) && value.length === 0) return false;
  return !!value;
}

type Op = (this: unknown, ...args: unknown[]) => unknown;

// json-logic's == and != are JavaScript's loose comparisons, on purpose.
const num = (value: unknown) => parseFloat(value as string);
const STANDARD: Record<string, Op> = {
  '==': (a, b) => a == b,
  '===': (a, b) => a === b,
  '!=': (a, b) => a != b,
  '!==': (a, b) => a !== b,
  '>': (a, b) => (a as number) > (b as number),
  '>=': (a, b) => (a as number) >= (b as number),
  '<': (a, b, c) =>
    c === undefined
      ? (a as number) < (b as number)
      : (a as number) < (b as number) && (b as number) < (c as number),
  '<=': (a, b, c) =>
    c === undefined
      ? (a as number) <= (b as number)
      : (a as number) <= (b as number) && (b as number) <= (c as number),
  '!!': (a) => truthy(a),
  '!': (a) => !truthy(a),
  '%': (a, b) => (a as number) % (b as number),
  in: (a, b) => {
    const hay = b as { indexOf?: (x: unknown) => number } | null | undefined;
    if (!hay || typeof hay.indexOf === 'undefined') return false;
    return hay.indexOf(a) !== -1;
  },
  cat: (...args) => args.join(''),
  substr: (source, start, end) => {
    if ((end as number) < 0) {
      const temp = String(source).substr(start as number);
      return temp.substr(0, temp.length + (end as number));
    }
    return String(source).substr(start as number, end as number);
  },
  '+': (...args) => args.reduce<number>((a, b) => num(a) + num(b), 0),
  '*': (...args) => (args as number[]).reduce((a, b) => num(a) * num(b)),
  '-': (a, b) => (b === undefined ? -(a as number) : (a as number) - (b as number)),
  '/': (a, b) => (a as number) / (b as number),
  min: (...args) => Math.min(...(args as number[])),
  max: (...args) => Math.max(...(args as number[])),
  merge: (...args) => args.reduce<unknown[]>((a, b) => a.concat(b), []),
  missing: function (this: unknown, ...args) {
    const keys = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
    return keys.filter((key) => {
      const value = readVar(this, key, null);
      return value === null || value === '';
    });
  },
  missing_some: function (this: unknown, need, options) {
    const missing = (STANDARD.missing as Op).call(this, options) as unknown[];
    return (options as unknown[]).length - missing.length >= (need as number) ? [] : missing;
  },
};

const SPECIAL = new Set(['if', '?:', 'and', 'or', 'filter', 'map', 'reduce', 'all', 'none', 'some', 'var']);

/** Every operator a policy may use without registering anything. */
export const STANDARD_OPERATORS: readonly string[] = [...SPECIAL, ...Object.keys(STANDARD), 'condition'];

export function isLogic(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1
  );
}

export function readVar(data: unknown, path: unknown, fallback: unknown): unknown {
  const notFound = fallback === undefined ? null : fallback;
  if (path === undefined || path === '' || path === null) return data;
  let current = data;
  for (const key of String(path).split('.')) {
    if (current === null || current === undefined) return notFound;
    current = (current as Record<string, unknown>)[key];
    if (current === undefined) return notFound;
  }
  return current;
}

function pathReader(path: string, notFound: unknown): Evaluate {
  if (path === '') return (data) => data;
  const keys = path.split('.');
  if (keys.length === 2) {
    const [a, b] = keys as [string, string];
    return (data) => {
      if (data === null || data === undefined) return notFound;
      const first = (data as Record<string, unknown>)[a];
      if (first === undefined) return notFound;
      if (first === null) return notFound;
      const second = (first as Record<string, unknown>)[b];
      return second === undefined ? notFound : second;
    };
  }
  return (data) => readVar(data, path, notFound);
}

export function compileLogic(logic: unknown, env: CompileEnv, path = ''): Evaluate {
  if (Array.isArray(logic)) {
    const items = logic.map((item, i) => compileLogic(item, env, `${path}/${i}`));
    return (data) => items.map((item) => item(data));
  }
  if (!isLogic(logic)) return () => logic;
  const op = Object.keys(logic)[0] as string;
  const raw = logic[op];
  const values: unknown[] = Array.isArray(raw) ? raw : [raw];
  const at = `${path}/${escapeKey(op)}`;
  const args = () =>
    values.map((value, i) => compileLogic(value, env, Array.isArray(raw) ? `${at}/${i}` : at));

  switch (op) {
    case 'var': {
      const [first, second] = values;
      if (!isLogic(first) && !isLogic(second) && !Array.isArray(first)) {
        return pathReader(first === undefined || first === null ? '' : String(first), second ?? null);
      }
      const [p, d] = args();
      return (data) => readVar(data, p?.(data), d?.(data));
    }
    case 'condition': {
      const name = values[0];
      const fragment = typeof name === 'string' ? env.condition(name) : undefined;
      if (!fragment) {
        env.report(at, `refers to unknown condition '${String(name)}'`);
        return () => false;
      }
      return fragment;
    }
    case 'and':
    case 'or': {
      const parts = args();
      const wantTruthy = op === 'or';
      return (data) => {
        let current: unknown;
        for (const part of parts) {
          current = part(data);
          if (truthy(current) === wantTruthy) return current;
        }
        return current;
      };
    }
    case 'if':
    case '?:': {
      const parts = args();
      return (data) => {
        let i = 0;
        for (; i < parts.length - 1; i += 2) {
          if (truthy((parts[i] as Evaluate)(data))) return (parts[i + 1] as Evaluate)(data);
        }
        return i === parts.length - 1 ? (parts[i] as Evaluate)(data) : null;
      };
    }
    case 'filter':
    case 'map':
    case 'all':
    case 'none':
    case 'some':
    case 'reduce':
      return scoped(op, args());
  }

  const fn = STANDARD[op] ?? env.operators.get(op)?.fn;
  if (!fn) {
    env.report(
      at,
      `uses unknown operator '${op}' (known: standard JSON Logic and ${env.operators.names().join(', ')})`,
    );
    return () => false;
  }
  const problem = env.operators.get(op)?.check?.(values);
  if (problem) env.report(at, problem);
  const parts = args();
  if (parts.length === 1) {
    const [a] = parts as [Evaluate];
    return (data) => fn.call(data, a(data));
  }
  if (parts.length === 2) {
    const [a, b] = parts as [Evaluate, Evaluate];
    return (data) => fn.call(data, a(data), b(data));
  }
  return (data) =>
    fn.apply(
      data,
      parts.map((part) => part(data)),
    );
}

function scoped(op: string, parts: Evaluate[]): Evaluate {
  const source = parts[0] ?? (() => undefined);
  const inner = parts[1] ?? (() => undefined);
  switch (op) {
    case 'filter':
      return (data) => {
        const items = source(data);
        return Array.isArray(items) ? items.filter((item) => truthy(inner(item))) : [];
      };
    case 'map':
      return (data) => {
        const items = source(data);
        return Array.isArray(items) ? items.map((item) => inner(item)) : [];
      };
    case 'reduce': {
      const initial = parts[2];
      return (data) => {
        const items = source(data);
        const start = initial ? initial(data) : null;
        if (!Array.isArray(items)) return start;
        return items.reduce<unknown>((accumulator, current) => inner({ current, accumulator }), start);
      };
    }
    case 'all':
      return (data) => {
        const items = source(data);
        return Array.isArray(items) && items.length > 0 && items.every((item) => truthy(inner(item)));
      };
    case 'none':
      return (data) => {
        const items = source(data);
        return !Array.isArray(items) || items.length === 0 || !items.some((item) => truthy(inner(item)));
      };
    default:
      return (data) => {
        const items = source(data);
        return Array.isArray(items) && items.length > 0 && items.some((item) => truthy(inner(item)));
      };
  }
}

/** A JSON Pointer segment. */
export function escapeKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
