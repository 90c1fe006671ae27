/**
 * Stages whose place in the chain is fixed but whose built-in behaviour is still "let the
 * request through": input guardrails, data policy, output guardrails and cache. Their slots keep
 * the pipeline's order real, so replacing one from configuration changes nothing else.
 */
import { defineStage, type StageFactory } from '../../../core/index.js';

function passthrough(name: string): StageFactory<Record<string, never>> {
  return defineStage<Record<string, never>>({
    name,
    optionsSchema: { type: 'object', additionalProperties: false },
    create() {
      return function passThrough(_ctx, next) {
        return next();
      };
    },
  });
}

export const inputGuardrailsStage = passthrough('input-guardrails');
export const dataPolicyStage = passthrough('data-policy');
export const outputGuardrailsStage = passthrough('output-guardrails');
export const cacheStage = passthrough('cache');
