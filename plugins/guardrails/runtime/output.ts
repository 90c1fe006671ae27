/**
 * The output phase for complete answers: runs a profile's output entries over each choice's
 * text, then denies, rewrites the answer (redaction), or publishes the findings. An entry that
 * asks for a retry (`json-schema`) gets one answer from the next candidate first.
 */
import type { ChatContext } from '../../../core/index.js';
import { createPseudonymizer } from '../pii/index.js';
import type { CompiledProfile } from './profiles.js';
import { applyRewrites } from './rewrite.js';
import { denial, recordFindings, runPhase } from './run.js';
import { answerTexts, rewriteAnswer } from './texts.js';

/** Asks the next candidate for another answer; false when there is none. */
export type Redispatch = () => Promise<boolean>;

export async function guardAnswer(
  ctx: ChatContext,
  profile: CompiledProfile,
  redispatch?: Redispatch,
): Promise<void> {
  if (profile.output.length === 0 || !ctx.response) return;
  for (let attempt = 0; ; attempt++) {
    const response = ctx.response;
    const { texts, choices } = answerTexts(response);
    const outcome = await runPhase(profile.output, {
      phase: 'output',
      operation: 'chat',
      texts,
      request: ctx.request,
      final: true,
      signal: ctx.signal,
    });
    if (outcome.denied && outcome.retry && attempt === 0 && redispatch && (await redispatch())) continue;
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
