import { costUsd, estimatePromptTokens, toMicros, type GatewayContext } from '../../../core/index.js';

/**
 * The most this request can cost: estimated prompt tokens at the input price plus the most output
 * tokens it may produce at the output price, for the priciest candidate of the plan (failover may
 * end on any of them). Output is bounded by the request's max_tokens, else the model's
 * maxOutputTokens, else `defaultMaxOutputTokens`; times `n` choices.
 */
export function worstCaseMicros(ctx: GatewayContext, defaultMaxOutputTokens: number): number {
  const prompt = estimatePromptTokens(ctx.request);
  const requested =
    ctx.operation === 'chat' ? (ctx.request.max_completion_tokens ?? ctx.request.max_tokens) : 0;
  const choices = ctx.operation === 'chat' ? (ctx.request.n ?? 1) : 1;
  let worst = 0;
  for (const { entry } of ctx.plan?.candidates ?? []) {
    const output =
      ctx.operation === 'chat' ? (requested ?? entry.maxOutputTokens ?? defaultMaxOutputTokens) * choices : 0;
    worst = Math.max(worst, costUsd(prompt, 0, output, entry.pricing));
  }
  return toMicros(worst);
}
