/** How guardrail profiles run inside the guardrail stages; docs/guardrails.md. */
export {
  compileProfiles,
  requireProfile,
  STREAM_DEFAULTS,
  type CompiledEntry,
  type CompiledProfile,
  type CompiledProfiles,
} from './profiles.js';
export { guardInput } from './input.js';
export { answerChecker, guardAnswer, keepable, type AnswerChecker, type Redispatch } from './output.js';
export { guardStream, type StreamGuardOptions } from './output-stream.js';
export { runPhase, recordFindings, denial, type PhaseOutcome, type EntryOutcome } from './run.js';
export { applyRewrites, redactionLabel, type Rewrite } from './rewrite.js';
export { selectProfile } from './select.js';
