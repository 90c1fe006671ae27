import { randomUUID } from 'node:crypto';
import type {
  ChatCompletion,
  ChatCompletionChoice,
  FinishReason,
  ToolCall,
  Usage,
} from '../../../core/types/openai.js';
import type { GeminiCandidate, GeminiResponse, GeminiUsageMetadata } from './types.js';

const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

/** Gemini says STOP after a function call too; OpenAI clients look for `tool_calls`. */
export function finishReasonFromGemini(
  reason: string | undefined,
  calledTools: boolean,
): FinishReason | null {
  if (reason === undefined || reason === 'FINISH_REASON_UNSPECIFIED') return null;
  if (reason === 'MAX_TOKENS') return 'length';
  if (FILTERED.has(reason)) return 'content_filter';
  return calledTools ? 'tool_calls' : 'stop';
}

/**
 * promptTokenCount already includes the cached share; thoughts are billed as output, which is
 * how OpenAI counts reasoning tokens inside completion_tokens.
 */
export function usageFromGemini(usage: GeminiUsageMetadata | undefined): Usage {
  const prompt = usage?.promptTokenCount ?? 0;
  const thoughts = usage?.thoughtsTokenCount ?? 0;
  const completion = (usage?.candidatesTokenCount ?? 0) + thoughts;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: usage?.totalTokenCount ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: usage?.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: thoughts },
  };
}

/** Gemini's function calls carry no id (or an optional one); OpenAI clients need one to answer. */
export function toolCallId(): string {
  return `call_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
}

export interface CandidateParts {
  text: string | null;
  reasoning: string | null;
  toolCalls: ToolCall[];
}

export function readCandidate(candidate: GeminiCandidate): CandidateParts {
  let text: string | null = null;
  let reasoning: string | null = null;
  const toolCalls: ToolCall[] = [];
  for (const part of candidate.content?.parts ?? []) {
    if (typeof part.text === 'string') {
      if (part.thought === true) reasoning = (reasoning ?? '') + part.text;
      else text = (text ?? '') + part.text;
    } else if (part.functionCall) {
      const { id, name, args } = part.functionCall;
      toolCalls.push({
        id: id ?? toolCallId(),
        type: 'function',
        function: { name, arguments: JSON.stringify(args ?? {}) },
      });
    }
  }
  return { text, reasoning, toolCalls };
}

export function chatCompletionFromGemini(
  response: GeminiResponse,
  model: string,
  created: number,
): ChatCompletion {
  const choices = (response.candidates ?? []).map((candidate, i): ChatCompletionChoice => {
    const { text, reasoning, toolCalls } = readCandidate(candidate);
    const message: ChatCompletionChoice['message'] = { role: 'assistant', content: text, refusal: null };
    if (toolCalls.length > 0) message.tool_calls = toolCalls;
    if (reasoning !== null) message.reasoning_content = reasoning;
    return {
      index: candidate.index ?? i,
      message,
      finish_reason: finishReasonFromGemini(candidate.finishReason, toolCalls.length > 0) ?? 'stop',
      logprobs: null,
    };
  });
  return {
    id: response.responseId ?? `chatcmpl-${randomUUID()}`,
    object: 'chat.completion',
    created,
    model: response.modelVersion ?? model,
    choices,
    usage: usageFromGemini(response.usageMetadata),
  };
}
