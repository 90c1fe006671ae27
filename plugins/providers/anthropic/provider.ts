import type { Capability, Provider, ProviderCreateContext } from '../../../core/provider.js';
import {
  chatCompletionFromAnthropic,
  chatRequestToAnthropic,
  type AnthropicMessage,
} from '../../../core/translate/anthropic/index.js';
import type { ChatCompletionRequest } from '../../../core/types/openai.js';
import { readJson } from '../shared/call.js';
import { errorFromEvent, invalidResponse, type ErrorContext } from '../shared/errors.js';
import { createHttpUpstream, isRecord } from '../shared/upstream.js';
import { ANTHROPIC_DEFAULTS, type AnthropicOptions } from './options.js';
import { createAnthropicChunkStream } from './stream.js';

/** No `embeddings`: Anthropic has no embeddings API. No `json_schema`: no response_format either. */
export const ANTHROPIC_CAPABILITIES: readonly Capability[] = [
  'chat',
  'streaming',
  'tools',
  'vision',
  'reasoning',
];

export function createAnthropicProvider(options: AnthropicOptions, context: ProviderCreateContext): Provider {
  const base = new URL(options.baseUrl ?? ANTHROPIC_DEFAULTS.baseUrl);
  const path = `${base.pathname.replace(/\/+$/, '')}/v1/messages`;
  const upstream = createHttpUpstream(
    {
      origin: base.origin,
      headers: options.headers,
      credentials: {
        'x-api-key': options.apiKey,
        'anthropic-version': options.anthropicVersion ?? ANTHROPIC_DEFAULTS.anthropicVersion,
      },
      authHeaders: (apiKey) => ({ 'x-api-key': apiKey }),
      timeouts: options.timeouts,
      maxConnections: options.maxConnections,
    },
    context,
  );
  const defaultMaxTokens = options.defaultMaxTokens ?? ANTHROPIC_DEFAULTS.defaultMaxTokens;
  const created = () => Math.floor(context.now() / 1000);

  const translate = (request: ChatCompletionRequest, upstreamModel: string, stream: boolean) => {
    const { body, warnings } = chatRequestToAnthropic(request, {
      upstreamModel,
      defaultMaxTokens,
      provider: context.id,
    });
    if (stream) body.stream = true;
    else delete body.stream;
    if (warnings.length > 0) context.logger.warn({ warnings }, 'settings ignored by the provider');
    return { body: JSON.stringify(body), warnings: warnings.length > 0 ? { warnings } : {} };
  };
  /** A 200 that carries Anthropic's error body is that error; anything else not a message is broken. */
  const unexpected = (ctx: ErrorContext, payload: unknown, what: string): Error =>
    isRecord(payload) && payload.type === 'error' ? errorFromEvent(ctx, payload) : invalidResponse(ctx, what);

  return {
    id: context.id,
    capabilities: ANTHROPIC_CAPABILITIES,

    async chat(request, call) {
      const { body, warnings } = translate(request, call.upstreamModel, false);
      const accepted = await upstream.post(path, 'json', body, call);
      const payload = await readJson(accepted);
      if (!isRecord(payload) || payload.type !== 'message' || !Array.isArray(payload.content)) {
        throw unexpected(accepted.ctx, payload, 'the answer is not a message');
      }
      return { response: chatCompletionFromAnthropic(payload as AnthropicMessage, created()), ...warnings };
    },

    async chatStream(request, call) {
      const { body, warnings } = translate(request, call.upstreamModel, true);
      const accepted = await upstream.post(path, 'stream', body, call);
      // A server that ignored `stream: true` answers with one JSON document; never an event stream.
      if (accepted.response.contentType.includes('json')) {
        throw unexpected(accepted.ctx, await readJson(accepted), 'expected an event stream, got JSON');
      }
      const includeUsage = request.stream_options?.include_usage === true;
      return {
        chunks: createAnthropicChunkStream(accepted, { created: created(), includeUsage }),
        ...warnings,
      };
    },

    close: () => upstream.close(),
  };
}
