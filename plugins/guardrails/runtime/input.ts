/**
 * The input phase: runs a profile's input entries over the prompt, then denies, or rewrites the
 * request (redaction, pseudonymization), and publishes the findings. Returns the request's
 * pseudonymizer when tokens were issued, so the caller can restore them in the answer.
 */
import type { GatewayContext } from '../../../core/index.js';
import { createPseudonymizer, type Pseudonymizer } from '../pii/index.js';
import type { CompiledProfile } from './profiles.js';
import { applyRewrites } from './rewrite.js';
import { denial, recordFindings, runPhase } from './run.js';
import { chatTexts, embeddingTexts, rewriteChat, rewriteEmbeddings } from './texts.js';

export async function guardInput(
  ctx: GatewayContext,
  profile: CompiledProfile,
): Promise<Pseudonymizer | undefined> {
  const state = (ctx.state.guardrails ??= { inputProfiles: [], findings: [] });
  state.inputProfiles.push(profile.name);
  if (profile.input.length === 0) return undefined;
  const { texts, slots } = ctx.operation === 'chat' ? chatTexts(ctx.request) : embeddingTexts(ctx.request);
  const outcome = await runPhase(profile.input, {
    phase: 'input',
    operation: ctx.operation,
    texts,
    request: ctx.request,
    final: true,
    signal: ctx.signal,
  });
  recordFindings(
    ctx,
    'input',
    outcome,
    texts.map((t) => t.path),
  );
  if (outcome.denied) throw denial(ctx, 'input', outcome.denied);
  if (outcome.rewrites.length === 0) return undefined;

  let pseudonymizer: Pseudonymizer | undefined;
  const tokens = (): Pseudonymizer => {
    if (!pseudonymizer) {
      pseudonymizer = createPseudonymizer();
      // Token-shaped text the user typed must come back as typed, never as someone's value.
      for (const { text } of texts) pseudonymizer.reserve(text);
    }
    return pseudonymizer;
  };
  const changed = applyRewrites(texts, outcome.rewrites, tokens);
  if (ctx.operation === 'chat') ctx.request = rewriteChat(ctx.request, slots, changed);
  else ctx.request = rewriteEmbeddings(ctx.request, slots, changed);
  return pseudonymizer;
}
