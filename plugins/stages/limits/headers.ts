import type { RateLimitResult } from '../../../core/index.js';

/** OpenAI's reset format: `60ms`, `1.5s`, `6m0s`. */
export function resetText(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${Math.round(seconds * 1000) / 1000}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${Math.round(seconds - minutes * 60)}s`;
}

export interface LimitOutcome {
  kind: 'requests' | 'tokens';
  limit: number;
  result: RateLimitResult;
}

/**
 * `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` for the tightest limit of each kind
 * (the one with the least left), as OpenAI sends them.
 */
export function rateLimitHeaders(outcomes: readonly LimitOutcome[], target: Record<string, string>): void {
  for (const kind of ['requests', 'tokens'] as const) {
    let tightest: LimitOutcome | undefined;
    for (const outcome of outcomes) {
      if (outcome.kind !== kind) continue;
      if (!tightest || outcome.result.remaining < tightest.result.remaining) tightest = outcome;
    }
    if (!tightest) continue;
    // A later stage (a policy rule's profile) adds its limits: the tighter one stays in the headers.
    const earlier = target[`x-ratelimit-remaining-${kind}`];
    if (earlier !== undefined && Number(earlier) < tightest.result.remaining) continue;
    target[`x-ratelimit-limit-${kind}`] = String(tightest.limit);
    target[`x-ratelimit-remaining-${kind}`] = String(Math.max(0, tightest.result.remaining));
    target[`x-ratelimit-reset-${kind}`] = resetText(tightest.result.resetMs);
  }
}
