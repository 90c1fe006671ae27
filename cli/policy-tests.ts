/**
 * The policy test runner behind `switchyard test`: runs the `*.test.yaml` cases kept beside the
 * policy files. Each case gives a request (and a caller, findings, time, candidate stats) and
 * expects a rule, a candidate order, a deny or an error. Every case is PASS, FAIL (with a diff)
 * or ERROR (the case itself is broken); a run with no case at all fails.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  createStatsTracker,
  decide,
  formatIssue,
  isPolicyTestFile,
  loadPolicy,
  parseChecked,
  type CompiledPolicy,
  type PolicyCatalog,
  type PolicyFinding,
} from '../index.js';
import { callerFrom, catalogFor, type PolicyContext } from './policy-context.js';

export interface PolicyTestCase {
  name: string;
  request: Record<string, unknown> & { model: string };
  operation?: 'chat' | 'embeddings';
  caller?: { key?: string; team?: string; project?: string; user?: string; labels?: Record<string, string> };
  headers?: Record<string, string>;
  findings?: PolicyFinding[];
  time?: string;
  stats?: Record<string, { latencyMs?: number; errorRate?: number; inFlight?: number }>;
  disabledProviders?: string[];
  expect: {
    rule?: string;
    candidates?: string[];
    first?: string;
    deny?: boolean | { status?: number; message?: string };
    error?: string;
    labels?: Record<string, string>;
    removed?: Record<string, string>;
  };
}

export interface CaseResult {
  file: string;
  name: string;
  status: 'PASS' | 'FAIL' | 'ERROR';
  /** What differed (FAIL) or what is broken (ERROR). */
  messages: string[];
  /** The decision, for the diff: rule, plan or error. */
  got?: { rule: string; candidates?: string[]; error?: string; removed?: string[] };
}

export interface TestRun {
  results: CaseResult[];
  summary: { pass: number; fail: number; error: number; total: number };
  ok: boolean;
}

/** Test files beside the policy files (`x.yaml` → `x.test.yaml`, and any `*.test.yaml` there). */
export function testFilesFor(policyFiles: readonly string[]): string[] {
  const dirs = [...new Set(policyFiles.map((file) => dirname(file)))];
  const found: string[] = [];
  for (const dir of dirs) {
    for (const name of readdirSync(dir).sort()) if (isPolicyTestFile(name)) found.push(join(dir, name));
  }
  return found.filter((file) => existsSync(file));
}

export function runPolicyTests(context: PolicyContext, files: readonly string[]): TestRun {
  const results: CaseResult[] = [];
  const policies = new Map<string, { policy?: CompiledPolicy; catalog: PolicyCatalog; issues: string[] }>();
  const policyFor = (disabled: readonly string[]) => {
    const key = [...disabled].sort().join(',');
    let found = policies.get(key);
    if (!found) {
      if (disabled.length === 0) found = { policy: context.policy, catalog: context.catalog, issues: [] };
      else {
        const catalog = catalogFor(context.resolved, disabled);
        const loaded = loadPolicy(context.resolved.policies?.include ?? [], catalog);
        found = { policy: loaded.policy, catalog, issues: loaded.issues.map(formatIssue) };
      }
      policies.set(key, found);
    }
    return found;
  };

  for (const file of files) {
    const { parsed, issues } = parseChecked(readFileSync(file, 'utf8'), file, 'policy-test');
    if (!parsed) {
      results.push({ file, name: basename(file), status: 'ERROR', messages: issues.map(formatIssue) });
      continue;
    }
    for (const testCase of (parsed.value as { cases: PolicyTestCase[] }).cases) {
      results.push(runCase(file, testCase, context, policyFor(testCase.disabledProviders ?? [])));
    }
  }
  const summary = {
    pass: results.filter((r) => r.status === 'PASS').length,
    fail: results.filter((r) => r.status === 'FAIL').length,
    error: results.filter((r) => r.status === 'ERROR').length,
    total: results.length,
  };
  return { results, summary, ok: summary.total > 0 && summary.pass === summary.total };
}

function runCase(
  file: string,
  testCase: PolicyTestCase,
  context: PolicyContext,
  loaded: { policy?: CompiledPolicy; catalog: PolicyCatalog; issues: string[] },
): CaseResult {
  const result: CaseResult = { file, name: testCase.name, status: 'ERROR', messages: [] };
  if (!loaded.policy)
    return { ...result, messages: loaded.issues.length > 0 ? loaded.issues : ['no policy loaded'] };
  let caller;
  try {
    caller = testCase.caller ? callerFrom(context.config, testCase.caller) : undefined;
  } catch (error) {
    return { ...result, messages: [`caller: ${(error as Error).message}`] };
  }
  const stats = createStatsTracker();
  for (const [ref, stat] of Object.entries(testCase.stats ?? {})) stats.set(ref, stat);
  const operation = testCase.operation ?? ('input' in testCase.request ? 'embeddings' : 'chat');
  const request =
    operation === 'chat' ? { messages: [], ...testCase.request } : { input: '', ...testCase.request };
  const decision = decide(
    loaded.policy,
    {
      operation,
      request: request as never,
      caller,
      headers: Object.fromEntries(
        Object.entries(testCase.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
      ),
      findings: testCase.findings,
      now: testCase.time ? Date.parse(testCase.time) : Date.now(),
    },
    { catalog: loaded.catalog, stats, random: () => 0.5 },
    true,
  );
  const candidates = decision.plan?.candidates.map((c) => c.entry.ref);
  const got = {
    rule: decision.decidedBy,
    ...(candidates && { candidates }),
    ...(decision.error && {
      error: `${decision.error.code} (${decision.error.status}): ${decision.error.message}`,
    }),
    ...(decision.trace?.removed.length && {
      removed: decision.trace.removed.map((r) => `${r.ref}: ${r.filter}`),
    }),
  };
  const diffs = compare(testCase.expect, decision, candidates);
  return { file, name: testCase.name, status: diffs.length === 0 ? 'PASS' : 'FAIL', messages: diffs, got };
}

function compare(
  expect: PolicyTestCase['expect'],
  decision: ReturnType<typeof decide>,
  candidates: string[] | undefined,
): string[] {
  const diffs: string[] = [];
  const show = (value: unknown) => JSON.stringify(value);
  const error = decision.error;
  if (expect.rule !== undefined && expect.rule !== decision.decidedBy) {
    diffs.push(`rule: expected ${show(expect.rule)}, got ${show(decision.decidedBy)}`);
  }
  const denied = error?.code === 'SY_ERR_POLICY_DENIED';
  if (expect.deny !== undefined) {
    const wantDeny = expect.deny !== false;
    if (wantDeny !== denied)
      diffs.push(
        `deny: expected ${wantDeny ? 'a deny' : 'no deny'}, got ${denied ? `deny (${error?.message})` : error ? error.code : 'a plan'}`,
      );
    if (typeof expect.deny === 'object' && denied) {
      if (expect.deny.status !== undefined && expect.deny.status !== error?.status)
        diffs.push(`deny.status: expected ${expect.deny.status}, got ${error?.status}`);
      if (expect.deny.message !== undefined && !error?.message.includes(expect.deny.message)) {
        diffs.push(
          `deny.message: expected to contain ${show(expect.deny.message)}, got ${show(error?.message)}`,
        );
      }
    }
  }
  if (expect.error !== undefined && expect.error !== error?.code) {
    diffs.push(
      `error: expected ${expect.error}, got ${error ? `${error.code}: ${error.message}` : 'no error'}`,
    );
  }
  if (expect.error === undefined && expect.deny === undefined && error)
    diffs.push(`unexpected error ${error.code}: ${error.message}`);
  if (expect.candidates !== undefined && show(expect.candidates) !== show(candidates)) {
    diffs.push(
      `candidates:\n      expected ${show(expect.candidates)}\n      got      ${show(candidates ?? null)}`,
    );
  }
  if (expect.first !== undefined && expect.first !== candidates?.[0]) {
    diffs.push(`first: expected ${show(expect.first)}, got ${show(candidates?.[0] ?? null)}`);
  }
  for (const [key, value] of Object.entries(expect.labels ?? {})) {
    const actual = decision.plan?.labels?.[key];
    if (actual !== value) diffs.push(`labels.${key}: expected ${show(value)}, got ${show(actual ?? null)}`);
  }
  for (const [ref, filter] of Object.entries(expect.removed ?? {})) {
    const removal = decision.trace?.removed.find((r) => r.ref === ref);
    if (removal?.filter !== filter) {
      diffs.push(
        `removed.${ref}: expected filter ${show(filter)}, got ${removal ? show(`${removal.filter} (${removal.reason})`) : 'not removed'}`,
      );
    }
  }
  return diffs;
}

/** PASS/FAIL/ERROR lines, diffs indented, and a summary. */
export function formatTestRun(run: TestRun): string {
  const lines: string[] = [];
  for (const r of run.results) {
    lines.push(`${r.status.padEnd(5)} ${basename(r.file)} › ${r.name}`);
    for (const message of r.messages) lines.push(`      ${message}`);
    if (r.status === 'FAIL' && r.got) lines.push(`      (decision: ${JSON.stringify(r.got)})`);
  }
  const { pass, fail, error, total } = run.summary;
  lines.push(
    '',
    total === 0
      ? 'no test cases ran: that counts as a failure'
      : `${total} cases: ${pass} passed, ${fail} failed, ${error} errors`,
  );
  return lines.join('\n');
}
