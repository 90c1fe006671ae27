/**
 * The output-guardrails stage, the guardrail stage after the policy. On the way in it runs the
 * input entries of the profile the policy chose when that differs from the one input-guardrails
 * already ran (the request still has not reached a provider). On the way back it runs the
 * profile's output entries: over the complete answer, or over a stream's text as it accumulates
 * (`guardrails.streamWindow`, `streamHoldBack`). It sits outside the cache, so cached answers
 * are checked too.
 *
 * @example
 * // guardrails: { profiles: { strict: [{ guardrail: deny-list, options: { terms: [falcon] }, on: both, action: redact }] } }
 */
import { defineStage, type StageFactory } from '../../../core/index.js';
import {
  answerChecker,
  guardAnswer,
  guardInput,
  guardStream,
  keepable,
  selectProfile,
} from '../../guardrails/runtime/index.js';
import { profileSource, restoreAnswer, type ProfileSource } from '../input-guardrails/shared.js';
import { redispatcher } from './redispatch.js';

export function createOutputGuardrailsStage(source: ProfileSource): StageFactory<Record<string, never>> {
  return defineStage<Record<string, never>>({
    name: 'output-guardrails',
    replacesRequest: true,
    optionsSchema: { type: 'object', additionalProperties: false },
    create(_options, services) {
      const profiles = source(services);
      // No profile configured: nothing to check, so the stage stays out of the chain.
      if (profiles.size === 0) return undefined;
      const window = { window: profiles.streamWindow, holdBack: profiles.streamHoldBack };
      return async function outputGuardrails(ctx, next) {
        const profile = selectProfile(ctx, profiles);
        const ran = ctx.state.guardrails?.inputProfiles ?? [];
        const pseudonymizer =
          profile && !ran.includes(profile.name) ? await guardInput(ctx, profile) : undefined;
        if (!profile || profile.output.length === 0 || ctx.operation !== 'chat') {
          await next();
          return restoreAnswer(ctx, pseudonymizer);
        }
        const check = answerChecker(ctx, profile);
        // Stages inside this one that keep answers (the cache) ask before storing one.
        ctx.state.answerGate = (answer) => keepable(check, answer);
        await next();
        if (ctx.stream) ctx.stream = guardStream(ctx, ctx.stream, profile, window);
        else await guardAnswer(ctx, check, redispatcher(ctx, services));
        restoreAnswer(ctx, pseudonymizer);
      };
    },
  });
}

export const outputGuardrailsStage = createOutputGuardrailsStage(profileSource());
