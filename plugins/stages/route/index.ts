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
import { ABORT_SOURCE, RequestAbort, type SignalLike } from '../../../core/request-abort.js';
import { abortSourceOf } from '../../../core/request-context.js';

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

/**
 * `options.signal` when the attempt runs on the request's RequestAbort: the request's AbortSignal,
 * made only when a provider reads it (the shared HTTP upstream listens on ABORT_SOURCE instead).
 * An own enumerable accessor, so a copy of the options (`{ ...options }`) still has a signal.
 */
const LAZY_SIGNAL: PropertyDescriptor = {
  get(this: { [ABORT_SOURCE]: RequestAbort }): AbortSignal {
    return this[ABORT_SOURCE].signal;
  },
  enumerable: true,
  configurable: true,
};

/**
 * One attempt's call options: the trace headers, and the caller's own credentials for this
 * candidate's provider (BYOK), never another provider's.
 */
function callOptions(
  ctx: GatewayContext,
  candidate: Candidate,
  signal: SignalLike,
  headers: CallOptions['headers'],
): CallOptions {
  const upstreamModel = candidate.entry.upstreamModel;
  const credentials = ctx.caller?.credentials?.[candidate.entry.provider];
  let options: CallOptions;
  if (signal instanceof RequestAbort) {
    const lazy = { upstreamModel, headers, [ABORT_SOURCE]: signal };
    Object.defineProperty(lazy, 'signal', LAZY_SIGNAL);
    options = lazy as unknown as CallOptions;
  } else {
    options = { signal: signal as AbortSignal, upstreamModel, headers };
  }
  if (credentials) options.credentials = credentials;
  return options;
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
  const { value, candidate } = await runWithFailover<T, SignalLike>({
    candidates: ctx.plan?.candidates ?? [],
    policy: services.config.failover,
    // The RequestAbort of an HTTP request: no AbortSignal is made unless a provider wants one.
    signal: abortSourceOf(ctx),
    abortRequest: ctx.abortRequest,
    startedAt: ctx.startedAt,
    now: services.now,
    attempts: ctx.attempts,
    call: async (candidate, signal) => {
      const provider = providerFor(services, candidate);
      const attempt = observeAttempt(ctx, traced, candidate);
      try {
        const result = await call(provider, callOptions(ctx, candidate, signal, attempt.headers), candidate);
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
  ctx.response = (
    await dispatch(ctx, services, traced, (provider, options) => provider.chat(ctx.request, options))
  ).response;
}

async function dispatchStream(
  ctx: ChatContext,
  services: GatewayServices,
  traced: RequestTrace,
): Promise<void> {
  // Always ask upstream for usage so the request can be accounted; the accounting stage hides
  // the usage chunk again from a client that did not ask for it.
  // (Object.assign, not a spread: on Node 20 spreading a request object costs microseconds.)
  const asked = ctx.request.stream_options;
  const upstreamRequest: ChatCompletionRequest =
    asked?.include_usage === true
      ? ctx.request
      : Object.assign({}, ctx.request, { stream_options: Object.assign({}, asked, { include_usage: true }) });
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
