/**
 * Folds a chat completion stream back into the complete answer it spelled, so a streamed
 * answer can be cached and later served as JSON or replayed as a stream. Only a stream that
 * finished cleanly becomes an answer: the accumulator says `complete` once every choice it saw
 * has a finish reason.
 */
import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  FinishReason,
  ToolCall,
} from '../types/openai.js';

interface ChoiceState {
  content: string | undefined;
  refusal: string | undefined;
  toolCalls: ToolCall[];
  finish: FinishReason | null;
  logprobs: { content?: unknown[]; refusal?: unknown[] } | undefined;
}

export class StreamAccumulator {
  private id = '';
  private created = 0;
  private model = '';
  private fingerprint: string | null | undefined;
  private usage: ChatCompletionChunk['usage'];
  private readonly choices = new Map<number, ChoiceState>();

  observe(chunk: ChatCompletionChunk): void {
    if (this.id === '') {
      this.id = chunk.id;
      this.created = chunk.created;
      this.model = chunk.model;
    }
    if (chunk.system_fingerprint !== undefined) this.fingerprint = chunk.system_fingerprint;
    // Copied: later stages decorate the usage object in place.
    if (chunk.usage) this.usage = structuredClone(chunk.usage);
    for (const choice of chunk.choices) {
      const state = this.choice(choice.index);
      const delta = choice.delta;
      if (typeof delta.content === 'string') state.content = (state.content ?? '') + delta.content;
      if (typeof delta.refusal === 'string') state.refusal = (state.refusal ?? '') + delta.refusal;
      for (const call of delta.tool_calls ?? []) {
        const found = (state.toolCalls[call.index] ??= {
          id: '',
          type: 'function',
          function: { name: '', arguments: '' },
        });
        if (call.id) found.id = call.id;
        if (call.function?.name) found.function.name += call.function.name;
        if (call.function?.arguments) found.function.arguments += call.function.arguments;
      }
      if (choice.finish_reason) state.finish = choice.finish_reason;
      appendLogprobs(state, choice.logprobs);
    }
  }

  /** True when at least one choice was seen and every one has finished. */
  get complete(): boolean {
    if (this.choices.size === 0) return false;
    for (const state of this.choices.values()) if (state.finish === null) return false;
    return true;
  }

  answer(): ChatCompletion {
    const choices: ChatCompletionChoice[] = [...this.choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, state]) => {
        const message: ChatCompletionChoice['message'] = {
          role: 'assistant',
          content: state.content ?? null,
          refusal: state.refusal ?? null,
        };
        const calls = state.toolCalls.filter((call) => call !== undefined);
        if (calls.length > 0) message.tool_calls = calls;
        return { index, message, finish_reason: state.finish, logprobs: state.logprobs ?? null };
      });
    const answer: ChatCompletion = {
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: this.model,
      choices,
    };
    if (this.usage) answer.usage = this.usage;
    if (this.fingerprint !== undefined) answer.system_fingerprint = this.fingerprint;
    return answer;
  }

  private choice(index: number): ChoiceState {
    let state = this.choices.get(index);
    if (!state) {
      state = { content: undefined, refusal: undefined, toolCalls: [], finish: null, logprobs: undefined };
      this.choices.set(index, state);
    }
    return state;
  }
}

function appendLogprobs(state: ChoiceState, logprobs: unknown): void {
  if (logprobs === null || typeof logprobs !== 'object') return;
  const parts = logprobs as { content?: unknown; refusal?: unknown };
  const target = (state.logprobs ??= {});
  if (Array.isArray(parts.content)) target.content = [...(target.content ?? []), ...parts.content];
  if (Array.isArray(parts.refusal)) target.refusal = [...(target.refusal ?? []), ...parts.refusal];
}
