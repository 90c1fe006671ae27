/**
 * The guardrail contract. A guardrail looks at text — the prompt before routing (`input`), the
 * answer after the provider replied (`output`; for streams, the text accumulated so far) — and
 * reports findings. What happens then is the profile's choice (`action`), unless the guardrail
 * itself rules (`verdict`): a classifier that says "deny" denies whatever the profile's action.
 *
 * Guardrails are plugins: built in, handed to the gateway, or npm packages named
 * `switchyard-guardrail-<name>` that export a GuardrailPlugin. docs/guardrails.md.
 */
import type { Logger } from '../logger.js';
import type { JsonSchema } from '../provider.js';
import type { ChatCompletionRequest, EmbeddingsRequest } from '../types/openai.js';

/** The contract version; a plugin declaring another one is refused at boot. */
export const GUARDRAIL_API_VERSION = 1;

export type GuardrailPhase = 'input' | 'output';

/**
 * What a profile entry does with findings:
 * - `deny`: refuse the request (input) or the answer (output) with SY_ERR_GUARDRAIL_DENIED;
 * - `redact`: replace each located finding with `[TYPE]`;
 * - `pseudonymize`: replace each located finding with a reversible token and restore the tokens
 *   in the answer (input only; PII entity types only);
 * - `label`: let the request through and publish the findings as facts (`findings`) that the
 *   policy and the data policy route on.
 */
export type GuardrailAction = 'deny' | 'redact' | 'pseudonymize' | 'label';

/** One text a guardrail sees: a message (or one text part of it), or a choice of the answer. */
export interface GuardrailText {
  readonly text: string;
  /** The author: `user`, `system`, `tool`, … for input; `assistant` for output. */
  readonly role: string;
  /** Where it is, for findings and audit: `messages[2].content`, `choices[0]`, `input[1]`. */
  readonly path: string;
}

export interface GuardrailSubject {
  readonly phase: GuardrailPhase;
  readonly operation: 'chat' | 'embeddings';
  readonly texts: readonly GuardrailText[];
  /** The request as it stands (after earlier guardrails rewrote it). Read-only. */
  readonly request: Readonly<ChatCompletionRequest> | Readonly<EmbeddingsRequest>;
  /** Output of a stream: false while more text may follow, true on the complete answer. */
  readonly final: boolean;
  /** Aborted when the client leaves; a guardrail doing I/O must honour it. */
  readonly signal: AbortSignal;
}

/** Where a finding is: the index into `subject.texts` and the span in that text. */
export interface FindingLocation {
  readonly text: number;
  readonly start: number;
  readonly end: number;
}

export interface GuardrailFinding {
  /** The entity or category: `email`, `card`, `deny_list`, `prompt_injection`, … */
  readonly type: string;
  /** Confidence in [0, 1]. */
  readonly score: number;
  /** Absent when the finding is about the whole subject (too many messages, a classifier). */
  readonly location?: FindingLocation;
  /** A short explanation safe to log: never the matched content. */
  readonly detail?: string;
}

export interface GuardrailResult {
  findings: GuardrailFinding[];
  /**
   * The guardrail's own ruling, overriding the profile's action: `allow` lets the subject through
   * whatever the findings, `deny` refuses it. Absent: findings trigger the profile's action.
   */
  verdict?: 'allow' | 'deny';
  /** Shown to the client on a denial; never include the matched content. */
  message?: string;
  /**
   * Output only: another candidate might answer acceptably (a malformed JSON answer). The
   * output-guardrails stage then asks the next candidate of the plan once before acting.
   */
  retry?: boolean;
}

export interface Guardrail {
  check(subject: GuardrailSubject): GuardrailResult | Promise<GuardrailResult>;
}

export interface GuardrailDeps {
  logger: Logger;
  /** Milliseconds since the epoch. */
  now: () => number;
}

export interface GuardrailPlugin<Options = Record<string, unknown>> {
  /** Must equal GUARDRAIL_API_VERSION. */
  readonly apiVersion: number;
  /** The name profiles use (`guardrail: pii`). */
  readonly name: string;
  readonly description?: string;
  /** JSON Schema of the entry's `options`; checked at boot. */
  readonly optionsSchema: JsonSchema;
  /** The phases it can run in. */
  readonly phases: readonly GuardrailPhase[];
  /** The actions a profile may pick; `redact` and `pseudonymize` need located findings. */
  readonly actions: readonly GuardrailAction[];
  create(options: Options, deps: GuardrailDeps): Guardrail;
}

/** Keeps a plugin's option type. */
export function defineGuardrail<Options>(plugin: GuardrailPlugin<Options>): GuardrailPlugin<Options> {
  return plugin;
}

export type AnyGuardrailPlugin = GuardrailPlugin<never>;
