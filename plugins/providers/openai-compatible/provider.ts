import type { CallOptions, Capability, Provider, ProviderCreateContext } from '../../../core/provider.js';
import type { ChatCompletion, EmbeddingsResponse } from '../../../core/types/openai.js';
import { readJson, sendCall } from '../shared/call.js';
import { createEndpoints } from './endpoints.js';
import { errorFromEvent, invalidResponse, type ErrorContext } from '../shared/errors.js';
import { createCallAuth, withCallHeaders } from '../shared/headers.js';
import { createHttpClient } from '../shared/http-client.js';
import { DEFAULT_TIMEOUTS } from '../shared/timeouts.js';
import type { OpenAICompatibleOptions } from './options.js';
import { createRedactor } from '../shared/redact.js';
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

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
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const endpoints = createEndpoints(options);
  const client = createHttpClient({
    origin: endpoints.origin,
    timeouts,
    maxConnections: options.maxConnections,
  });
  // Credentials live only in this closure and in `endpoints`' headers, never on the provider object.
  const ctx: ErrorContext = {
    providerId: context.id,
    redact: createRedactor(endpoints.headers.secrets),
    now: context.now,
    timeouts,
  };
  const callAuth = createCallAuth(endpoints.headers, ctx, endpoints.authHeaders);
  /** Sends a call with the caller's key when it brings one (BYOK), else the configured one. */
  const send = (path: string, accept: 'json' | 'stream', body: string, call: CallOptions) => {
    const auth = callAuth(accept, call.credentials);
    return sendCall(client, auth.ctx, {
      path,
      headers: withCallHeaders(auth.headers, call.headers),
      body,
      signal: call.signal,
    });
  };

  return {
    id: context.id,
    capabilities: OPENAI_COMPATIBLE_CAPABILITIES,

    async chat(request, call) {
      const path = endpoints.chatPath(call.upstreamModel);
      const accepted = await send(path, 'json', chatBody(request, call.upstreamModel, false), call);
      const payload = await readJson(accepted);
      if (!isRecord(payload) || !Array.isArray(payload.choices)) {
        throw unexpectedBody(accepted.ctx, payload, 'the completion has no choices');
      }
      return { response: payload as ChatCompletion };
    },

    async chatStream(request, call) {
      const path = endpoints.chatPath(call.upstreamModel);
      const accepted = await send(path, 'stream', chatBody(request, call.upstreamModel, true), call);
      const contentType = String(accepted.response.headers['content-type'] ?? '');
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

    close: () => client.close(),
  };
}
