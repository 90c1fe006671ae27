/** Configuration of guardrail profiles and the data policy (docs/guardrails.md). */
import type { GuardrailAction } from '../guardrails/types.js';
import type { DataRequirements } from '../policy/types.js';

export interface GuardrailEntryConfig {
  /** A built-in guardrail (`pii`, `regex`, …), a registered one, or an npm `switchyard-guardrail-<name>`. */
  guardrail: string;
  /** The guardrail's own options, checked against its schema at boot. */
  options?: Record<string, unknown>;
  /** When it runs; default `input`. */
  on?: 'input' | 'output' | 'both';
  /** What findings do; default `deny`. */
  action?: GuardrailAction;
  /** HTTP status of a denial (default 400). */
  status?: number;
  /** Names the entry in findings and errors when one guardrail appears twice; default the guardrail. */
  name?: string;
}

export interface GuardrailsConfig {
  /** The profile for requests whose policy rule and key name none. */
  default?: string;
  profiles?: Record<string, GuardrailEntryConfig[]>;
  /** Output streams are checked each time this many new characters arrived (default 256). */
  streamWindow?: number;
  /**
   * Characters held back from the client at the edge of a streamed answer, so a value split
   * across two checks is still caught whole (default 64).
   */
  streamHoldBack?: number;
}

export type DataRequirementsConfig = DataRequirements;

export interface DataPolicyConfig {
  /** The request header that asks for zero retention (`1` or `true`); default `x-switchyard-zdr`. */
  zdrHeader?: string;
  /** Requirements by the caller's team. */
  teams?: Record<string, DataRequirementsConfig>;
  /** Requirements by a caller label, written `name=value` (`data=restricted`). */
  labels?: Record<string, DataRequirementsConfig>;
  /** Requirements by guardrail finding type (`email`, `card`, …; `*` for any finding). */
  findings?: Record<string, DataRequirementsConfig>;
}
