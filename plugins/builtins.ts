/** The plugins that ship with Switchyard, registered by name in every gateway. */
import type { AnyProviderPlugin, AnyStageFactory } from '../core/index.js';
import { openaiCompatiblePlugin } from './providers/openai-compatible/index.js';
import { mockPlugin } from './providers/mock/index.js';
import { accountingStage } from './stages/accounting/index.js';
import { authStage } from './stages/auth/index.js';
import { policyStage } from './stages/policy/index.js';
import { routeStage } from './stages/route/index.js';
import {
  cacheStage,
  dataPolicyStage,
  inputGuardrailsStage,
  outputGuardrailsStage,
} from './stages/passthrough/index.js';

export const builtinProviderPlugins: readonly AnyProviderPlugin[] = [
  openaiCompatiblePlugin as AnyProviderPlugin,
  mockPlugin as AnyProviderPlugin,
];

export const builtinStages: readonly AnyStageFactory[] = [
  accountingStage,
  authStage,
  inputGuardrailsStage,
  dataPolicyStage,
  policyStage,
  outputGuardrailsStage,
  cacheStage,
  routeStage,
] as AnyStageFactory[];
