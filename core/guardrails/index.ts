/** The guardrail contract, the plugin registry and the state guardrails share. docs/guardrails.md. */
export {
  GUARDRAIL_API_VERSION,
  defineGuardrail,
  type AnyGuardrailPlugin,
  type FindingLocation,
  type Guardrail,
  type GuardrailAction,
  type GuardrailDeps,
  type GuardrailFinding,
  type GuardrailPhase,
  type GuardrailPlugin,
  type GuardrailResult,
  type GuardrailSubject,
  type GuardrailText,
} from './types.js';
export { guardrailPackageName, isGuardrailPlugin, loadGuardrailPlugin } from './registry.js';
export type { AuditedFinding, BlockRecord, DataPolicyState, GuardrailState } from './state.js';
