import type { ChatCompletionRequest, EmbeddingsRequest } from '../../../core/types/openai.js';

/**
 * The body sent upstream: the canonical request as the client wrote it, unknown fields
 * included, with the gateway-only routing fields (`models`, `provider`) removed and `model`
 * replaced by the provider's own name for it.
 */
function passthrough(
  request: ChatCompletionRequest | EmbeddingsRequest,
  upstreamModel: string,
): Record<string, unknown> {
  const { models: _models, provider: _provider, ...rest } = request;
  rest.model = upstreamModel;
  return rest;
}

export function chatBody(request: ChatCompletionRequest, upstreamModel: string, stream: boolean): string {
  const body = passthrough(request, upstreamModel);
  if (stream) {
    body.stream = true;
  } else {
    // A complete answer was asked for, whatever the client's body said; OpenAI also rejects
    // stream_options without stream.
    delete body.stream;
    delete body.stream_options;
  }
  return JSON.stringify(body);
}

export function embeddingsBody(request: EmbeddingsRequest, upstreamModel: string): string {
  return JSON.stringify(passthrough(request, upstreamModel));
}
