/**
 * Budgets: spend caps in USD per key, team and project, per UTC day, month or in total, shared by
 * every instance through the state store. Before dispatch the request's worst-case cost is
 * reserved against each cap (all or nothing); a request that does not fit gets 402
 * SY_ERR_BUDGET_EXCEEDED without reaching a provider. Afterwards the reservation is settled to the
 * actual cost: a failed request is charged nothing, a stream cut by the client or the upstream is
 * charged for what was streamed. The store being unreachable fails closed (503).
 *
 * A policy rule's `budget: <name>` adds the caps of `budgets.profiles.<name>`, and its
 * `rateLimit: <name>` the limits of `limits.profiles.<name>` (429 when reached, counted here
 * because the limits stage runs before the policy); both are counted per team, else per key.
 *
 * It also narrows the plan to the providers and models the key's allow-lists permit.
 */
import {
  answerUsage,
  defineStage,
  ChatStream,
  StreamMeter,
  SwitchyardError,
  toMicros,
  type ChatCompletionChunk,
  type ChatContext,
  type GatewayContext,
  type GatewayServices,
  type ReserveResult,
  type UsageRecord,
} from '../../../core/index.js';
import { allowedCandidates } from '../auth/allow-list.js';
import { alertThresholds } from './alerts.js';
import { createChecks, enforceLimits } from '../limits/enforce.js';
import { capKey, capsFor, describeCap, unknownProfile, type Cap } from './caps.js';
import { settleWithRetry } from './settle.js';
import { worstCaseMicros } from './worst-case.js';

export const budgetsStage = defineStage<Record<string, never>>({
  name: 'budgets',
  replacesRequest: true,
  optionsSchema: { type: 'object', additionalProperties: false },
  create(_options, services) {
    const settings = services.config.accounting;
    const store = services.store;
    const ttlMs = settings.budgets.reservationTtlMs;
    // No caps anywhere, no profiles a policy rule could name and no source of per-caller caps or
    // allow-lists: the stage leaves the chain.
    const { keys, teams, projects } = settings.budgets;
    const rateLimitProfiles = settings.limits.profiles;
    const anyProfiles =
      Object.keys(settings.budgets.profiles).length > 0 || Object.keys(rateLimitProfiles).length > 0;
    const anyCaps =
      anyProfiles ||
      keys !== undefined ||
      teams !== undefined ||
      projects !== undefined ||
      Object.values(settings.teams).some((team) => team.budgets !== undefined) ||
      Object.values(settings.projects).some((project) => project.budgets !== undefined);
    const callersMayCarryCaps =
      services.identify !== undefined ||
      settings.adminKeyDigests.length > 0 ||
      settings.auth.keys.some((key) => {
        const k = key as { budgets?: unknown; allow?: unknown };
        return k.budgets !== undefined || k.allow !== undefined;
      });
    if (!anyCaps && !callersMayCarryCaps) return undefined;

    /** The plan's rate-limit profile, per team else key: a 429 once it is reached. */
    async function profileLimits(ctx: GatewayContext): Promise<void> {
      const name = ctx.plan?.rateLimit;
      if (name === undefined || !store) return;
      const limits = rateLimitProfiles[name];
      if (limits === undefined) throw unknownProfile('rateLimit', name);
      const { checks, add } = createChecks(ctx);
      const team = ctx.caller?.team;
      if (team !== undefined) add(`profile:${name}:team`, team, limits);
      else add(`profile:${name}:key`, ctx.caller?.keyId, limits);
      if (checks.length > 0) await enforceLimits(ctx, store, checks, settings.limits.onStoreError);
    }

    return async function budgets(ctx, next) {
      narrowPlan(ctx);
      // Answered already (a cache hit): nothing to count or reserve.
      if (ctx.response !== undefined || ctx.stream !== undefined || !store) return next();
      await profileLimits(ctx);
      const caps = capsFor(ctx, settings);
      if (caps.length === 0) return next();

      const now = services.now();
      const amount = worstCaseMicros(ctx, settings.budgets.defaultMaxOutputTokens);
      const keys = caps.map((cap) => capKey(cap, now));
      const id = ctx.requestId;
      const results = await Promise.allSettled(
        caps.map((cap, i) => store.reserve(keys[i] as string, amount, cap.capMicros, id, ttlMs)),
      );
      const held = keys.filter((_, i) => {
        const result = results[i];
        return result?.status === 'fulfilled' && result.value.ok;
      });
      const failed = results.find((result) => result.status === 'rejected');
      const refused = results.findIndex((result) => result.status === 'fulfilled' && !result.value.ok);
      if (failed) {
        // A timed-out reserve may still have run on the server: release every key (idempotent).
        void Promise.all(keys.map((key) => settleWithRetry(services, key, id, undefined)));
        throw (failed as PromiseRejectedResult).reason;
      }
      if (refused >= 0) {
        await Promise.allSettled(held.map((key) => store.release(key, id)));
        const cap = caps[refused] as Cap;
        const state = (results[refused] as PromiseFulfilledResult<ReserveResult>).value;
        throw new SwitchyardError(
          'SY_ERR_BUDGET_EXCEEDED',
          `Budget exceeded: the ${describeCap(cap)} has $${usd(cap.capMicros - state.spentMicros - state.reservedMicros)} left; this request may cost up to $${usd(amount)}. Lower max_tokens or wait for the next period.`,
        );
      }
      ctx.responseHeaders['x-switchyard-budget-reserved-usd'] = usd(amount);

      const finish = async (usage: UsageRecord | undefined): Promise<void> => {
        const actual = usage ? toMicros(usage.costUsd) : 0;
        await Promise.all(
          caps.map(async (cap, i) => {
            const key = keys[i] as string;
            const result = await settleWithRetry(services, key, id, usage ? actual : undefined);
            if (result?.applied && actual > 0) void alertThresholds(services, cap, key, result);
          }),
        );
      };

      try {
        await next();
      } catch (error) {
        await finish(undefined);
        throw error;
      }
      if (ctx.operation === 'chat' && ctx.stream) {
        ctx.stream = metered(ctx, ctx.stream, services, finish);
        return;
      }
      await finish(await answerUsage(ctx.request, ctx.response, ctx.served?.pricing));
    };
  },
});

function narrowPlan(ctx: GatewayContext): void {
  const allow = ctx.caller?.allow;
  if (!allow || !ctx.plan || (!allow.providers && !allow.models)) return;
  const candidates = allowedCandidates(ctx.plan.candidates, allow);
  if (candidates.length === 0) {
    throw new SwitchyardError(
      'SY_ERR_AUTH_FORBIDDEN',
      `This key may not use any provider that serves '${ctx.request.model}'.`,
      { param: 'model' },
    );
  }
  ctx.plan = { ...ctx.plan, candidates };
}

function metered(
  ctx: ChatContext,
  stream: AsyncIterable<ChatCompletionChunk>,
  services: GatewayServices,
  finish: (usage: UsageRecord | undefined) => Promise<void>,
): AsyncIterable<ChatCompletionChunk> {
  const meter = new StreamMeter(services.now);
  return ChatStream.from(stream).use({
    chunk(piece) {
      meter.observe(piece);
      return piece;
    },
    // Charged for what reached the caller: nothing when no output was streamed.
    finally: async () =>
      finish(meter.hadOutput ? await meter.usage(ctx.request, ctx.served?.pricing) : undefined),
  });
}

function usd(micros: number): string {
  return (Math.max(0, micros) / 1e6).toFixed(6);
}
