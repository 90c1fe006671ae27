/**
 * The policy engine: loads and compiles the policy files at boot (every error at once, as a
 * ConfigError), decides per request, and reloads on change. A reload compiles a complete new
 * policy off to the side and swaps one reference: a request reads the reference once, so it
 * sees the old policy or the new one, never a mix. A broken file leaves the last good policy in
 * force and logs every issue.
 */
import { watch, type FSWatcher } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import type { PoliciesConfig } from '../config/types.js';
import { ConfigError, formatIssue, type ConfigIssue } from '../config/validate.js';
import type { Logger } from '../logger.js';
import { ALLOW_ALL_PREFERENCES, compilePolicy } from './compile.js';
import { decide, type DecideEnv, type Decision } from './decide.js';
import type { DecisionInput } from './facts.js';
import { hasGlob } from './glob.js';
import { policyFiles, readPolicySources } from './loader.js';
import { policyOperators, type OperatorRegistry } from './operators.js';
import type { PolicyCatalog } from './policy-catalog.js';
import { createStatsTracker, type StatsTracker } from './stats.js';
import type { CompiledPolicy } from './types.js';

export const EMPTY_POLICY: CompiledPolicy = Object.freeze({
  revision: 'none',
  files: [],
  rules: [],
  preferences: ALLOW_ALL_PREFERENCES,
  headers: [],
  conditions: new Map(),
});

export interface LoadResult {
  policy?: CompiledPolicy;
  files: string[];
  issues: ConfigIssue[];
}

/** Reads, checks and compiles the included files. Never throws for a policy problem. */
export function loadPolicy(
  include: readonly string[],
  catalog: PolicyCatalog,
  operators: OperatorRegistry = policyOperators,
): LoadResult {
  operators.freeze();
  const { files, issues } = policyFiles(include);
  const { sources, issues: readIssues } = readPolicySources(files);
  issues.push(...readIssues);
  if (issues.length > 0) return { files, issues };
  const compiled = compilePolicy(sources, catalog, operators);
  return { files, issues: compiled.issues, policy: compiled.policy };
}

export interface PolicyEngineOptions {
  policies: Required<PoliciesConfig> | undefined;
  catalog: PolicyCatalog;
  operators?: OperatorRegistry;
  logger?: Logger;
  stats?: StatsTracker;
  /** Debounce for file change events. */
  reloadDelayMs?: number;
  /** Told the result of every reload (file change or reload()), for metrics. */
  onReload?: (result: LoadResult) => void;
}

export interface PolicyEngine {
  /** The policy in force. */
  readonly current: CompiledPolicy;
  readonly stats: StatsTracker;
  decide(
    input: DecisionInput,
    options?: { trace?: boolean } & Pick<DecideEnv, 'random' | 'circuit'>,
  ): Decision;
  /** Loads the files again; keeps the current policy when they have errors. */
  reload(): LoadResult;
  /** Stops watching files. */
  close(): void;
}

export function createPolicyEngine(options: PolicyEngineOptions): PolicyEngine {
  const { catalog, logger } = options;
  const operators = options.operators ?? policyOperators;
  const stats = options.stats ?? createStatsTracker();
  operators.freeze();
  let current = EMPTY_POLICY;
  const include = options.policies?.include ?? [];
  if (options.policies) {
    const loaded = loadPolicy(include, catalog, operators);
    if (!loaded.policy) throw new ConfigError(loaded.issues);
    current = loaded.policy;
    logger?.info(
      { revision: current.revision, files: current.files, rules: current.rules.length },
      'policy loaded',
    );
  }

  function reload(): LoadResult {
    const loaded = loadPolicy(include, catalog, operators);
    if (loaded.policy) {
      const previous = current.revision;
      current = loaded.policy;
      if (previous !== current.revision) {
        logger?.info(
          { revision: current.revision, previous, rules: current.rules.length },
          'policy reloaded',
        );
      }
    } else {
      logger?.error(
        { revision: current.revision, issues: loaded.issues.map(formatIssue) },
        'policy reload failed; the last good policy stays in force',
      );
    }
    options.onReload?.(loaded);
    return loaded;
  }

  const watchers: FSWatcher[] = [];
  if (options.policies?.watch) {
    let timer: NodeJS.Timeout | undefined;
    const schedule = (file: string | null) => {
      if (file !== null && !['.yaml', '.yml', '.json'].includes(extname(file))) return;
      clearTimeout(timer);
      timer = setTimeout(reload, options.reloadDelayMs ?? 50);
      timer.unref();
    };
    // Directories, not files: editors save by writing a new file and renaming it over the old.
    const dirs = new Set(include.map((pattern) => watchDir(resolve(pattern))));
    for (const file of current.files) dirs.add(dirname(file));
    for (const dir of dirs) {
      try {
        const watcher = watch(dir, (_event, file) => schedule(file === null ? null : String(file)));
        watcher.on('error', (error) => logger?.warn({ err: error, dir }, 'policy watcher failed'));
        watcher.unref();
        watchers.push(watcher);
      } catch (error) {
        logger?.warn({ err: error, dir }, 'cannot watch policy directory');
      }
    }
  }

  return {
    get current() {
      return current;
    },
    stats,
    decide(input, decideOptions = {}) {
      const policy = current;
      return decide(
        policy,
        input,
        { catalog, stats, random: decideOptions.random, circuit: decideOptions.circuit },
        decideOptions.trace ?? false,
      );
    },
    reload,
    close() {
      for (const watcher of watchers.splice(0)) watcher.close();
    },
  };
}

function watchDir(pattern: string): string {
  if (!hasGlob(pattern)) return extname(pattern) ? dirname(pattern) : pattern;
  const segments = pattern.split('/');
  const first = segments.findIndex(hasGlob);
  return segments.slice(0, first).join('/') || '/';
}
