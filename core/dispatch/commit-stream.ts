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
import { isClientClosed, SwitchyardError } from '../errors/switchyard-error.js';
import { ChatStream } from '../stream/chat-stream.js';

export async function commitStream(
  chunks: AsyncIterable<ChatCompletionChunk>,
  provider: string,
): Promise<ChatStream> {
  const stream = ChatStream.from(chunks);
  try {
    const found = await stream.peekUntil((piece) => piece.hasOutput());
    if (!found) {
      throw new SwitchyardError(
        'SY_ERR_UPSTREAM_SERVER_ERROR',
        `Provider ${provider} closed the stream before any output.`,
        { provider },
      );
    }
  } catch (error) {
    stream.cancel();
    throw error;
  }
  let finished = false;
  return stream.use({
    chunk(piece) {
      if (!finished && piece.finishes()) finished = true;
      return piece;
    },
    end() {
      if (!finished) throw interrupted(provider, undefined);
    },
    // The caller hanging up is not the provider failing: its reason goes on as it is, and the
    // stream ends as closed, not as an error (core/stream/chat-stream.ts).
    error: (error) => (isClientClosed(error) ? error : interrupted(provider, error)),
  });
}

function interrupted(provider: string, cause: unknown): SwitchyardError {
  const reason = cause instanceof Error ? cause.message : 'the stream ended without a finish reason';
  return new SwitchyardError(
    'SY_ERR_UPSTREAM_STREAM_INTERRUPTED',
    `Provider ${provider} failed mid-stream: ${reason}`,
    { provider, cause },
  );
}
