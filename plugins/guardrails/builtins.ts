/** The guardrails that ship with Switchyard, by name. docs/guardrails.md. */
import type { AnyGuardrailPlugin } from '../../core/index.js';
import { denyListGuardrail } from './deny-list/index.js';
import { jsonSchemaGuardrail } from './json-schema/index.js';
import { limitsGuardrail } from './limits/index.js';
import { piiGuardrail } from './pii/guardrail.js';
import { promptInjectionGuardrail } from './prompt-injection/index.js';
import { regexGuardrail } from './regex/index.js';
import { webhookGuardrail } from './webhook/index.js';

export const builtinGuardrails: readonly AnyGuardrailPlugin[] = [
  piiGuardrail,
  denyListGuardrail,
  regexGuardrail,
  limitsGuardrail,
  promptInjectionGuardrail,
  jsonSchemaGuardrail,
  webhookGuardrail,
] as AnyGuardrailPlugin[];
