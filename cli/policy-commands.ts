/**
 * `switchyard validate`, `switchyard explain` and `switchyard test`: the policy commands. They
 * never start a server or call a provider. Exit codes: 0 success, 1 a test failed, 2 the
 * configuration or a policy file is invalid (or bad usage).
 */
import { readFileSync } from 'node:fs';
import {
  explainConditions,
  formatIssue,
  parseLabels,
  policyOperators,
  decide,
  createStatsTracker,
} from '../index.js';
import { callerFrom, loadPolicyContext, printIssues } from './policy-context.js';
import { formatTestRun, runPolicyTests, testFilesFor } from './policy-tests.js';
import { formatExplanation } from '../core/policy/explain.js';

type Out = (line: string) => void;
const stdout: Out = (line) => console.log(line);
const stderr: Out = (line) => console.error(line);

export interface ValidateOptions {
  config?: string;
  json?: boolean;
}

export async function validateCommand(options: ValidateOptions, out = stdout, err = stderr): Promise<number> {
  // The real environment: a `${VAR}` an enabled provider needs and nobody set is an error.
  const context = await loadPolicyContext({ config: options.config });
  const issues = context.issues;
  const ok = issues.length === 0 && 'resolved' in context;
  if (options.json) {
    out(
      JSON.stringify(
        {
          ok,
          issues,
          ...('resolved' in context && {
            config: context.file,
            files: context.files,
            revision: context.policy?.revision,
            rules: context.policy?.rules.length ?? 0,
          }),
        },
        null,
        2,
      ),
    );
    return ok ? 0 : 2;
  }
  if (!ok) {
    printIssues(issues, err);
    err(`${issues.length} problem(s) found`);
    return 2;
  }
  const rules = context.policy?.rules.length ?? 0;
  out(
    `ok: ${context.file}${context.files.length > 0 ? `, ${context.files.length} policy file(s), ${rules} rule(s), revision ${context.policy?.revision}` : ', no policy files'}`,
  );
  return 0;
}

export interface ExplainOptions {
  config?: string;
  request: string;
  key?: string;
  team?: string;
  user?: string;
  finding?: string[];
  header?: string[];
  labels?: string;
  allProviders?: boolean;
  json?: boolean;
}

export async function explainCommand(options: ExplainOptions, out = stdout, err = stderr): Promise<number> {
  const context = await loadPolicyContext({ config: options.config, allProviders: options.allProviders });
  if (!('resolved' in context) || context.issues.length > 0) {
    printIssues(context.issues, err);
    return 2;
  }
  let body: Record<string, unknown>;
  let caller;
  try {
    body = JSON.parse(readFileSync(options.request, 'utf8')) as Record<string, unknown>;
    caller = callerFrom(context.config, {
      key: options.key,
      team: options.team,
      user: options.user,
      labels: options.labels ? parseLabels(options.labels) : undefined,
    });
  } catch (error) {
    err(`switchyard explain: ${(error as Error).message}`);
    return 2;
  }
  if (typeof body.model !== 'string') {
    err("switchyard explain: the request has no 'model'");
    return 2;
  }
  const operation = 'input' in body && !('messages' in body) ? 'embeddings' : 'chat';
  const headers: Record<string, string> = {};
  for (const header of options.header ?? []) {
    const [name, ...rest] = header.split(':');
    if (name) headers[name.trim().toLowerCase()] = rest.join(':').trim();
  }
  const policy = context.policy;
  if (!policy) {
    err('switchyard explain: no policy loaded');
    return 2;
  }
  const decision = decide(
    policy,
    {
      operation,
      request: { messages: [], ...body } as never,
      caller,
      headers,
      findings: (options.finding ?? []).map((type) => ({ type })),
      now: Date.now(),
    },
    { catalog: context.catalog, stats: createStatsTracker() },
    true,
  );
  const trace = decision.trace;
  if (!trace) return 1;
  const rules = explainConditions(policy, decision.facts, trace, policyOperators);
  if (options.json) out(JSON.stringify({ facts: decision.facts, rules, trace }, null, 2));
  else out(formatExplanation(trace, rules, decision.facts));
  return 0;
}

export interface TestOptions {
  config?: string;
  json?: boolean;
  files?: string[];
}

export async function testCommand(options: TestOptions, out = stdout, err = stderr): Promise<number> {
  const context = await loadPolicyContext({ config: options.config, allProviders: true });
  if (!('resolved' in context) || context.issues.length > 0) {
    if (options.json) out(JSON.stringify({ ok: false, issues: context.issues.map(formatIssue) }, null, 2));
    else printIssues(context.issues, err);
    return 2;
  }
  const files = options.files && options.files.length > 0 ? options.files : testFilesFor(context.files);
  const run = runPolicyTests(context, files);
  out(options.json ? JSON.stringify(run, null, 2) : formatTestRun(run));
  return run.ok ? 0 : 1;
}
