import type { GatewayContext } from '../context.js';
import type { LedgerRecord } from './types.js';

export interface RecordOptions {
  outcome: 'ok' | 'error' | 'closed';
  /** `ledger.content` from the configuration. */
  content: boolean;
  now: number;
  /** The streamed answer text, when content is kept. */
  streamedText?: string;
}

/** The audit record of a finished request. Never holds credentials; content only when allowed. */
export function buildLedgerRecord(ctx: GatewayContext, options: RecordOptions): LedgerRecord {
  const usage = ctx.usage;
  const caller = ctx.caller;
  const plan = ctx.plan;
  const state = ctx.state.ledger;
  const status = ctx.error?.status ?? (options.outcome === 'closed' ? 499 : 200);
  const record: LedgerRecord = {
    id: ctx.requestId,
    time: new Date(ctx.startedAt).toISOString(),
    operation: ctx.operation,
    callerId: caller?.id ?? 'anonymous',
    model: ctx.request.model,
    attempts: ctx.attempts.map((attempt) => ({
      provider: attempt.provider,
      model: attempt.model,
      outcome: attempt.outcome,
      durationMs: attempt.durationMs,
      ...(attempt.error ? { code: attempt.error.code, status: attempt.error.status } : {}),
    })),
    status,
    outcome: options.outcome,
    stream: ctx.operation === 'chat' && ctx.request.stream === true,
    promptTokens: usage?.promptTokens ?? 0,
    completionTokens: usage?.completionTokens ?? 0,
    cachedTokens: usage?.cachedTokens ?? 0,
    reasoningTokens: usage?.reasoningTokens ?? 0,
    estimated: usage?.estimated ?? false,
    costUsd: usage?.costUsd ?? 0,
    chargedUsd: usage?.chargedUsd ?? usage?.costUsd ?? 0,
    latencyMs: usage?.latencyMs ?? options.now - ctx.startedAt,
    cacheHit: usage?.cacheHit ?? false,
    savedUsd: usage?.savedUsd ?? 0,
    byok: usage?.byok ?? false,
    findings: state?.findings ?? [],
  };
  if (caller?.keyId !== undefined) record.keyId = caller.keyId;
  if (caller?.team !== undefined) record.team = caller.team;
  if (caller?.project !== undefined) record.project = caller.project;
  if (caller?.user !== undefined) record.user = caller.user;
  if (ctx.served) {
    record.provider = ctx.served.provider;
    record.servedModel = ctx.served.model;
  }
  if (plan) {
    record.rule = plan.decidedBy;
    if (plan.labels) record.labels = plan.labels;
    if (plan.policyRevision) record.policyRevision = plan.policyRevision;
  }
  if (ctx.error) record.code = ctx.error.code;
  if (usage?.ttftMs !== undefined) record.ttftMs = usage.ttftMs;
  if (usage?.promptCacheSavedUsd) record.promptCacheSavedUsd = usage.promptCacheSavedUsd;
  if (state?.dataPolicy) record.dataPolicy = state.dataPolicy;
  if (options.content && state?.content !== false) {
    record.prompt = ctx.operation === 'chat' ? ctx.request.messages : ctx.request.input;
    if (ctx.operation === 'chat') {
      const text =
        options.streamedText ?? ctx.response?.choices.map((c) => c.message.content ?? '').join('\n');
      if (text !== undefined) record.response = text;
    }
  }
  return record;
}
