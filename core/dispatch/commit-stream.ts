/**
 * Streaming failover ends at the first byte a client sees. `commitStream` reads ahead until the
 * upstream produced real output (content, a tool call, a refusal or a finish reason): anything
 * that fails before that point (an error event, a reset, a clean close) is an ordinary attempt
 * failure and failover may try the next candidate.
 *
 * The returned stream replays what was read ahead, then the rest. A failure after the commit
 * becomes SY_ERR_UPSTREAM_STREAM_INTERRUPTED, and so does an end without a finish reason.
 */
import type { ChatCompletionChunk } from '../types/openai.js';
import { SwitchyardError } from '../errors/switchyard-error.js';

export async function commitStream(
  chunks: AsyncIterable<ChatCompletionChunk>,
  provider: string,
): Promise<AsyncIterable<ChatCompletionChunk>> {
  const iterator = chunks[Symbol.asyncIterator]();
  const readAhead: ChatCompletionChunk[] = [];
  try {
    while (true) {
      const step = await iterator.next();
      if (step.done) {
        throw new SwitchyardError(
          'SY_ERR_UPSTREAM_SERVER_ERROR',
          `Provider ${provider} closed the stream before any output.`,
          {
            provider,
          },
        );
      }
      readAhead.push(step.value);
      if (hasOutput(step.value)) break;
    }
  } catch (error) {
    void iterator.return?.().catch(() => undefined);
    throw error;
  }
  return replay(readAhead, iterator, provider);
}

async function* replay(
  readAhead: ChatCompletionChunk[],
  iterator: AsyncIterator<ChatCompletionChunk>,
  provider: string,
): AsyncGenerator<ChatCompletionChunk> {
  let finished = readAhead.some(hasFinish);
  let done = false;
  try {
    yield* readAhead;
    while (true) {
      let step: IteratorResult<ChatCompletionChunk>;
      try {
        step = await iterator.next();
      } catch (error) {
        done = true;
        throw interrupted(provider, error);
      }
      if (step.done) {
        done = true;
        if (!finished) throw interrupted(provider, undefined);
        return;
      }
      if (hasFinish(step.value)) finished = true;
      yield step.value;
    }
  } finally {
    if (!done) await iterator.return?.().catch(() => undefined);
  }
}

function interrupted(provider: string, cause: unknown): SwitchyardError {
  const reason = cause instanceof Error ? cause.message : 'the stream ended without a finish reason';
  return new SwitchyardError(
    'SY_ERR_UPSTREAM_STREAM_INTERRUPTED',
    `Provider ${provider} failed mid-stream: ${reason}`,
    {
      provider,
      cause,
    },
  );
}

function hasFinish(chunk: ChatCompletionChunk): boolean {
  return chunk.choices.some((choice) => choice.finish_reason !== null && choice.finish_reason !== undefined);
}

export function hasOutput(chunk: ChatCompletionChunk): boolean {
  for (const choice of chunk.choices) {
    if (choice.finish_reason) return true;
    const delta = choice.delta;
    if (!delta) continue;
    if (typeof delta.content === 'string' && delta.content.length > 0) return true;
    if (typeof delta.refusal === 'string' && delta.refusal.length > 0) return true;
    if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) return true;
  }
  return false;
}
