/**
 * Replays a complete chat completion as the chunks OpenAI would have streamed for it: per choice
 * a role chunk, the content in pieces, each tool call's header then its arguments, the finish
 * reason; then one usage chunk (`choices: []`). Used to answer a streaming request from the
 * cache; the accounting stage hides the usage chunk from a client that did not ask for it.
 */
import { ChatStream } from '../stream/chat-stream.js';
import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
} from '../types/openai.js';

/** Characters per content chunk: small enough to look like a stream, few enough to be cheap. */
export const REPLAY_PIECE_CHARS = 256;

export function replayChunks(answer: ChatCompletion, pieceChars = REPLAY_PIECE_CHARS): ChatCompletionChunk[] {
  const chunks: ChatCompletionChunk[] = [];
  const chunk = (choices: ChatCompletionChunkChoice[]): ChatCompletionChunk => {
    const made: ChatCompletionChunk = {
      id: answer.id,
      object: 'chat.completion.chunk',
      created: answer.created,
      model: answer.model,
      choices,
    };
    if (answer.system_fingerprint !== undefined) made.system_fingerprint = answer.system_fingerprint;
    return made;
  };
  for (const choice of answer.choices) {
    for (const choiceChunk of choiceChunks(choice, pieceChars)) chunks.push(chunk([choiceChunk]));
  }
  if (answer.usage) chunks.push({ ...chunk([]), usage: structuredClone(answer.usage) });
  return chunks;
}

function choiceChunks(choice: ChatCompletionChoice, pieceChars: number): ChatCompletionChunkChoice[] {
  const index = choice.index;
  const message = choice.message;
  const out: ChatCompletionChunkChoice[] = [];
  const delta = (fields: ChatCompletionChunkChoice['delta']): ChatCompletionChunkChoice => ({
    index,
    delta: fields,
    finish_reason: null,
  });
  // OpenAI opens a text answer with `content: ""` and a tool-call answer with `content: null`.
  out.push(delta({ role: 'assistant', content: message.content === null ? null : '' }));
  const logprobs = choice.logprobs ?? null;
  let logprobsSent = logprobs === null;
  for (const piece of pieces(message.content ?? '', pieceChars)) {
    const made = delta({ content: piece });
    if (!logprobsSent) {
      made.logprobs = logprobs;
      logprobsSent = true;
    }
    out.push(made);
  }
  if (typeof message.refusal === 'string' && message.refusal.length > 0) {
    for (const piece of pieces(message.refusal, pieceChars)) out.push(delta({ refusal: piece }));
  }
  (message.tool_calls ?? []).forEach((call, callIndex) => {
    out.push(
      delta({
        tool_calls: [
          {
            index: callIndex,
            id: call.id,
            type: 'function',
            function: { name: call.function.name, arguments: '' },
          },
        ],
      }),
    );
    for (const piece of pieces(call.function.arguments, pieceChars)) {
      out.push(delta({ tool_calls: [{ index: callIndex, function: { arguments: piece } }] }));
    }
  });
  const finish: ChatCompletionChunkChoice = {
    index,
    delta: {},
    finish_reason: choice.finish_reason ?? 'stop',
  };
  if (!logprobsSent) finish.logprobs = logprobs;
  out.push(finish);
  return out;
}

/** Splits text into pieces of about `size` characters, never inside a surrogate pair. */
export function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + size);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && end - start > 1 && last >= 0xd800 && last <= 0xdbff) end -= 1;
    out.push(text.slice(start, end));
    start = end;
  }
  return out;
}

/** The chunks as a stream, for `ctx.stream`: one batch, so they leave in one write. */
export function replayStream(answer: ChatCompletion): ChatStream {
  return ChatStream.ofChunks(replayChunks(answer));
}
