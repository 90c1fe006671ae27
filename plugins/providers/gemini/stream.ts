import type {
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
  FinishReason,
} from '../../../core/types/openai.js';
import type { AcceptedCall } from '../shared/call.js';
import { createSseChunkStream, parseEventJson, type StreamTranslator } from '../shared/chunk-stream.js';
import { errorFromEvent, invalidResponse, streamEndedEarly, type ErrorContext } from '../shared/errors.js';
import { promptBlocked } from './errors.js';
import { finishReasonFromGemini, readCandidate, usageFromGemini } from './translate-response.js';
import type { GeminiResponse, GeminiUsageMetadata } from './types.js';

export interface GeminiStreamOptions {
  model: string;
  created: number;
  includeUsage: boolean;
}

/**
 * Each event of `streamGenerateContent?alt=sse` is a whole GenerateContentResponse holding the
 * next piece of each candidate. Function calls arrive whole, so each becomes one tool call
 * chunk with its id, name and complete arguments. The stream has no closing event: it ends
 * after the chunk with the finish reason, whose usageMetadata holds the totals.
 */
export function createGeminiStreamTranslator(
  ctx: ErrorContext,
  options: GeminiStreamOptions,
): StreamTranslator {
  let id = '';
  let model = options.model;
  let started = false;
  let finished = false;
  let usage: GeminiUsageMetadata | undefined;
  const toolCounts = new Map<number, number>();

  const chunk = (choices: ChatCompletionChunkChoice[]): ChatCompletionChunk => ({
    id,
    object: 'chat.completion.chunk',
    created: options.created,
    model,
    choices,
  });
  const choice = (
    index: number,
    delta: ChatCompletionChunkChoice['delta'],
    finish: FinishReason | null = null,
  ) => ({
    index,
    delta,
    logprobs: null,
    finish_reason: finish,
  });

  return {
    event(data, _name, emit) {
      const payload = parseEventJson(ctx, data);
      if (typeof payload !== 'object' || payload === null)
        throw invalidResponse(ctx, 'a stream event is not an object');
      if ('error' in payload) throw errorFromEvent(ctx, payload);
      const response = payload as GeminiResponse;
      const blocked = response.promptFeedback?.blockReason;
      if (blocked && !response.candidates?.length) throw promptBlocked(ctx.providerId, blocked);
      if (response.usageMetadata) usage = response.usageMetadata;
      if (!started) {
        started = true;
        id = response.responseId ?? `chatcmpl-${options.created}`;
        model = response.modelVersion ?? model;
        emit(chunk([choice(0, { role: 'assistant', content: '' })]));
      }
      for (const [i, candidate] of (response.candidates ?? []).entries()) {
        const index = candidate.index ?? i;
        const { text, reasoning, toolCalls } = readCandidate(candidate);
        if (reasoning !== null) emit(chunk([choice(index, { reasoning_content: reasoning })]));
        if (text !== null && text !== '') emit(chunk([choice(index, { content: text })]));
        let count = toolCounts.get(index) ?? 0;
        for (const call of toolCalls)
          emit(chunk([choice(index, { tool_calls: [{ index: count++, ...call }] })]));
        toolCounts.set(index, count);
        const finish = finishReasonFromGemini(candidate.finishReason, count > 0);
        if (finish) {
          finished = true;
          emit(chunk([choice(index, {}, finish)]));
        }
      }
      return false;
    },
    end(emit) {
      if (!finished) throw streamEndedEarly(ctx);
      if (options.includeUsage) emit({ ...chunk([]), usage: usageFromGemini(usage) });
    },
  };
}

export function createGeminiChunkStream(
  call: AcceptedCall,
  options: GeminiStreamOptions,
): AsyncIterable<ChatCompletionChunk> {
  return createSseChunkStream(call, createGeminiStreamTranslator(call.ctx, options));
}
