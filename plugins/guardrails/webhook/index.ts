/**
 * The `webhook` guardrail: POSTs the texts to a classifier of your own and applies its verdict.
 *
 * Request body: `{ phase, operation, final, texts: [{ role, path, text }] }`.
 * Answer: `{ verdict?: "allow" | "deny", message?, findings?: [{ type, score?, text?, start?, end? }] }`
 * (`text` is the index into `texts`; with `start`/`end` a finding can be redacted).
 *
 * A timeout, a network error, a non-2xx status or a broken answer is a failure: `failMode: open`
 * lets the request through (recording a `guardrail_unavailable` finding), `closed` (the default)
 * refuses it with SY_ERR_GUARDRAIL_UNAVAILABLE.
 *
 * @example
 * // { guardrail: webhook, options: { url: 'http://classifier:8080/check', timeoutMs: 500, failMode: open } }
 */
import {
  defineGuardrail,
  SwitchyardError,
  type GuardrailFinding,
  type GuardrailResult,
} from '../../../core/index.js';

export interface WebhookOptions {
  url: string;
  timeoutMs?: number;
  failMode?: 'open' | 'closed';
  headers?: Record<string, string>;
}

interface ClassifierFinding {
  type?: unknown;
  score?: unknown;
  text?: unknown;
  start?: unknown;
  end?: unknown;
}

export const webhookGuardrail = defineGuardrail<WebhookOptions>({
  apiVersion: 1,
  name: 'webhook',
  description: 'Asks an HTTP classifier for a verdict, with a timeout and fail-open or fail-closed.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['url'],
    properties: {
      url: { type: 'string', pattern: '^https?://' },
      timeoutMs: { type: 'integer', minimum: 1, maximum: 60_000 },
      failMode: { enum: ['open', 'closed'] },
      headers: { type: 'object', additionalProperties: { type: 'string' } },
    },
  },
  phases: ['input', 'output'],
  actions: ['deny', 'redact', 'label'],
  create(options, deps) {
    const timeoutMs = options.timeoutMs ?? 2_000;
    const failOpen = options.failMode === 'open';
    return {
      async check(subject) {
        const started = deps.now();
        try {
          const response = await fetch(options.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...options.headers },
            body: JSON.stringify({
              phase: subject.phase,
              operation: subject.operation,
              final: subject.final,
              texts: subject.texts,
            }),
            signal: AbortSignal.any([subject.signal, AbortSignal.timeout(timeoutMs)]),
          });
          if (!response.ok) throw new Error(`classifier answered ${response.status}`);
          return parseAnswer((await response.json()) as unknown, subject.texts.length);
        } catch (error) {
          if (subject.signal.aborted) throw error;
          const reason =
            (error as Error).name === 'TimeoutError'
              ? `no answer within ${timeoutMs} ms`
              : (error as Error).message;
          deps.logger.warn(
            { url: options.url, reason, ms: deps.now() - started },
            'guardrail webhook failed',
          );
          if (failOpen) {
            return {
              findings: [{ type: 'guardrail_unavailable', score: 0, detail: reason }],
              verdict: 'allow',
            };
          }
          throw new SwitchyardError(
            'SY_ERR_GUARDRAIL_UNAVAILABLE',
            `The guardrail classifier gave no verdict (${reason}); the request was not sent.`,
            { cause: error },
          );
        }
      },
    };
  },
});

function parseAnswer(body: unknown, texts: number): GuardrailResult {
  if (typeof body !== 'object' || body === null) throw new Error('classifier answer is not an object');
  const answer = body as { verdict?: unknown; message?: unknown; findings?: unknown };
  const findings: GuardrailFinding[] = [];
  for (const raw of Array.isArray(answer.findings) ? (answer.findings as ClassifierFinding[]) : []) {
    if (typeof raw?.type !== 'string') continue;
    const score = typeof raw.score === 'number' ? raw.score : 1;
    const located =
      typeof raw.text === 'number' &&
      raw.text >= 0 &&
      raw.text < texts &&
      typeof raw.start === 'number' &&
      typeof raw.end === 'number' &&
      raw.end > raw.start;
    findings.push(
      located
        ? {
            type: raw.type,
            score,
            location: { text: raw.text as number, start: raw.start as number, end: raw.end as number },
          }
        : { type: raw.type, score },
    );
  }
  const result: GuardrailResult = { findings };
  if (answer.verdict === 'allow' || answer.verdict === 'deny') result.verdict = answer.verdict;
  else if (answer.verdict !== undefined) throw new Error('classifier verdict is neither allow nor deny');
  if (typeof answer.message === 'string') result.message = answer.message;
  return result;
}
