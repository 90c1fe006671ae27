/**
 * One more answer from the next candidate of the plan, for an output guardrail that asked for a
 * retry (`json-schema`). The attempt is recorded like any other; the failed answer's tokens are
 * not priced (accounting sees the answer that is kept).
 */
import { runWithFailover, type ChatContext, type GatewayServices } from '../../../core/index.js';
import type { Redispatch } from '../../guardrails/runtime/index.js';

export function redispatcher(ctx: ChatContext, services: GatewayServices): Redispatch {
  return async () => {
    const candidates = ctx.plan?.candidates ?? [];
    const at = candidates.findIndex((candidate) => candidate.entry.ref === ctx.served?.ref);
    const next = at === -1 ? undefined : candidates[at + 1];
    const provider = next && services.providers.get(next.entry.provider);
    if (!next || !provider) return false;
    try {
      const credentials = ctx.caller?.credentials?.[next.entry.provider];
      const { value } = await runWithFailover({
        candidates: [next],
        policy: services.config.failover,
        signal: ctx.signal,
        startedAt: ctx.startedAt,
        now: services.now,
        attempts: ctx.attempts,
        call: async (candidate, signal) =>
          (
            await provider.chat(ctx.request, {
              signal,
              upstreamModel: candidate.entry.upstreamModel,
              ...(credentials ? { credentials } : {}),
            })
          ).response,
      });
      ctx.response = value;
      ctx.served = next.entry;
      ctx.responseHeaders['x-switchyard-provider'] = next.entry.provider;
      ctx.responseHeaders['x-switchyard-model'] = next.entry.model;
      ctx.responseHeaders['x-switchyard-attempts'] = String(ctx.attempts.length);
      return true;
    } catch (error) {
      ctx.log.warn({ requestId: ctx.requestId, err: error }, 'guardrail retry on the next candidate failed');
      return false;
    }
  };
}
