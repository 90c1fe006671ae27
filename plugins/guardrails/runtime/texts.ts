/**
 * The texts guardrails see, and writing rewritten texts back: for chat, every string content
 * and text part of every message (tool results included, so injected instructions there are
 * seen); for embeddings, every string input; for answers, every choice's content. Requests and
 * answers are never mutated: rewrites produce new objects, unknown fields carried over.
 */
import type {
  ChatCompletion,
  ChatCompletionRequest,
  ChatMessage,
  EmbeddingsRequest,
  GuardrailText,
} from '../../../core/index.js';

type Slot = { message: number; part?: number } | { input: number };

export interface InputTexts {
  texts: GuardrailText[];
  slots: Slot[];
}

export function chatTexts(request: ChatCompletionRequest): InputTexts {
  const texts: GuardrailText[] = [];
  const slots: Slot[] = [];
  request.messages.forEach((message, i) => {
    const { content, role } = message;
    if (typeof content === 'string') {
      texts.push({ text: content, role, path: `messages[${i}].content` });
      slots.push({ message: i });
    } else if (Array.isArray(content)) {
      content.forEach((part, j) => {
        if (part.type === 'text' && typeof part.text === 'string') {
          texts.push({ text: part.text, role, path: `messages[${i}].content[${j}].text` });
          slots.push({ message: i, part: j });
        }
      });
    }
  });
  return { texts, slots };
}

export function embeddingTexts(request: EmbeddingsRequest): InputTexts {
  const texts: GuardrailText[] = [];
  const slots: Slot[] = [];
  const inputs: unknown[] = Array.isArray(request.input) ? request.input : [request.input];
  inputs.forEach((input, i) => {
    if (typeof input !== 'string') return;
    texts.push({ text: input, role: 'user', path: Array.isArray(request.input) ? `input[${i}]` : 'input' });
    slots.push({ input: i });
  });
  return { texts, slots };
}

/** The request with the texts at `changed` (index into `slots`) replaced. */
export function rewriteChat(
  request: ChatCompletionRequest,
  slots: readonly Slot[],
  changed: ReadonlyMap<number, string>,
): ChatCompletionRequest {
  const messages: ChatMessage[] = [...request.messages];
  for (const [index, text] of changed) {
    const slot = slots[index];
    if (!slot || !('message' in slot)) continue;
    const message = messages[slot.message] as ChatMessage;
    if (slot.part === undefined) {
      messages[slot.message] = { ...message, content: text };
    } else if (Array.isArray(message.content)) {
      const parts = [...message.content];
      parts[slot.part] = { ...parts[slot.part], type: 'text', text };
      messages[slot.message] = { ...message, content: parts };
    }
  }
  return { ...request, messages };
}

export function rewriteEmbeddings(
  request: EmbeddingsRequest,
  slots: readonly Slot[],
  changed: ReadonlyMap<number, string>,
): EmbeddingsRequest {
  if (!Array.isArray(request.input)) {
    const text = changed.get(0);
    return text === undefined ? request : { ...request, input: text };
  }
  const input: unknown[] = [...(request.input as unknown[])];
  for (const [index, text] of changed) {
    const slot = slots[index];
    if (slot && 'input' in slot) input[slot.input] = text;
  }
  return { ...request, input: input as EmbeddingsRequest['input'] };
}

/** Each choice's text content of a complete answer. */
export function answerTexts(response: ChatCompletion): { texts: GuardrailText[]; choices: number[] } {
  const texts: GuardrailText[] = [];
  const choices: number[] = [];
  response.choices.forEach((choice, i) => {
    if (typeof choice.message.content !== 'string') return;
    texts.push({
      text: choice.message.content,
      role: 'assistant',
      path: `choices[${choice.index ?? i}].message.content`,
    });
    choices.push(i);
  });
  return { texts, choices };
}

export function rewriteAnswer(
  response: ChatCompletion,
  choices: readonly number[],
  changed: ReadonlyMap<number, string>,
): ChatCompletion {
  const next = [...response.choices];
  for (const [index, text] of changed) {
    const at = choices[index];
    const choice = at === undefined ? undefined : next[at];
    if (at !== undefined && choice) next[at] = { ...choice, message: { ...choice.message, content: text } };
  }
  return { ...response, choices: next };
}
