import type { ChatCompletionRequest, EmbeddingsRequest } from '../../../core/types/openai.js';

// Gateway-only routing fields, never sent upstream.
const ROUTING_FIELDS = new Set(['models', 'provider']);
// A complete answer was asked for, whatever the client's body said; OpenAI also rejects
// stream_options without stream.
const NON_STREAMING_DROPS = new Set(['models', 'provider', 'stream', 'stream_options']);

/**
 * The body sent upstream: the canonical request as the client wrote it, unknown fields
 * included, with the gateway-only routing fields (`models`, `provider`) removed and `model`
 * replaced by the provider's own name for it.
 *
 * Copied key by key into a fresh object rather than with a rest spread and `delete`: on Node 20
 * the spread costs microseconds per request and `delete` turns the object into a slow
 * dictionary for JSON.stringify.
 */
function passthrough(
  request: ChatCompletionRequest | EmbeddingsRequest,
  upstreamModel: string,
  dropped: ReadonlySet<string>,
): Record<string, unknown> {
  const body: Record<string, unknown> = { model: upstreamModel };
  const fields = request as unknown as Record<string, unknown>;
  for (const key in fields) {
    if (key !== 'model' && !dropped.has(key)) body[key] = fields[key];
  }
  return body;
}

/**
 * The chat body as JSON. The client's own text (`text`, CallOptions.requestText) goes as it is
 * when it already is that body: the same model name, no routing fields, and `stream` as this call
 * needs it.
 */
export function chatBody(
  request: ChatCompletionRequest,
  upstreamModel: string,
  stream: boolean,
  text?: string,
): string {
  if (text !== undefined && sendsAsWritten(request, upstreamModel, stream)) return text;
  const body = passthrough(request, upstreamModel, stream ? ROUTING_FIELDS : NON_STREAMING_DROPS);
  if (stream) body.stream = true;
  return JSON.stringify(body);
}

function sendsAsWritten(request: ChatCompletionRequest, upstreamModel: string, stream: boolean): boolean {
  if (request.model !== upstreamModel || 'models' in request || 'provider' in request) return false;
  return stream ? request.stream === true : !('stream' in request) && !('stream_options' in request);
}

export function embeddingsBody(request: EmbeddingsRequest, upstreamModel: string): string {
  return JSON.stringify(passthrough(request, upstreamModel, ROUTING_FIELDS));
}
