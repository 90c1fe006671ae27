/**
 * Runs a profile's entries for one phase over one subject — all at once, since none sees
 * another's rewrite — and folds their results into one outcome: a denial (the first entry in
 * profile order that denies), or the located findings to redact or pseudonymize and the findings
 * to publish. Every finding is audited, never with the matched text.
 */
import {
  SwitchyardError,
  toSwitchyardError,
  type AuditedFinding,
  type GatewayContext,
  type GuardrailFinding,
  type GuardrailPhase,
  type GuardrailResult,
  type GuardrailSubject,
} from '../../../core/index.js';
import type { CompiledEntry } from './profiles.js';

export type Effective = 'allow' | 'deny' | 'redact' | 'pseudonymize' | 'label';

export interface EntryOutcome {
  readonly entry: CompiledEntry;
  readonly result: GuardrailResult;
  readonly effective: Effective;
}

export interface PhaseOutcome {
  readonly outcomes: readonly EntryOutcome[];
  /** The first denying entry, in profile order. */
  readonly denied: EntryOutcome | undefined;
  /** Located findings to rewrite, with how. */
  readonly rewrites: readonly { finding: GuardrailFinding; how: 'redact' | 'pseudonymize' }[];
  /** An entry asked for another candidate's answer (output). */
  readonly retry: boolean;
}

export async function runPhase(
  entries: readonly CompiledEntry[],
  subject: GuardrailSubject,
): Promise<PhaseOutcome> {
  const outcomes = await Promise.all(
    entries.map(async (entry): Promise<EntryOutcome> => {
      let result: GuardrailResult;
      try {
        result = await entry.guardrail.check(subject);
      } catch (error) {
        // A guardrail that cannot decide fails closed.
        if (SwitchyardError.isInstance(error)) throw error;
        throw new SwitchyardError(
          'SY_ERR_GUARDRAIL_UNAVAILABLE',
          `Guardrail '${entry.name}' failed: ${toSwitchyardError(error).message}`,
          { cause: error },
        );
      }
      return { entry, result, effective: effectiveAction(entry, result) };
    }),
  );
  const rewrites: { finding: GuardrailFinding; how: 'redact' | 'pseudonymize' }[] = [];
  for (const { result, effective } of outcomes) {
    if (effective !== 'redact' && effective !== 'pseudonymize') continue;
    for (const finding of result.findings) rewrites.push({ finding, how: effective });
  }
  return {
    outcomes,
    denied: outcomes.find((o) => o.effective === 'deny'),
    rewrites,
    retry: outcomes.some((o) => o.effective === 'deny' && o.result.retry === true),
  };
}

function effectiveAction(entry: CompiledEntry, result: GuardrailResult): Effective {
  if (result.verdict === 'allow') return 'allow';
  if (result.verdict === 'deny') return 'deny';
  if (result.findings.length === 0) return 'allow';
  // Findings without a place cannot be rewritten: refuse rather than pass them on.
  if (
    (entry.action === 'redact' || entry.action === 'pseudonymize') &&
    result.findings.some((finding) => finding.location === undefined)
  ) {
    return 'deny';
  }
  return entry.action;
}

/** Records every finding on the context: the audit (`ledger.findings`) and the policy facts (`findings`). */
export function recordFindings(
  ctx: GatewayContext,
  phase: GuardrailPhase,
  outcome: PhaseOutcome,
  paths: readonly string[],
): void {
  for (const { entry, result, effective } of outcome.outcomes) {
    for (const finding of result.findings) {
      const audited: AuditedFinding = {
        guardrail: entry.name,
        phase,
        type: finding.type,
        score: finding.score,
        action: effective,
      };
      if (finding.location) {
        const path = paths[finding.location.text];
        if (path !== undefined) audited.path = path;
        audited.start = finding.location.start;
        audited.end = finding.location.end;
      }
      if (finding.detail !== undefined) audited.detail = finding.detail;
      const state = (ctx.state.guardrails ??= { inputProfiles: [], findings: [] });
      state.findings.push(audited);
      const ledger = (ctx.state.ledger ??= {});
      (ledger.findings ??= []).push(audited);
      (ctx.state.findings ??= []).push({
        type: finding.type,
        score: finding.score,
        source: entry.name,
        phase,
        action: effective,
      });
    }
  }
}

/** Marks the request refused (never cached, audited with the reason) and returns the error to throw. */
export function denial(
  ctx: GatewayContext,
  phase: GuardrailPhase,
  denied: EntryOutcome,
  invalidOutput = false,
): SwitchyardError {
  const types = [...new Set(denied.result.findings.map((f) => f.type))];
  const what = denied.result.message ?? (types.length > 0 ? `found ${types.join(', ')}` : 'refused');
  const where = phase === 'input' ? 'the prompt' : 'the answer';
  const reason = `Guardrail '${denied.entry.name}' refused ${where}: ${what}.`;
  const code = invalidOutput ? 'SY_ERR_GUARDRAIL_OUTPUT_INVALID' : 'SY_ERR_GUARDRAIL_DENIED';
  ctx.state.blocked = { by: `guardrail:${denied.entry.name}`, phase, code, reason };
  ctx.state.doNotCache = reason;
  return invalidOutput
    ? new SwitchyardError(code, reason)
    : new SwitchyardError(code, reason, { status: denied.entry.status });
}
