/**
 * Applies a Pseudonymizer to the canonical chat shapes: the text of every request message on the
 * way out, the content of the answer (whole or streamed) on the way back. Inputs are never mutated;
 * unknown fields are carried over untouched.
 */
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatMessage,
  ContentPart,
} from '../../../core/types/openai.js';
import type { Pseudonymizer } from './pseudonymizer.js';
import type { StreamRestorer } from './stream-restorer.js';

function mapMessageText(message: ChatMessage, map: (text: string) => string): ChatMessage {
  const { content } = message;
  if (typeof content === 'string') return { ...message, content: map(content) };
  if (!Array.isArray(content)) return message;
  const parts = content.map((part): ContentPart => {
    return part.type === 'text' && typeof part.text === 'string' ? { ...part, text: map(part.text) } : part;
  });
  return { ...message, content: parts };
}

/**
 * Pseudonymizes the text content of every message (strings and `text` parts). Tool-call arguments
 * and names are left alone. Every text is reserved first, so no issued token collides with a
 * token-shaped string that any message already contains.
 */
export function pseudonymizeRequest(
  request: ChatCompletionRequest,
  pseudonymizer: Pseudonymizer,
): ChatCompletionRequest {
  const reserve = (text: string): string => {
    pseudonymizer.reserve(text);
    return text;
  };
  for (const message of request.messages) mapMessageText(message, reserve);
  const pseudonymize = (text: string): string => pseudonymizer.pseudonymize(text);
  return { ...request, messages: request.messages.map((message) => mapMessageText(message, pseudonymize)) };
}

/** Restores the original values in each choice's message content. */
export function restoreCompletion(completion: ChatCompletion, pseudonymizer: Pseudonymizer): ChatCompletion {
  return {
    ...completion,
    choices: completion.choices.map((choice) => {
      const { content } = choice.message;
      if (typeof content !== 'string') return choice;
      return { ...choice, message: { ...choice.message, content: pseudonymizer.restore(content) } };
    }),
  };
}

export interface ChunkRestorer {
  /** Returns the chunk with restored delta content; a choice's held text is released on its finish_reason. */
  restore(chunk: ChatCompletionChunk): ChatCompletionChunk;
  /** Text still held for choices that never sent a finish_reason (an interrupted stream). */
  flush(): { index: number; content: string }[];
}

/** One stream restorer per choice index, since choices interleave in one stream when n > 1. */
export function createChunkRestorer(pseudonymizer: Pseudonymizer): ChunkRestorer {
  const restorers = new Map<number, StreamRestorer>();
  const restorerFor = (index: number): StreamRestorer => {
    let restorer = restorers.get(index);
    if (restorer === undefined) {
      restorer = pseudonymizer.createStreamRestorer();
      restorers.set(index, restorer);
    }
    return restorer;
  };

  return {
    restore(chunk) {
      const choices = chunk.choices.map((choice) => {
        const { content } = choice.delta;
        const hasText = typeof content === 'string';
        if (!hasText && choice.finish_reason === null) return choice;
        const restorer = restorerFor(choice.index);
        let text = hasText ? restorer.push(content) : '';
        if (choice.finish_reason !== null) {
          text += restorer.flush();
          restorers.delete(choice.index);
        }
        if (!hasText && text === '') return choice;
        return { ...choice, delta: { ...choice.delta, content: text } };
      });
      return { ...chunk, choices };
    },
    flush() {
      const held: { index: number; content: string }[] = [];
      for (const [index, restorer] of restorers) {
        const content = restorer.flush();
        if (content !== '') held.push({ index, content });
      }
      restorers.clear();
      return held;
    },
  };
}

/**
 * Restores a whole chunk stream. Text still held when the source ends without a finish_reason is
 * emitted in one extra chunk modelled on the last one, so nothing the model wrote is lost.
 */
export async function* restoreChunkStream(
  chunks: AsyncIterable<ChatCompletionChunk>,
  pseudonymizer: Pseudonymizer,
): AsyncGenerator<ChatCompletionChunk> {
  const restorer = createChunkRestorer(pseudonymizer);
  let last: ChatCompletionChunk | undefined;
  for await (const chunk of chunks) {
    last = chunk;
    yield restorer.restore(chunk);
  }
  const held = restorer.flush();
  if (last !== undefined && held.length > 0) {
    const choices = held.map(({ index, content }) => ({ index, delta: { content }, finish_reason: null }));
    yield { id: last.id, object: 'chat.completion.chunk', created: last.created, model: last.model, choices };
  }
}
