/**
 * The data-policy stage, after the policy: drops the plan's candidates that fail a data-handling
 * requirement (./requirements.ts lists where they come from), each with the reason. When none
 * remain the request fails with SY_ERR_DATA_POLICY_NO_PROVIDER, naming every requirement and why
 * each candidate failed it; no provider is called. A zero-retention requirement also makes the
 * request zero-retention for the gateway itself: `ctx.state.zeroRetention`, no cache, no content
 * in the ledger (logs never hold content).
 *
 * It must run after `policy` (it filters the plan); placed before it, it refuses requests.
 *
 * @example
 * // dataPolicy: { findings: { email: { zeroDataRetention: true, regions: [eu] } } }
 */
import {
  dataFilter,
  defineStage,
  SwitchyardError,
  type Candidate,
  type GatewayContext,
} from '../../../core/index.js';
import { describe, gatherRequirements, type SourcedRequirement } from './requirements.js';

export const dataPolicyStage = defineStage<Record<string, never>>({
  name: 'data-policy',
  replacesRequest: true,
  optionsSchema: { type: 'object', additionalProperties: false },
  create(_options, services) {
    const config = services.config.source.dataPolicy;
    // Not async: nothing to do on the way out, so no promise of its own on every request (a
    // throw becomes a rejection in the composer).
    return function dataPolicy(ctx, next) {
      const requirements = gatherRequirements(ctx, config);
      if (requirements.length > 0) apply(ctx, requirements);
      return next();
    };
  },
});

function apply(ctx: GatewayContext, requirements: readonly SourcedRequirement[]): void {
  const plan = ctx.plan;
  if (!plan) {
    throw new SwitchyardError(
      'SY_ERR_CONFIG_INVALID',
      "The data-policy stage runs before the policy stage: put 'data-policy' after 'policy' in the pipeline.",
    );
  }
  const zeroRetention = requirements.some(({ requirement }) => requirement.zeroDataRetention === true);
  const filters = requirements.map(({ source, requirement }) => ({
    source,
    requirement,
    filter: dataFilter(source, requirement),
  }));
  const kept: Candidate[] = [];
  const removed: { ref: string; requirement: string; reason: string }[] = [];
  for (const candidate of plan.candidates) {
    let failed = false;
    for (const { source, filter } of filters) {
      const reason = filter.reject({ entry: candidate.entry, weight: 1, fallback: false });
      if (reason !== undefined) {
        removed.push({ ref: candidate.entry.ref, requirement: source, reason });
        failed = true;
      }
    }
    if (!failed) kept.push(candidate);
  }
  ctx.state.dataPolicy = {
    zeroRetention,
    requirements: requirements.map(({ source, requirement }) => ({
      source,
      requirement: { ...requirement },
    })),
    removed,
  };
  const ledger = (ctx.state.ledger ??= {});
  ledger.dataPolicy = {
    zeroRetention,
    requirements: requirements.map((r) => r.source),
    removed: [...new Set(removed.map((r) => r.ref))],
  };
  if (zeroRetention) {
    ctx.state.zeroRetention = true;
    ctx.state.doNotCache ??= 'zero retention';
    ledger.content = false;
  }
  if (kept.length === 0) {
    const asked = requirements.map((r) => `${describe(r.requirement)} (from ${r.source})`).join('; ');
    const why = removed.map((r) => `${r.ref} fails ${r.requirement}: ${r.reason}`).join('; ');
    const reason = `No provider meets the data policy. Required: ${asked}. ${why || 'The plan had no candidates'}.`;
    ctx.state.blocked = {
      by: 'data-policy',
      phase: 'routing',
      code: 'SY_ERR_DATA_POLICY_NO_PROVIDER',
      reason,
    };
    ctx.state.doNotCache ??= reason;
    throw new SwitchyardError('SY_ERR_DATA_POLICY_NO_PROVIDER', reason);
  }
  if (removed.length > 0) ctx.plan = { ...plan, candidates: kept };
}
