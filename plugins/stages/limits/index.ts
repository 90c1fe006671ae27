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
import { defineStage, type GatewayContext, type RateLimitConfig } from '../../../core/index.js';
import { createChecks, enforceLimits, type LimitCheck } from './enforce.js';

export const limitsStage = defineStage<Record<string, never>>({
  name: 'limits',
  replacesRequest: true,
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
    // static keys with limits): the stage leaves the chain. (`limits.profiles`, named by policy
    // rules, are enforced by the budgets stage, after the policy.)
    const callersMayCarryLimits =
      services.identify !== undefined ||
      settings.adminKeyDigests.length > 0 ||
      settings.auth.keys.some((key) => (key as { limits?: unknown }).limits !== undefined);
    if (!anyLimits && !callersMayCarryLimits) return undefined;

    function checksFor(ctx: GatewayContext): LimitCheck[] {
      const { checks, add } = createChecks(ctx);
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
      await enforceLimits(ctx, store, checks, config.onStoreError);
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
