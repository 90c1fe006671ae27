/**
 * Guardrails: the built-in plugins and the guardrail stages. Hand extra guardrail plugins to a
 * gateway without publishing them to npm:
 *
 * @example
 * const stages = createGuardrailStages([myGuardrail]);
 * const gateway = await createGateway(config, { stages: [stages.input, stages.output] });
 */
import type { AnyGuardrailPlugin, StageFactory } from '../../core/index.js';
import { createInputGuardrailsStage } from '../stages/input-guardrails/index.js';
import { profileSource } from '../stages/input-guardrails/shared.js';
import { createOutputGuardrailsStage } from '../stages/output-guardrails/index.js';

export { builtinGuardrails } from './builtins.js';

export function createGuardrailStages(plugins: Iterable<AnyGuardrailPlugin>): {
  input: StageFactory<Record<string, never>>;
  output: StageFactory<Record<string, never>>;
} {
  const source = profileSource(plugins);
  return { input: createInputGuardrailsStage(source), output: createOutputGuardrailsStage(source) };
}
