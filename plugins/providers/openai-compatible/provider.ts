import type { Capability, Provider, ProviderCreateContext } from '../../../core/provider.js';
import type { ChatCompletion, EmbeddingsResponse } from '../../../core/types/openai.js';
import { readJson } from '../shared/call.js';
import { createEndpoints } from './endpoints.js';
import { errorFromEvent, invalidResponse, type ErrorContext } from '../shared/errors.js';
import { createHttpUpstream, isRecord } from '../shared/upstream.js';
import type { OpenAICompatibleOptions } from './options.js';
import { chatBody, embeddingsBody } from './request-body.js';
import { createChunkStream } from './stream.js';

/** Everything passes through untouched, so the catalog, not the plugin, says what a model can do. */
export const OPENAI_COMPATIBLE_CAPABILITIES: readonly Capability[] = [
  'chat',
  'streaming',
  'tools',
  'vision',
  'json_schema',
  'embeddings',
  'reasoning',
];

/** A 200 that is really an error (some compatible servers do this) or a body of the wrong shape. */
function unexpectedBody(ctx: ErrorContext, payload: unknown, what: string): Error {
  if (isRecord(payload) && payload.error !== undefined && payload.error !== null)
    return errorFromEvent(ctx, payload);
  return invalidResponse(ctx, what);
}

export function createOpenAICompatibleProvider(
  options: OpenAICompatibleOptions,
  context: ProviderCreateContext,
): Provider {
  const endpoints = createEndpoints(options);
  const upstream = createHttpUpstream(
    {
      origin: endpoints.origin,
      headers: options.headers,
      credentials: endpoints.credentials,
      extraSecrets: endpoints.extraSecrets,
      authHeaders: endpoints.authHeaders,
      timeouts: options.timeouts,
      maxConnections: options.maxConnections,
    },
    context,
  );
  const send = upstream.post;

  return {
    id: context.id,
    capabilities: OPENAI_COMPATIBLE_CAPABILITIES,

    async chat(request, call) {
      const path = endpoints.chatPath(call.upstreamModel);
      const accepted = await send(
        path,
        'json',
        chatBody(request, call.upstreamModel, false, call.requestText),
        call,
      );
      const payload = await readJson(accepted);
      if (!isRecord(payload) || !Array.isArray(payload.choices)) {
        throw unexpectedBody(accepted.ctx, payload, 'the completion has no choices');
      }
      return { response: payload as ChatCompletion };
    },

    async chatStream(request, call) {
      const path = endpoints.chatPath(call.upstreamModel);
      const accepted = await send(
        path,
        'stream',
        chatBody(request, call.upstreamModel, true, call.requestText),
        call,
      );
      const contentType = accepted.response.contentType;
      // A server that ignored `stream: true` answers with one JSON document; never an event stream.
      if (contentType.includes('json')) {
        const payload = await readJson(accepted);
        throw unexpectedBody(accepted.ctx, payload, 'expected an event stream, got JSON');
      }
      return { chunks: createChunkStream(accepted) };
    },

    async embeddings(request, call) {
      const path = endpoints.embeddingsPath(call.upstreamModel);
      const accepted = await send(path, 'json', embeddingsBody(request, call.upstreamModel), call);
      const payload = await readJson(accepted);
      if (!isRecord(payload) || !Array.isArray(payload.data)) {
        throw unexpectedBody(accepted.ctx, payload, 'the embeddings response has no data');
      }
      return payload as EmbeddingsResponse;
    },

    close: () => upstream.close(),
  };
}
