/**
 * The input-guardrails stage, before the policy: runs the input entries of the caller's profile
 * (key label `guardrails`, else `guardrails.default`; the policy rule's profile when this stage
 * is placed after the policy) over the prompt. Denials never reach a provider; redactions and
 * pseudonyms rewrite the request; findings become the policy's `findings` fact. On the way back
 * it restores pseudonymized values in the answer, JSON or stream.
 *
 * @example
 * // guardrails: { default: standard, profiles: { standard: [{ guardrail: pii, action: pseudonymize }] } }
 */
import { defineStage, type StageFactory } from '../../../core/index.js';
import { guardInput, selectProfile } from '../../guardrails/runtime/index.js';
import { profileSource, restoreAnswer, type ProfileSource } from './shared.js';

export function createInputGuardrailsStage(source: ProfileSource): StageFactory<Record<string, never>> {
  return defineStage<Record<string, never>>({
    name: 'input-guardrails',
    replacesRequest: true,
    optionsSchema: { type: 'object', additionalProperties: false },
    create(_options, services) {
      const profiles = source(services);
      // No profile configured: nothing to check, so the stage stays out of the chain.
      if (profiles.size === 0) return undefined;
      return async function inputGuardrails(ctx, next) {
        const profile = selectProfile(ctx, profiles);
        const pseudonymizer = profile ? await guardInput(ctx, profile) : undefined;
        await next();
        restoreAnswer(ctx, pseudonymizer);
      };
    },
  });
}

export const inputGuardrailsStage = createInputGuardrailsStage(profileSource());
