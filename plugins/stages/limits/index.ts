/**
 * Rate limits: requests and tokens per minute for the key, its team and the requested model,
 * counted in the shared store's sliding windows, so every instance enforces one limit. A refused
 * request gets 429 SY_ERR_RATE_LIMITED with `Retry-After`; every answer carries OpenAI's
 * `x-ratelimit-*` headers for the tightest limit.
 *
 * Tokens are counted at admission: the estimated prompt plus the request's `max_tokens` (or
 * `max_completion_tokens`) when it sets one. When the store cannot answer, `limits.onStoreError`
 * decides: `open` (default) lets the request through unmetered and logs it, `closed` answers 503.
 */
import {
  defineStage,
  estimatePromptTokens,
  StoreUnavailableError,
  SwitchyardError,
  type GatewayContext,
  type RateLimitConfig,
  type RateLimitResult,
} from '../../../core/index.js';
import { rateLimitHeaders, type LimitOutcome } from './headers.js';

const WINDOW_MS = 60_000;

interface Check {
  scope: string;
  id: string;
  kind: 'requests' | 'tokens';
  limit: number;
  cost: number;
}

export const limitsStage = defineStage<Record<string, never>>({
  name: 'limits',
  optionsSchema: { type: 'object', additionalProperties: false },
  create(_options, services) {
    const settings = services.config.accounting;
    const config = settings.limits;
    const store = services.store;
    const anyLimits =
      config.keys !== undefined ||
      config.teams !== undefined ||
      config.models !== undefined ||
      Object.values(settings.teams).some((team) => team.limits !== undefined);
    // Nothing configured and no source of per-caller limits (virtual keys, a host's identify,
    // static keys with limits): the stage leaves the chain.
    const callersMayCarryLimits =
      services.identify !== undefined ||
      settings.adminKeyDigests.length > 0 ||
      settings.auth.keys.some((key) => (key as { limits?: unknown }).limits !== undefined);
    if (!anyLimits && !callersMayCarryLimits) return undefined;

    function checksFor(ctx: GatewayContext): Check[] {
      const checks: Check[] = [];
      let tokens: number | undefined;
      const add = (scope: string, id: string | undefined, limits: RateLimitConfig | undefined) => {
        if (id === undefined || limits === undefined) return;
        if (limits.rpm !== undefined)
          checks.push({ scope, id, kind: 'requests', limit: limits.rpm, cost: 1 });
        if (limits.tpm !== undefined) {
          tokens ??= admissionTokens(ctx);
          checks.push({ scope, id, kind: 'tokens', limit: limits.tpm, cost: tokens });
        }
      };
      const caller = ctx.caller;
      add('key', caller?.keyId, merge(config.keys, caller?.limits));
      const team = caller?.team;
      add('team', team, merge(config.teams, team !== undefined ? settings.teams[team]?.limits : undefined));
      add('model', ctx.request.model, config.models?.[ctx.request.model] ?? config.models?.['*']);
      return checks;
    }

    return async function limits(ctx, next) {
      if (!anyLimits && ctx.caller?.limits === undefined) return next();
      const checks = checksFor(ctx);
      if (checks.length === 0 || !store) return next();
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
            store.rateLimitHit(
              `rl:${check.scope}:${check.id}:${check.kind}`,
              check.limit,
              WINDOW_MS,
              check.cost,
            ),
          ),
        );
      } catch (error) {
        if (!(error instanceof StoreUnavailableError) || config.onStoreError === 'closed') throw error;
        ctx.log.warn({ requestId: ctx.requestId, err: error }, 'rate limits not applied: store unavailable');
        ctx.responseHeaders['x-switchyard-ratelimit'] = 'unmetered';
        return next();
      }
      const outcomes: LimitOutcome[] = checks.map((check, i) => ({
        kind: check.kind,
        limit: check.limit,
        result: results[i] as RateLimitResult,
      }));
      rateLimitHeaders(outcomes, ctx.responseHeaders);
      const refused = checks.findIndex((_, i) => !(results[i] as RateLimitResult).allowed);
      if (refused >= 0) {
        const check = checks[refused] as Check;
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
      await next();
    };
  },
});

function merge(
  base: RateLimitConfig | undefined,
  own: RateLimitConfig | undefined,
): RateLimitConfig | undefined {
  if (!base) return own;
  if (!own) return base;
  return { ...base, ...own };
}

function admissionTokens(ctx: GatewayContext): number {
  const prompt = estimatePromptTokens(ctx.request);
  if (ctx.operation !== 'chat') return prompt;
  const max = ctx.request.max_completion_tokens ?? ctx.request.max_tokens ?? 0;
  return prompt + max * (ctx.request.n ?? 1);
}
