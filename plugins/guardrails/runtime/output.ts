/**
 * The output phase for complete answers: runs a profile's output entries over each choice's
 * text, then denies, rewrites the answer (redaction), or publishes the findings. An entry that
 * asks for a retry (`json-schema`) gets one answer from the next candidate first.
 *
 * The check of one answer object runs once: `answerChecker` memoizes it, so a stage inside this
 * one (the cache, through `ctx.state.answerGate`) can ask for the verdict before storing, and the
 * stage then acts on the same result without calling the guardrails (a webhook) again.
 */
import type { ChatCompletion, ChatContext } from '../../../core/index.js';
import { createPseudonymizer } from '../pii/index.js';
import type { CompiledProfile } from './profiles.js';
import { applyRewrites } from './rewrite.js';
import { denial, recordFindings, runPhase, type PhaseOutcome } from './run.js';
import { answerTexts, rewriteAnswer } from './texts.js';

/** Asks the next candidate for another answer; false when there is none. */
export type Redispatch = () => Promise<boolean>;

export type AnswerChecker = (answer: ChatCompletion) => Promise<PhaseOutcome>;

export function answerChecker(ctx: ChatContext, profile: CompiledProfile): AnswerChecker {
  const checked = new WeakMap<ChatCompletion, Promise<PhaseOutcome>>();
  return (answer) => {
    let outcome = checked.get(answer);
    if (!outcome) {
      outcome = runPhase(profile.output, {
        phase: 'output',
        operation: 'chat',
        texts: answerTexts(answer).texts,
        request: ctx.request,
        final: true,
        signal: ctx.signal,
      });
      checked.set(answer, outcome);
    }
    return outcome;
  };
}

/** Whether an answer may be kept as it is (by a cache): nothing to deny, nothing to rewrite. */
export async function keepable(check: AnswerChecker, answer: ChatCompletion): Promise<boolean> {
  try {
    const outcome = await check(answer);
    return !outcome.denied && outcome.rewrites.length === 0;
  } catch {
    return false;
  }
}

export async function guardAnswer(
  ctx: ChatContext,
  check: AnswerChecker,
  redispatch?: Redispatch,
): Promise<void> {
  if (!ctx.response) return;
  for (let attempt = 0; ; attempt++) {
    const response = ctx.response;
    const outcome = await check(response);
    if (outcome.denied && outcome.retry && attempt === 0 && redispatch && (await redispatch())) continue;
    const { texts, choices } = answerTexts(response);
    recordFindings(
      ctx,
      'output',
      outcome,
      texts.map((t) => t.path),
    );
    if (outcome.denied) throw denial(ctx, 'output', outcome.denied, outcome.retry);
    if (outcome.rewrites.length > 0) {
      const changed = applyRewrites(texts, outcome.rewrites, () => createPseudonymizer());
      ctx.response = rewriteAnswer(response, choices, changed);
    }
    return;
  }
}
