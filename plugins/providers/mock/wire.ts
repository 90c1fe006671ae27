import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
  Usage,
} from '../../../core/types/openai.js';
import type { MockAnswer } from './answer.js';
import { estimateTokens } from './seeded.js';

/** Identity shared by the complete answer and every chunk of one request. */
export interface AnswerHead {
  id: string;
  created: number;
  model: string;
}

// Fragment length for streamed tool arguments: enough pieces to exercise client reassembly.
const ARGUMENT_FRAGMENT_CHARS = 8;

export function usageFor(promptChars: number, answer: MockAnswer): Usage {
  const prompt = estimateTokens(promptChars);
  const completion = estimateTokens(answer.kind === 'text' ? answer.text.length : answer.arguments.length);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

export function completionFor(head: AnswerHead, answer: MockAnswer, usage: Usage): ChatCompletion {
  const message: ChatCompletion['choices'][number]['message'] =
    answer.kind === 'text'
      ? { role: 'assistant', content: answer.text, refusal: null }
      : {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: [
            { id: answer.id, type: 'function', function: { name: answer.name, arguments: answer.arguments } },
          ],
        };
  return {
    id: head.id,
    object: 'chat.completion',
    created: head.created,
    model: head.model,
    choices: [
      { index: 0, message, logprobs: null, finish_reason: answer.kind === 'text' ? 'stop' : 'tool_calls' },
    ],
    usage,
    system_fingerprint: 'fp_mock',
  };
}

function pieces(text: string, size: number): string[] {
  const result: string[] = [];
  for (let at = 0; at < text.length; at += size) result.push(text.slice(at, at + size));
  return result;
}

/**
 * The chunks OpenAI would send: the role first, then content word by word (or tool-call
 * argument fragments), a chunk with the finish reason, and with `include_usage` a last chunk
 * with `choices: []` and the usage (every earlier chunk then carries `usage: null`).
 */
export function chunksFor(
  head: AnswerHead,
  answer: MockAnswer,
  usage: Usage | undefined,
): ChatCompletionChunk[] {
  const chunk = (
    delta: ChatCompletionChunkChoice['delta'],
    finish: ChatCompletionChunkChoice['finish_reason'] = null,
  ) => {
    const value: ChatCompletionChunk = {
      id: head.id,
      object: 'chat.completion.chunk',
      created: head.created,
      model: head.model,
      system_fingerprint: 'fp_mock',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    };
    if (usage) value.usage = null;
    return value;
  };

  const chunks: ChatCompletionChunk[] = [];
  if (answer.kind === 'text') {
    chunks.push(chunk({ role: 'assistant', content: '', refusal: null }));
    for (const word of answer.text.match(/\s*\S+/g) ?? []) chunks.push(chunk({ content: word }));
    chunks.push(chunk({}, 'stop'));
  } else {
    const call = {
      index: 0,
      id: answer.id,
      type: 'function' as const,
      function: { name: answer.name, arguments: '' },
    };
    chunks.push(chunk({ role: 'assistant', content: null, tool_calls: [call] }));
    for (const fragment of pieces(answer.arguments, ARGUMENT_FRAGMENT_CHARS)) {
      chunks.push(chunk({ tool_calls: [{ index: 0, function: { arguments: fragment } }] }));
    }
    chunks.push(chunk({}, 'tool_calls'));
  }
  if (usage) {
    chunks.push({
      id: head.id,
      object: 'chat.completion.chunk',
      created: head.created,
      model: head.model,
      system_fingerprint: 'fp_mock',
      choices: [],
      usage,
    });
  }
  return chunks;
}
