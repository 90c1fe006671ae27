/**
 * Accounting, the outermost stage: it sees every request leave, answered, failed or cut. It
 * prices the usage (tokens a provider did not report are counted with a tokenizer, in the
 * token-count worker, and marked estimated, and an answer without usage gets that count), measures
 * time to first token and
 * total latency, applies the chargeback markup, adds `usage.cost` and the `x-switchyard-*`
 * headers, hides the usage chunk from a streaming client that did not ask for it, writes one log
 * line and one audit-ledger record per request.
 */
import {
  answerUsage,
  buildLedgerRecord,
  reportedAnswerUsage,
  ChatStream,
  defineStage,
  requestLineLogger,
  StreamChunk,
  StreamMeter,
  toSwitchyardError,
  type ChatCompletionChunk,
  type ChatContext,
  type GatewayContext,
  type GatewayServices,
  type Usage,
  type UsageRecord,
} from '../../../core/index.js';

/** What other stages (the cache) tell accounting through `ctx.state.accounting`. */
export interface AccountingState {
  cacheHit?: boolean;
  /** What the cached answer would have cost upstream. */
  savedUsd?: number;
}

declare module '../../../core/context.js' {
  interface GatewayState {
    accounting?: AccountingState;
  }
}

type Outcome = 'ok' | 'error' | 'closed';

export const accountingStage = defineStage<Record<string, never>>({
  name: 'accounting',
  replacesRequest: true,
  optionsSchema: { type: 'object', additionalProperties: false },
  create(_options, services) {
    const markup = services.config.accounting.markup;
    const keepContent = services.config.accounting.ledger.content;

    return async function accounting(ctx, next) {
      try {
        await next();
      } catch (error) {
        ctx.error = toSwitchyardError(error);
        finish(ctx, services, 'error', keepContent);
        throw error;
      }
      if (ctx.operation === 'chat' && ctx.stream) {
        ctx.stream = meter(ctx, ctx.stream, services, markup, keepContent);
        return;
      }
      // Reported usage needs no count: the usual answer goes on without a promise of its own.
      const pricing = ctx.served?.pricing;
      const reported = ctx.response ? reportedAnswerUsage(ctx.response, pricing) : undefined;
      const usage = reported ?? (await answerUsage(ctx.request, ctx.response, pricing));
      ctx.usage = usage && complete(ctx, services, usage, markup, services.now() - ctx.startedAt);
      if (ctx.response && ctx.usage) {
        // An answer without usage gets the gateway's count (marked estimated).
        const answer = ctx.response as { usage?: Record<string, unknown> | null };
        answer.usage ??= wireUsage(ctx.usage, ctx.operation === 'chat');
        decorate(answer.usage, ctx.usage);
      }
      if (ctx.usage) usageHeaders(ctx.usage, ctx.responseHeaders);
      finish(ctx, services, 'ok', keepContent);
    };
  },
});

/** Fills the derived fields: charge with markup, BYOK, cache savings, timings. */
function complete(
  ctx: GatewayContext,
  services: GatewayServices,
  usage: UsageRecord,
  markup: number,
  ttftMs: number | undefined,
): UsageRecord {
  const state = ctx.state.accounting;
  const provider = ctx.served?.provider;
  // A cache hit is billed nothing; what the original call cost is what it saved.
  const hit = state?.cacheHit === true;
  const costUsd = hit ? 0 : usage.costUsd;
  const chargedUsd = Math.round(costUsd * (1 + markup) * 1e9) / 1e9;
  const byok = provider !== undefined && ctx.caller?.credentials?.[provider] !== undefined;
  const latencyMs = services.now() - ctx.startedAt;
  const cacheHit = state?.cacheHit ?? false;
  const { promptTokens, completionTokens, cachedTokens, reasoningTokens, estimated } = usage;
  // Literals, not `{ ...usage, costUsd, … }`: on Node 20 a spread followed by new properties costs
  // microseconds. The same fields in the same order.
  const record: UsageRecord =
    estimated === undefined
      ? {
          promptTokens,
          completionTokens,
          cachedTokens,
          reasoningTokens,
          costUsd,
          chargedUsd,
          byok,
          latencyMs,
          cacheHit,
        }
      : {
          promptTokens,
          completionTokens,
          cachedTokens,
          reasoningTokens,
          costUsd,
          estimated,
          chargedUsd,
          byok,
          latencyMs,
          cacheHit,
        };
  if (ttftMs !== undefined) record.ttftMs = ttftMs;
  const pricing = ctx.served?.pricing;
  if (!hit && usage.cachedTokens > 0 && pricing?.cachedInput !== undefined) {
    const saved = (usage.cachedTokens * (pricing.input - pricing.cachedInput)) / 1e6;
    if (saved > 0) record.promptCacheSavedUsd = Math.round(saved * 1e9) / 1e9;
  }
  if (state?.savedUsd !== undefined || hit) record.savedUsd = state?.savedUsd ?? usage.costUsd;
  return record;
}

/** An OpenAI `usage` object for an answer that came without one. */
function wireUsage(usage: UsageRecord, chat: boolean): Record<string, unknown> {
  const total = usage.promptTokens + usage.completionTokens;
  return chat
    ? { prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: total }
    : { prompt_tokens: usage.promptTokens, total_tokens: total };
}

/** The Switchyard fields added to the OpenAI `usage` object the client receives. */
function decorate(target: Record<string, unknown>, usage: UsageRecord): void {
  target.cost = usage.costUsd;
  if (usage.chargedUsd !== usage.costUsd) target.charged_usd = usage.chargedUsd;
  if (usage.estimated) target.estimated = true;
  if (usage.byok) target.byok = true;
  if (usage.cacheHit) {
    target.cache_hit = true;
    target.saved_usd = usage.savedUsd ?? 0;
  }
}

function usageHeaders(usage: UsageRecord, headers: Record<string, string>): void {
  headers['x-switchyard-cost-usd'] = usage.costUsd.toFixed(9);
  if (usage.chargedUsd !== undefined && usage.chargedUsd !== usage.costUsd)
    headers['x-switchyard-charged-usd'] = usage.chargedUsd.toFixed(9);
  if (usage.estimated) headers['x-switchyard-tokens-estimated'] = 'true';
  if (usage.byok) headers['x-switchyard-byok'] = 'true';
  if (usage.cacheHit) headers['x-switchyard-cache'] = 'hit';
  if (usage.latencyMs !== undefined) headers['x-switchyard-latency-ms'] = String(usage.latencyMs);
}

/**
 * Meters a stream with hooks (core/stream/chat-stream.ts): prices the usage chunk and adds the
 * cost to it (or hides it from a client that did not ask for usage), adds an estimated usage
 * chunk a provider did not send, and accounts the request when the stream is over.
 */
function meter(
  ctx: ChatContext,
  stream: AsyncIterable<ChatCompletionChunk>,
  services: GatewayServices,
  markup: number,
  keepContent: boolean,
): ChatStream {
  const clientWantsUsage = ctx.request.stream_options?.include_usage === true;
  const metered = new StreamMeter(services.now);
  const completed = (usage: UsageRecord) => {
    const ttft = metered.firstOutputAt === undefined ? undefined : metered.firstOutputAt - ctx.startedAt;
    return complete(ctx, services, usage, markup, ttft);
  };
  // Counted in the token-count worker when the provider reported no usage. Only ever called once
  // the stream is over (the end hook, then finally), so one count serves both.
  let counted: Promise<UsageRecord> | undefined;
  const usageNow = async () => completed(await (counted ??= metered.usage(ctx.request, ctx.served?.pricing)));
  let last: StreamChunk | undefined;
  return ChatStream.from(stream).use({
    chunk(piece) {
      const usage = metered.observe(piece);
      last = piece;
      if (!usage) return piece;
      // This chunk reports usage, so it is there without counting: the hook stays synchronous.
      ctx.usage = completed(metered.reportedUsage(ctx.served?.pricing) as UsageRecord);
      const chunk = piece.chunk;
      // A new chunk, never an edit (see StreamChunk); Object.assign because a spread followed by
      // new properties costs microseconds on Node 20.
      if (clientWantsUsage) {
        const decorated = Object.assign({}, usage) as unknown as Record<string, unknown>;
        decorate(decorated, ctx.usage);
        return StreamChunk.of(Object.assign({}, chunk, { usage: decorated as unknown as Usage }));
      }
      if (chunk.choices.length === 0) return [];
      return StreamChunk.of(Object.assign({}, chunk, { usage: undefined }));
    },
    end() {
      // The client asked for a usage chunk the provider did not send: the gateway's count (estimated).
      if (!(clientWantsUsage && last && metered.reported == null && metered.hadOutput)) return;
      return estimatedUsageChunk(last);
    },
    finally(outcome, error) {
      if (outcome === 'error') ctx.error = toSwitchyardError(error);
      const done = () => finish(ctx, services, outcome, keepContent, keepContent ? metered.text : undefined);
      // No output, no charge.
      if (!metered.hadOutput) {
        ctx.usage = undefined;
        return done();
      }
      // Reported usage needs no count: the usual end stays synchronous (no promise per stream).
      const reported = metered.reportedUsage(ctx.served?.pricing);
      if (reported) {
        ctx.usage = completed(reported);
        return done();
      }
      // A cut stream is accounted for what was streamed (estimated).
      return usageNow().then((usage) => {
        ctx.usage = usage;
        done();
      });
    },
  });

  async function estimatedUsageChunk(last: StreamChunk): Promise<StreamChunk[]> {
    ctx.usage = await usageNow();
    const usage = wireUsage(ctx.usage, true);
    decorate(usage, ctx.usage);
    const { id, created, model } = last.chunk;
    return [
      StreamChunk.of({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [],
        usage: usage as Usage,
      }),
    ];
  }
}

function finish(
  ctx: GatewayContext,
  services: GatewayServices,
  outcome: Outcome,
  keepContent: boolean,
  streamedText?: string,
): void {
  const now = services.now();
  const ledger = services.ledger;
  if (ledger?.enabled) {
    ledger.record(
      buildLedgerRecord(ctx, {
        outcome,
        content: keepContent,
        now,
        ...(streamedText !== undefined ? { streamedText } : {}),
      }),
    );
  }
  logRequest(ctx, outcome, now);
  services.metrics?.request(ctx, outcome, now);
}

function logRequest(ctx: GatewayContext, outcome: Outcome, now: number): void {
  if (!ctx.log.isLevelEnabled('info')) return;
  const log = requestLineLogger(ctx.log);
  log.info(
    {
      requestId: ctx.requestId,
      operation: ctx.operation,
      outcome,
      status: ctx.error?.status ?? 200,
      code: ctx.error?.code,
      caller: ctx.caller?.id,
      team: ctx.caller?.team,
      model: ctx.request.model,
      provider: ctx.served?.provider,
      served: ctx.served?.model,
      attempts: ctx.attempts.length,
      promptTokens: ctx.usage?.promptTokens,
      completionTokens: ctx.usage?.completionTokens,
      estimated: ctx.usage?.estimated,
      costUsd: ctx.usage?.costUsd,
      chargedUsd: ctx.usage?.chargedUsd,
      ttftMs: ctx.usage?.ttftMs,
      byok: ctx.usage?.byok,
      durationMs: now - ctx.startedAt,
      traceId: ctx.state.traceId,
      cacheHit: ctx.usage?.cacheHit || undefined,
      zeroRetention: ctx.state.zeroRetention,
    },
    'request',
  );
}
