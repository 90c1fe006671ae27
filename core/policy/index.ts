/** The policy language: loading, compiling, deciding, explaining. docs/policy-language.md. */
export {
  createPolicyEngine,
  loadPolicy,
  EMPTY_POLICY,
  type PolicyEngine,
  type PolicyEngineOptions,
  type LoadResult,
} from './engine.js';
export { decide, type Decision, type DecisionTrace, type DecideEnv } from './decide.js';
export {
  buildFacts,
  parseLabels,
  type DecisionInput,
  type Facts,
  type PolicyFinding,
  type RequestFacts,
} from './facts.js';
export { compactTrace, explainConditions, formatExplanation } from './explain.js';
export { createPolicyCatalog, policyRevision, resolveRef, type PolicyCatalog } from './policy-catalog.js';
export {
  createOperatorRegistry,
  policyOperators,
  registerBuiltinOperators,
  type OperatorInfo,
  type OperatorRegistry,
  type PolicyOperator,
} from './operators.js';
export { compileLogic, truthy, STANDARD_OPERATORS, type CompileEnv, type Evaluate } from './logic.js';
export { createStatsTracker, type CandidateStat, type StatsTracker } from './stats.js';
export { isPolicyTestFile, policyFiles, parseChecked, policySchema, policyTestSchema } from './loader.js';
export { complexityScore, complexityTier } from './complexity.js';
export type * from './types.js';
