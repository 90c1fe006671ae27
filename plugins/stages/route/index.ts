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

function failoverInput(ctx: ChatContext | EmbeddingsContext, services: GatewayServices) {
  const candidates = ctx.plan?.candidates ?? [];
  return {
    candidates,
    policy: services.config.failover,
    signal: ctx.signal,
    abortRequest: ctx.abortRequest,
    startedAt: ctx.startedAt,
    now: services.now,
    attempts: ctx.attempts,
  };
}

async function dispatchChat(
  ctx: ChatContext,
  services: GatewayServices,
  traced: RequestTrace,
): Promise<void> {
  const { value, candidate } = await runWithFailover({
    ...failoverInput(ctx, services),
    call: async (candidate, signal) => {
      const attempt = observeAttempt(ctx, traced, candidate);
      try {
        const result = await providerFor(services, candidate).chat(ctx.request, {
          signal,
          upstreamModel: candidate.entry.upstreamModel,
          headers: attempt.headers,
          ...byok(ctx, candidate),
        });
        attempt.succeeded();
        return result.response;
      } catch (error) {
        attempt.failed(error, signal);
        throw error;
      }
    },
  });
  ctx.response = value;
  ctx.served = candidate.entry;
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
  const { value, candidate } = await runWithFailover({
    ...failoverInput(ctx, services),
    call: async (candidate, signal) => {
      const attempt = observeAttempt(ctx, traced, candidate);
      try {
        const result = await providerFor(services, candidate).chatStream(upstreamRequest, {
          signal,
          upstreamModel: candidate.entry.upstreamModel,
          headers: attempt.headers,
          ...byok(ctx, candidate),
        });
        const committed = await commitStream(result.chunks, candidate.entry.provider);
        attempt.succeeded();
        return committed;
      } catch (error) {
        attempt.failed(error, signal);
        throw error;
      }
    },
  });
  ctx.stream = value;
  ctx.served = candidate.entry;
}

async function dispatchEmbeddings(
  ctx: EmbeddingsContext,
  services: GatewayServices,
  traced: RequestTrace,
): Promise<void> {
  const { value, candidate } = await runWithFailover({
    ...failoverInput(ctx, services),
    call: async (candidate, signal) => {
      const provider = providerFor(services, candidate);
      if (!provider.embeddings) {
        throw new SwitchyardError(
          'SY_ERR_MODEL_UNSUPPORTED_OPERATION',
          `Provider ${candidate.entry.provider} does not serve embeddings.`,
          { param: 'model' },
        );
      }
      const attempt = observeAttempt(ctx, traced, candidate);
      try {
        const response = await provider.embeddings(ctx.request, {
          signal,
          upstreamModel: candidate.entry.upstreamModel,
          headers: attempt.headers,
          ...byok(ctx, candidate),
        });
        attempt.succeeded();
        return response;
      } catch (error) {
        attempt.failed(error, signal);
        throw error;
      }
    },
  });
  ctx.response = value;
  ctx.served = candidate.entry;
}
