/**
 * Accounting, the outermost stage: it sees every request leave, answered, failed or cut. It
 * prices the usage, adds `usage.cost` and the cost header, hides the usage chunk from a
 * streaming client that did not ask for it, and writes one log line per request.
 */
import {
  defineStage,
  toSwitchyardError,
  usageRecord,
  type ChatCompletionChunk,
  type ChatContext,
  type GatewayContext,
} from '../../../core/index.js';

export const accountingStage = defineStage<Record<string, never>>({
  name: 'accounting',
  optionsSchema: { type: 'object', additionalProperties: false },
  create() {
    return async function accounting(ctx, next) {
      try {
        await next();
      } catch (error) {
        ctx.error = toSwitchyardError(error);
        logRequest(ctx, 'error');
        throw error;
      }
      if (ctx.operation === 'chat' && ctx.stream) {
        ctx.stream = meter(ctx, ctx.stream);
        return;
      }
      const usage = ctx.response?.usage;
      ctx.usage = usageRecord(usage, ctx.served?.pricing);
      if (usage && ctx.usage) {
        usage.cost = ctx.usage.costUsd;
        ctx.responseHeaders['x-switchyard-cost-usd'] = ctx.usage.costUsd.toFixed(9);
      }
      logRequest(ctx, 'ok');
    };
  },
});

async function* meter(
  ctx: ChatContext,
  stream: AsyncIterable<ChatCompletionChunk>,
): AsyncGenerator<ChatCompletionChunk> {
  const clientWantsUsage = ctx.request.stream_options?.include_usage === true;
  let outcome: 'ok' | 'error' | 'closed' = 'closed';
  try {
    for await (const chunk of stream) {
      if (chunk.usage) {
        ctx.usage = usageRecord(chunk.usage, ctx.served?.pricing);
        if (ctx.usage) chunk.usage.cost = ctx.usage.costUsd;
        if (!clientWantsUsage) {
          if (chunk.choices.length === 0) continue;
          delete chunk.usage;
        }
      }
      yield chunk;
    }
    outcome = 'ok';
  } catch (error) {
    ctx.error = toSwitchyardError(error);
    outcome = 'error';
    throw error;
  } finally {
    logRequest(ctx, outcome);
  }
}

function logRequest(ctx: GatewayContext, outcome: 'ok' | 'error' | 'closed'): void {
  const log = ctx.log;
  if (!log.isLevelEnabled('info')) return;
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
      costUsd: ctx.usage?.costUsd,
      durationMs: ctx.services.now() - ctx.startedAt,
    },
    'request',
  );
}
