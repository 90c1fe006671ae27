/**
 * Which guardrail profile a request gets: the policy rule's (`guardrails:` in a rule, on the
 * plan), else the caller's key label `guardrails`, else `guardrails.default`, else none.
 */
import type { GatewayContext } from '../../../core/index.js';
import { requireProfile, type CompiledProfile, type CompiledProfiles } from './profiles.js';

export function selectProfile(ctx: GatewayContext, profiles: CompiledProfiles): CompiledProfile | undefined {
  if (ctx.plan?.guardrails) {
    return requireProfile(profiles, ctx.plan.guardrails, `policy rule '${ctx.plan.decidedBy}'`);
  }
  const label = ctx.caller?.labels.guardrails;
  if (label) return requireProfile(profiles, label, `the key label guardrails=${label}`);
  if (profiles.default) return requireProfile(profiles, profiles.default, 'guardrails.default');
  return undefined;
}
