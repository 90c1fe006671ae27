/**
 * What the guardrail and data-policy stages tell the rest of the chain through `ctx.state`.
 * Other stages honour it: the cache skips `doNotCache`, the ledger keeps no content when
 * `zeroRetention` is set (the data-policy stage also sets `ledger.content = false`), and the
 * accounting log line never holds content in any case.
 */
import type { ChatCompletion } from '../types/openai.js';
import type { GuardrailPhase } from './types.js';

/** A finding as audited: which guardrail, which phase, what was done — never the matched text. */
export interface AuditedFinding {
  guardrail: string;
  phase: GuardrailPhase;
  type: string;
  score: number;
  action: 'deny' | 'redact' | 'pseudonymize' | 'label' | 'allow';
  path?: string;
  start?: number;
  end?: number;
  detail?: string;
}

/** Why a request was refused before (or instead of) reaching the client. */
export interface BlockRecord {
  /** `guardrail:<name>`, `data-policy`, … */
  by: string;
  phase: GuardrailPhase | 'routing';
  code: string;
  reason: string;
}

export interface GuardrailState {
  /** The profile whose input entries ran, per pass. */
  inputProfiles: string[];
  findings: AuditedFinding[];
}

/** Data-handling requirements the data-policy stage applied, and where each came from. */
export interface DataPolicyState {
  zeroRetention: boolean;
  requirements: { source: string; requirement: Record<string, unknown> }[];
  removed: { ref: string; requirement: string; reason: string }[];
}

declare module '../context.js' {
  interface GatewayState {
    /**
     * Zero retention: no content of this request may be kept anywhere — logs, cache, ledger.
     * Set by the data-policy stage (ZDR header, `provider.zdr`, or a zero-retention requirement).
     */
    zeroRetention?: boolean;
    /** Set with the reason when the answer must not be cached (a guardrail verdict, zero retention). */
    doNotCache?: string;
    /**
     * Set by output-guardrails when the request's profile checks answers: resolves whether a
     * complete answer may be kept as it is (no denial, nothing to redact). A stage inside it that
     * stores answers — the cache — must not store one for which this resolves false: the output
     * check itself runs only after that stage has returned.
     */
    answerGate?: (answer: ChatCompletion) => Promise<boolean>;
    /** Set when a guardrail or the data policy refused the request, for the audit. */
    blocked?: BlockRecord;
    guardrails?: GuardrailState;
    dataPolicy?: DataPolicyState;
  }
}
