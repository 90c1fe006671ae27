/**
 * Turns a provider's usage report into the gateway's usage record and its cost from catalog
 * prices (USD per million tokens). Cached prompt tokens are priced at the cached rate.
 */
import type { ModelPricing } from './config/types.js';
import type { UsageRecord } from './context.js';
import type { Usage } from './types/openai.js';

/** The usage fields read; embeddings responses carry only prompt tokens. */
export type ReportedUsage = Pick<Usage, 'prompt_tokens'> & Partial<Usage>;

export function usageRecord(
  usage: ReportedUsage | null | undefined,
  pricing: ModelPricing | undefined,
): UsageRecord | undefined {
  if (!usage) return undefined;
  const promptTokens = usage.prompt_tokens ?? 0;
  const completionTokens = usage.completion_tokens ?? 0;
  const cachedTokens = Math.min(promptTokens, usage.prompt_tokens_details?.cached_tokens ?? 0);
  const reasoningTokens = usage.completion_tokens_details?.reasoning_tokens ?? 0;
  return {
    promptTokens,
    completionTokens,
    cachedTokens,
    reasoningTokens,
    costUsd: costUsd(promptTokens, cachedTokens, completionTokens, pricing),
  };
}

export function costUsd(
  promptTokens: number,
  cachedTokens: number,
  completionTokens: number,
  pricing: ModelPricing | undefined,
): number {
  if (!pricing) return 0;
  const uncached = promptTokens - cachedTokens;
  const micro =
    uncached * pricing.input +
    cachedTokens * (pricing.cachedInput ?? pricing.input) +
    completionTokens * pricing.output;
  // Prices are per million tokens; round to a nano-dollar so sums do not show float dust.
  return Math.round(micro * 1000) / 1e9;
}
