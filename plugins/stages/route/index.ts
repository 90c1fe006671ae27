/**
 * Route & dispatch: calls the plan's candidates through their providers, with failover, and
 * puts the answer (or the committed stream) on the context.
 */
import {
  commitStream,
  defineStage,
  observeAttempt,
  runWithFailover,
  startRequestTrace,
  switchyardTracer,
  SwitchyardError,
  type CallOptions,
  type ChatCompletionRequest,
  type ChatContext,
  type EmbeddingsContext,
  type GatewayContext,
  type GatewayServices,
  type Provider,
  type RequestTrace,
} from '../../../core/index.js';
import type { Candidate } from '../../../core/index.js';

export const routeStage = defineStage<Record<string, never>>({
  name: 'route',
  optionsSchema: { type: 'object', additionalProperties: false },
  create(_options, services) {
    const tracer = switchyardTracer();
    return async function route(ctx, next) {
      // A stage before this one (a cache hit) may have answered already.
      if (ctx.response === undefined && ctx.stream === undefined) {
        // Trace context for the upstream calls, and spans when the host runs an OTel SDK.
        const traced = startRequestTrace(ctx, tracer);
        ctx.state.traceId = traced.traceId;
        try {
          if (ctx.operation === 'embeddings') await dispatchEmbeddings(ctx, services, traced);
          else if (ctx.request.stream === true) await dispatchStream(ctx, services, traced);
          else await dispatchChat(ctx, services, traced);
        } catch (error) {
          traced.end(error);
          throw error;
        }
        if (ctx.operation === 'chat' && ctx.stream) ctx.stream = traced.endAfter(ctx.stream);
        else traced.end();
        const served = ctx.served;
        if (served) {
          ctx.responseHeaders['x-switchyard-provider'] = served.provider;
          ctx.responseHeaders['x-switchyard-model'] = served.model;
        }
        ctx.responseHeaders['x-switchyard-attempts'] = String(ctx.attempts.length);
      }
      await next();
    };
  },
});

function providerFor(services: GatewayServices, candidate: Candidate): Provider {
  const provider = services.providers.get(candidate.entry.provider);
  if (!provider) {
    throw new SwitchyardError('SY_ERR_INTERNAL', `Provider ${candidate.entry.provider} is not running.`);
  }
  return provider;
}

/** The caller's own credentials for this candidate's provider (BYOK); never another provider's. */
function byok(ctx: GatewayContext, candidate: Candidate): { credentials?: { apiKey: string } } {
  const credentials = ctx.caller?.credentials?.[candidate.entry.provider];
  return credentials ? { credentials } : {};
}

/**
 * Runs the plan with failover: `call` makes one attempt through a provider; every attempt is
 * observed (trace span, breaker, metrics) and gets the trace headers and the caller's own key
 * for that provider only.
 */
async function dispatch<T>(
  ctx: ChatContext | EmbeddingsContext,
  services: GatewayServices,
  traced: RequestTrace,
  call: (provider: Provider, options: CallOptions, candidate: Candidate) => Promise<T>,
): Promise<T> {
  const { value, candidate } = await runWithFailover({
    candidates: ctx.plan?.candidates ?? [],
    policy: services.config.failover,
    signal: ctx.signal,
    abortRequest: ctx.abortRequest,
    startedAt: ctx.startedAt,
    now: services.now,
    attempts: ctx.attempts,
    call: async (candidate, signal) => {
      const provider = providerFor(services, candidate);
      const attempt = observeAttempt(ctx, traced, candidate);
      try {
        const options: CallOptions = {
          signal,
          upstreamModel: candidate.entry.upstreamModel,
          headers: attempt.headers,
          ...byok(ctx, candidate),
        };
        const result = await call(provider, options, candidate);
        attempt.succeeded();
        return result;
      } catch (error) {
        attempt.failed(error, signal);
        throw error;
      }
    },
  });
  ctx.served = candidate.entry;
  return value;
}

async function dispatchChat(
  ctx: ChatContext,
  services: GatewayServices,
  traced: RequestTrace,
): Promise<void> {
  ctx.response = await dispatch(
    ctx,
    services,
    traced,
    async (provider, options) => (await provider.chat(ctx.request, options)).response,
  );
}

async function dispatchStream(
  ctx: ChatContext,
  services: GatewayServices,
  traced: RequestTrace,
): Promise<void> {
  // Always ask upstream for usage so the request can be accounted; the accounting stage hides
  // the usage chunk again from a client that did not ask for it.
  const upstreamRequest: ChatCompletionRequest = {
    ...ctx.request,
    stream_options: { ...ctx.request.stream_options, include_usage: true },
  };
  ctx.stream = await dispatch(ctx, services, traced, async (provider, options, candidate) => {
    const result = await provider.chatStream(upstreamRequest, options);
    // Failover stays possible until the upstream produced output (core/dispatch/commit-stream.ts).
    return commitStream(result.chunks, candidate.entry.provider);
  });
}

async function dispatchEmbeddings(
  ctx: EmbeddingsContext,
  services: GatewayServices,
  traced: RequestTrace,
): Promise<void> {
  ctx.response = await dispatch(ctx, services, traced, (provider, options, candidate) => {
    if (!provider.embeddings) {
      throw new SwitchyardError(
        'SY_ERR_MODEL_UNSUPPORTED_OPERATION',
        `Provider ${candidate.entry.provider} does not serve embeddings.`,
        { param: 'model' },
      );
    }
    return provider.embeddings(ctx.request, options);
  });
}
