import type { Capability, Provider, ProviderCreateContext } from '../../../core/provider.js';
import type { ChatCompletionRequest } from '../../../core/types/openai.js';
import { readJson } from '../shared/call.js';
import { errorFromEvent, invalidResponse } from '../shared/errors.js';
import { createHttpUpstream, isRecord } from '../shared/upstream.js';
import { embeddingsFromGemini, embeddingsToGemini } from './embeddings.js';
import { promptBlocked, readGeminiErrorBody } from './errors.js';
import { GEMINI_DEFAULTS, type GeminiOptions } from './options.js';
import { createGeminiChunkStream } from './stream.js';
import { chatRequestToGemini } from './translate-request.js';
import { chatCompletionFromGemini } from './translate-response.js';
import type { GeminiResponse } from './types.js';

export const GEMINI_CAPABILITIES: readonly Capability[] = [
  'chat',
  'streaming',
  'tools',
  'vision',
  'json_schema',
  'embeddings',
  'reasoning',
];

/** `gemini-2.5-flash` → `models/gemini-2.5-flash`; `tunedModels/x` stays; each segment is escaped. */
function modelPath(model: string): string {
  const path = model.includes('/') ? model : `models/${model}`;
  return path.split('/').map(encodeURIComponent).join('/');
}

export function createGeminiProvider(options: GeminiOptions, context: ProviderCreateContext): Provider {
  const base = new URL(options.baseUrl ?? GEMINI_DEFAULTS.baseUrl);
  const prefix = `${base.pathname.replace(/\/+$/, '')}/${options.apiVersion ?? GEMINI_DEFAULTS.apiVersion}`;
  const upstream = createHttpUpstream(
    {
      origin: base.origin,
      headers: options.headers,
      credentials: { 'x-goog-api-key': options.apiKey },
      authHeaders: (apiKey) => ({ 'x-goog-api-key': apiKey }),
      timeouts: options.timeouts,
      maxConnections: options.maxConnections,
      readErrorBody: readGeminiErrorBody,
    },
    context,
  );
  const url = (model: string, method: string) => `${prefix}/${modelPath(model)}:${method}`;
  const created = () => Math.floor(context.now() / 1000);

  const translate = (request: ChatCompletionRequest) => {
    const result = chatRequestToGemini(request, context.id, options.safetySettings);
    if (result.warnings.length > 0)
      context.logger.warn({ warnings: result.warnings }, 'settings ignored by the provider');
    return result;
  };
  const warningsOf = (warnings: string[]) => (warnings.length > 0 ? { warnings } : {});

  return {
    id: context.id,
    capabilities: GEMINI_CAPABILITIES,

    async chat(request, call) {
      const { body, warnings } = translate(request);
      const path = url(call.upstreamModel, 'generateContent');
      const accepted = await upstream.post(path, 'json', JSON.stringify(body), call);
      const { ctx } = accepted;
      const payload = await readJson(accepted);
      if (isRecord(payload) && isRecord(payload.error)) throw errorFromEvent(ctx, payload);
      if (!isRecord(payload)) throw invalidResponse(ctx, 'the answer is not an object');
      const response = payload as GeminiResponse;
      const blocked = response.promptFeedback?.blockReason;
      if (blocked && !response.candidates?.length) throw promptBlocked(context.id, blocked);
      if (!Array.isArray(response.candidates)) throw invalidResponse(ctx, 'the answer has no candidates');
      return {
        response: chatCompletionFromGemini(response, call.upstreamModel, created()),
        ...warningsOf(warnings),
      };
    },

    async chatStream(request, call) {
      const { body, warnings } = translate(request);
      const path = `${url(call.upstreamModel, 'streamGenerateContent')}?alt=sse`;
      const accepted = await upstream.post(path, 'stream', JSON.stringify(body), call);
      const { ctx } = accepted;
      if (accepted.response.contentType.includes('json')) {
        const payload = await readJson(accepted);
        if (isRecord(payload) && isRecord(payload.error)) throw errorFromEvent(ctx, payload);
        throw invalidResponse(ctx, 'expected an event stream, got JSON');
      }
      const stream = {
        model: call.upstreamModel,
        created: created(),
        includeUsage: request.stream_options?.include_usage === true,
      };
      return { chunks: createGeminiChunkStream(accepted, stream), ...warningsOf(warnings) };
    },

    async embeddings(request, call) {
      const { batch, body } = embeddingsToGemini(request, modelPath(call.upstreamModel), context.id);
      const method = batch ? 'batchEmbedContents' : 'embedContent';
      const accepted = await upstream.post(url(call.upstreamModel, method), 'json', body, call);
      const payload = await readJson(accepted);
      const response = isRecord(payload) ? embeddingsFromGemini(payload, request, batch) : undefined;
      if (!response) throw invalidResponse(accepted.ctx, 'the embeddings answer has no vectors');
      return response;
    },

    close: () => upstream.close(),
  };
}
