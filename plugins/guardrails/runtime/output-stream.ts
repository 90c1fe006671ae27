/**
 * The output phase for streams. Each choice's text is accumulated; the profile's output entries
 * run on the whole text so far each time `window` new characters arrived, and on the complete
 * text at the choice's finish. Text reaches the client only once checked, minus the last
 * `holdBack` characters (so a value split across two checks is still caught whole, and never
 * half-released). A denial ends the stream with an error event; nothing unchecked was sent.
 */
import type { ChatCompletionChunk, ChatCompletionChunkChoice, ChatContext } from '../../../core/index.js';
import type { CompiledProfile } from './profiles.js';
import { redactionLabel, type Rewrite } from './rewrite.js';
import { denial, recordFindings, runPhase, type PhaseOutcome } from './run.js';

export interface StreamGuardOptions {
  window: number;
  holdBack: number;
}

interface ChoiceState {
  text: string;
  released: number;
  checkedAt: number;
  rewrites: readonly Rewrite[];
  last: PhaseOutcome | undefined;
}

export async function* guardStream(
  ctx: ChatContext,
  stream: AsyncIterable<ChatCompletionChunk>,
  profile: CompiledProfile,
  options: StreamGuardOptions,
): AsyncGenerator<ChatCompletionChunk> {
  const choices = new Map<number, ChoiceState>();
  const check = async (index: number, st: ChoiceState, final: boolean) => {
    const path = `choices[${index}].delta.content`;
    const outcome = await runPhase(profile.output, {
      phase: 'output',
      operation: 'chat',
      texts: [{ text: st.text, role: 'assistant', path }],
      request: ctx.request,
      final,
      signal: ctx.signal,
    });
    st.checkedAt = st.text.length;
    st.rewrites = outcome.rewrites;
    st.last = outcome;
    if (outcome.denied) {
      recordFindings(ctx, 'output', outcome, [path]);
      throw denial(ctx, 'output', outcome.denied, outcome.retry);
    }
  };
  let template: ChatCompletionChunk | undefined;
  try {
    for await (const chunk of stream) {
      template = chunk;
      if (chunk.choices.length === 0) {
        yield chunk;
        continue;
      }
      const out: ChatCompletionChunkChoice[] = [];
      for (const choice of chunk.choices) {
        let st = choices.get(choice.index);
        if (!st)
          choices.set(
            choice.index,
            (st = { text: '', released: 0, checkedAt: 0, rewrites: [], last: undefined }),
          );
        const content = choice.delta.content;
        if (typeof content === 'string') st.text += content;
        const final = choice.finish_reason !== null && choice.finish_reason !== undefined;
        if (final || st.text.length - st.checkedAt >= options.window) await check(choice.index, st, final);
        const released = release(st, final ? st.text.length : st.checkedAt - options.holdBack, final);
        const { content: _dropped, ...rest } = choice.delta;
        const keep = released !== '' || final || Object.keys(rest).length > 0;
        if (keep)
          out.push({
            ...choice,
            delta: typeof content === 'string' || released !== '' ? { ...rest, content: released } : rest,
          });
      }
      if (out.length > 0 || chunk.usage) yield { ...chunk, choices: out };
    }
    // A stream that ended without a finish_reason: check and release what is held.
    const rest: ChatCompletionChunkChoice[] = [];
    for (const [index, st] of choices) {
      if (st.released === st.text.length && st.checkedAt === st.text.length) continue;
      await check(index, st, true);
      const released = release(st, st.text.length, true);
      if (released !== '') rest.push({ index, delta: { content: released }, finish_reason: null });
    }
    if (template && rest.length > 0) yield { ...template, choices: rest, usage: undefined };
  } finally {
    for (const [index, st] of choices) {
      if (st.last && !st.last.denied)
        recordFindings(ctx, 'output', st.last, [`choices[${index}].delta.content`]);
    }
  }
}

/** The text of [released, to), with located findings replaced; `to` moves back before a finding it would cut. */
function release(st: ChoiceState, limit: number, final: boolean): string {
  let to = Math.min(st.text.length, Math.max(st.released, limit));
  const rewrites = [...st.rewrites].sort((a, b) => start(a) - start(b));
  if (!final) {
    for (const r of rewrites) if (start(r) < to && end(r) > to) to = Math.max(st.released, start(r));
  }
  let out = '';
  let cursor = st.released;
  for (const r of rewrites) {
    if (end(r) <= cursor) continue;
    if (start(r) >= to) break;
    if (start(r) >= cursor) {
      out += st.text.slice(cursor, start(r)) + redactionLabel(r.finding.type);
    }
    // A finding reaching back into released text: its released part is gone, the rest is withheld.
    cursor = Math.min(end(r), to);
  }
  out += st.text.slice(cursor, to);
  st.released = Math.max(st.released, to);
  return out;
}

const start = (r: Rewrite): number => r.finding.location?.start ?? 0;
const end = (r: Rewrite): number => r.finding.location?.end ?? 0;
