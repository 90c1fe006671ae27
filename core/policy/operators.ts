/**
 * Extra JSON Logic operators for policies. json-logic-js keeps its operator table in one
 * process-global object, so operators are registered here, under a namespace (`sy.` for the
 * built-ins, `<plugin>.` for plugins), and installed into json-logic-js once, at boot, when the
 * registry is frozen. Registering after that throws: no request ever sees the table change.
 *
 * @example
 * import { policyOperators } from 'switchyard';
 * policyOperators.register('acme.isVip', (team) => team === 'vip', 'true for the VIP team');
 */
import jsonLogic from 'json-logic-js';
import { createHash } from 'node:crypto';
import { globToRegExp } from './glob.js';

/** An operator receives its evaluated arguments; `this` is the data the rule reads. */
export type PolicyOperator = (this: unknown, ...args: unknown[]) => unknown;

export interface OperatorInfo {
  readonly name: string;
  readonly fn: PolicyOperator;
  readonly description: string;
  /** Checks literal arguments at compile time; returns an error message or undefined. */
  readonly check?: (args: readonly unknown[]) => string | undefined;
}

export interface OperatorRegistry {
  register(name: string, fn: PolicyOperator, description?: string, check?: OperatorInfo['check']): void;
  get(name: string): OperatorInfo | undefined;
  names(): string[];
  /** Installs every operator into json-logic-js and refuses registrations from then on. */
  freeze(): void;
  readonly frozen: boolean;
}

const NAME = /^[a-z][a-z0-9-]*\.[A-Za-z][A-Za-z0-9_]*$/;

export function createOperatorRegistry(options: { allowReserved?: boolean } = {}): OperatorRegistry {
  const operators = new Map<string, OperatorInfo>();
  let frozen = false;
  return {
    register(name, fn, description = '', check) {
      if (frozen) {
        throw new Error(
          `Cannot register policy operator '${name}': operators are frozen once the gateway has booted; register before createGateway().`,
        );
      }
      if (!NAME.test(name)) {
        throw new Error(
          `Policy operator '${name}' must be namespaced as '<namespace>.<name>' (e.g. 'acme.isVip').`,
        );
      }
      if (name.startsWith('sy.') && !options.allowReserved) {
        throw new Error(`Policy operator '${name}': the 'sy.' namespace is reserved for built-in operators.`);
      }
      if (operators.has(name)) throw new Error(`Policy operator '${name}' is already registered.`);
      operators.set(name, Object.freeze({ name, fn, description, check }));
    },
    get: (name) => operators.get(name),
    names: () => [...operators.keys()],
    freeze() {
      if (frozen) return;
      frozen = true;
      for (const info of operators.values()) jsonLogic.add_operation(info.name, info.fn);
    },
    get frozen() {
      return frozen;
    },
  };
}

const regexCache = new Map<string, RegExp>();

function regex(pattern: string, flags: string): RegExp {
  const key = `${flags}/${pattern}`;
  let found = regexCache.get(key);
  if (!found) {
    found = new RegExp(pattern, flags);
    if (regexCache.size > 500) regexCache.clear();
    regexCache.set(key, found);
  }
  return found;
}

function list(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  return value === null || value === undefined ? [] : [value];
}

function contains(haystack: unknown, needle: unknown): boolean {
  if (typeof haystack === 'string') return typeof needle === 'string' && haystack.includes(needle);
  return Array.isArray(haystack) && haystack.includes(needle);
}

function checkRegex(args: readonly unknown[]): string | undefined {
  const [, pattern, flags] = args;
  if (typeof pattern !== 'string') return undefined;
  try {
    new RegExp(pattern, typeof flags === 'string' ? flags : '');
    return undefined;
  } catch (error) {
    return `has an invalid regular expression: ${(error as Error).message}`;
  }
}

/** The built-in `sy.` operators; docs/policy-language.md lists them with examples. */
export function registerBuiltinOperators(registry: OperatorRegistry): void {
  registry.register(
    'sy.match',
    (value, pattern, flags) =>
      typeof value === 'string' && typeof pattern === 'string'
        ? regex(pattern, typeof flags === 'string' ? flags : '').test(value)
        : false,
    '[text, regex, flags?]: the text matches the regular expression',
    checkRegex,
  );
  registry.register(
    'sy.glob',
    (value, pattern) =>
      typeof value === 'string' && typeof pattern === 'string' && globToRegExp(pattern, '/').test(value),
    "[text, glob]: the text matches a glob ('gpt-4o*', 'claude-{opus,sonnet}-*')",
  );
  registry.register(
    'sy.containsAny',
    (haystack, needles) => list(needles).some((needle) => contains(haystack, needle)),
    '[list or text, needles]: at least one needle is in the list (or substring of the text)',
  );
  registry.register(
    'sy.containsAll',
    (haystack, needles) => list(needles).every((needle) => contains(haystack, needle)),
    '[list or text, needles]: every needle is in the list (or substring of the text)',
  );
  registry.register(
    'sy.startsWith',
    (value, prefix) => typeof value === 'string' && typeof prefix === 'string' && value.startsWith(prefix),
    '[text, prefix]: the text starts with the prefix',
  );
  registry.register(
    'sy.lower',
    (value) => (typeof value === 'string' ? value.toLowerCase() : value),
    '[text]: the text in lower case',
  );
  registry.register(
    'sy.bucket',
    (key, buckets) => {
      const n = typeof buckets === 'number' && buckets > 0 ? Math.floor(buckets) : 100;
      return createHash('sha256').update(String(key)).digest().readUInt32BE(0) % n;
    },
    '[key, n=100]: a stable bucket 0…n-1 for the key (custom splits and rollouts)',
  );
}

/** The process-wide registry every gateway compiles policies against. */
export const policyOperators: OperatorRegistry = (() => {
  const registry = createOperatorRegistry({ allowReserved: true });
  registerBuiltinOperators(registry);
  return registry;
})();
