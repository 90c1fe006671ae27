/**
 * The rate-limit check itself, shared by the limits stage (key, team and model limits) and the
 * budgets stage (a policy rule's `rateLimit` profile, known only after the policy decided).
 */
import {
  estimatePromptTokens,
  StoreUnavailableError,
  SwitchyardError,
  type GatewayContext,
  type RateLimitConfig,
  type RateLimitResult,
  type StateStore,
} from '../../../core/index.js';
import { rateLimitHeaders, type LimitOutcome } from './headers.js';

const WINDOW_MS = 60_000;

export interface LimitCheck {
  /** Names the limit in messages and in its store key (`rl:<scope>:<id>:<kind>`). */
  scope: string;
  id: string;
  kind: 'requests' | 'tokens';
  limit: number;
  cost: number;
}

/** Collects the checks of one limit set; tokens are estimated once per request. */
export function createChecks(ctx: GatewayContext): {
  checks: LimitCheck[];
  add(scope: string, id: string | undefined, limits: RateLimitConfig | undefined): void;
} {
  const checks: LimitCheck[] = [];
  let tokens: number | undefined;
  return {
    checks,
    add(scope, id, limits) {
      if (id === undefined || limits === undefined) return;
      if (limits.rpm !== undefined) checks.push({ scope, id, kind: 'requests', limit: limits.rpm, cost: 1 });
      if (limits.tpm !== undefined) {
        tokens ??= admissionTokens(ctx);
        checks.push({ scope, id, kind: 'tokens', limit: limits.tpm, cost: tokens });
      }
    },
  };
}

/**
 * Counts the request against every check in the store's sliding windows and sets the
 * `x-ratelimit-*` headers; throws 429 SY_ERR_RATE_LIMITED when one refuses. Returns false when the
 * store could not answer and `onStoreError` is `open` (the request goes on unmetered, logged).
 */
export async function enforceLimits(
  ctx: GatewayContext,
  store: StateStore,
  checks: readonly LimitCheck[],
  onStoreError: 'open' | 'closed',
): Promise<boolean> {
  const tooLarge = checks.find((check) => check.cost > check.limit);
  if (tooLarge) {
    throw new SwitchyardError(
      'SY_ERR_RATE_LIMITED',
      `The request needs about ${tooLarge.cost} tokens, more than the ${tooLarge.scope} limit of ${tooLarge.limit} tokens per minute; lower max_tokens or shorten the prompt.`,
    );
  }
  let results: RateLimitResult[];
  try {
    results = await Promise.all(
      checks.map((check) =>
        store.rateLimitHit(`rl:${check.scope}:${check.id}:${check.kind}`, check.limit, WINDOW_MS, check.cost),
      ),
    );
  } catch (error) {
    if (!(error instanceof StoreUnavailableError) || onStoreError === 'closed') throw error;
    ctx.log.warn({ requestId: ctx.requestId, err: error }, 'rate limits not applied: store unavailable');
    ctx.responseHeaders['x-switchyard-ratelimit'] = 'unmetered';
    return false;
  }
  const outcomes: LimitOutcome[] = checks.map((check, i) => ({
    kind: check.kind,
    limit: check.limit,
    result: results[i] as RateLimitResult,
  }));
  rateLimitHeaders(outcomes, ctx.responseHeaders);
  const refused = checks.findIndex((_, i) => !(results[i] as RateLimitResult).allowed);
  if (refused >= 0) {
    const check = checks[refused] as LimitCheck;
    const retryAfterMs = Math.max(
      ...results.filter((result) => !result.allowed).map((result) => result.retryAfterMs),
    );
    const unit = check.kind === 'requests' ? 'requests' : 'tokens';
    throw new SwitchyardError(
      'SY_ERR_RATE_LIMITED',
      `Rate limit reached for ${check.scope} ${check.id}: ${check.limit} ${unit} per minute. Retry after ${Math.ceil(retryAfterMs / 1000)} s.`,
      { retryAfterMs, headers: { ...ctx.responseHeaders } },
    );
  }
  return true;
}

function admissionTokens(ctx: GatewayContext): number {
  const prompt = estimatePromptTokens(ctx.request);
  if (ctx.operation !== 'chat') return prompt;
  const max = ctx.request.max_completion_tokens ?? ctx.request.max_tokens ?? 0;
  return prompt + max * (ctx.request.n ?? 1);
}
