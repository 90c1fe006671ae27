/** The plugins that ship with Switchyard, registered by name in every gateway. */
import type { AnyProviderPlugin, AnyStageFactory } from '../core/index.js';
import { anthropicPlugin } from './providers/anthropic/index.js';
import { geminiPlugin } from './providers/gemini/index.js';
import { openaiCompatiblePlugin } from './providers/openai-compatible/index.js';
import { mockPlugin } from './providers/mock/index.js';
import { accountingStage } from './stages/accounting/index.js';
import { authStage } from './stages/auth/index.js';
import { budgetsStage } from './stages/budgets/index.js';
import { limitsStage } from './stages/limits/index.js';
import { policyStage } from './stages/policy/index.js';
import { routeStage } from './stages/route/index.js';
import { cacheStage } from './stages/cache/index.js';
import { dataPolicyStage } from './stages/data-policy/index.js';
import { inputGuardrailsStage } from './stages/input-guardrails/index.js';
import { outputGuardrailsStage } from './stages/output-guardrails/index.js';

export const builtinProviderPlugins: readonly AnyProviderPlugin[] = [
  openaiCompatiblePlugin as AnyProviderPlugin,
  anthropicPlugin as AnyProviderPlugin,
  geminiPlugin as AnyProviderPlugin,
  mockPlugin as AnyProviderPlugin,
];

export const builtinStages: readonly AnyStageFactory[] = [
  accountingStage,
  authStage,
  limitsStage,
  inputGuardrailsStage,
  dataPolicyStage,
  policyStage,
  outputGuardrailsStage,
  cacheStage,
  budgetsStage,
  routeStage,
] as AnyStageFactory[];
