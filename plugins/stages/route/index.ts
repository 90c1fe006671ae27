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
  type ObservedAttempt,
  type Provider,
} from '../../../core/index.js';
import type { Candidate, RoutingPlan } from '../../../core/index.js';
import { ABORT_SOURCE, RequestAbort, type SignalLike } from '../../../core/request-abort.js';
import { abortSourceOf } from '../../../core/request-context.js';
import { requestTextOf, withUsageRequested } from '../../../core/request-text.js';

export const routeStage = defineStage<Record<string, never>>({
  name: 'route',
  replacesRequest: true,
  optionsSchema: { type: 'object', additionalProperties: false },
  create(_options, services) {
    const tracer = switchyardTracer();
    // Not async: the dispatch is (one async function from here to the failover loop, so that a
    // request waiting on its upstream keeps as few suspended frames as possible).
    return function route(ctx, next) {
      // A stage before this one (a cache hit) may have answered already.
      if (ctx.response !== undefined || ctx.stream !== undefined) return next();
      // Without a plan there is nothing to try: say why, rather than "no candidates".
      if (ctx.plan === undefined) return Promise.reject(noPlan());
      return dispatch(ctx, ctx.plan, services, tracer, next);
    };
  },
});

/**
 * Runs the plan with failover and puts the answer (or the committed stream) on the context.
 * Every attempt is observed (trace span, breaker, metrics) and gets the trace headers and the
 * caller's own key for that provider only.
 */
async function dispatch(
  ctx: GatewayContext,
  plan: RoutingPlan,
  services: GatewayServices,
  tracer: ReturnType<typeof switchyardTracer>,
  next: () => Promise<void>,
): Promise<void> {
  // Trace context for the upstream calls, and spans when the host runs an OTel SDK.
  const traced = startRequestTrace(ctx, tracer);
  ctx.state.traceId = traced.traceId;
  try {
    const { value, candidate } = await runWithFailover<unknown, SignalLike, ObservedAttempt>({
      candidates: plan.candidates,
      policy: services.config.failover,
      // The RequestAbort of an HTTP request: no AbortSignal is made unless a provider wants one.
      signal: abortSourceOf(ctx),
      abortRequest: ctx.abortRequest,
      startedAt: ctx.startedAt,
      now: services.now,
      attempts: ctx.attempts,
      observe: (candidate) => observeAttempt(ctx, traced, candidate),
      call: attemptFor(ctx, services),
    });
    ctx.served = candidate.entry;
    if (ctx.operation === 'chat' && ctx.request.stream === true) {
      ctx.stream = traced.endAfter(value as NonNullable<ChatContext['stream']>);
    } else {
      ctx.response = value as ChatContext['response'] & EmbeddingsContext['response'];
      traced.end();
    }
  } catch (error) {
    traced.end(error);
    throw error;
  }
  servedHeaders(ctx, ctx.served, ctx.attempts.length);
  await next();
}

function noPlan(): SwitchyardError {
  return new SwitchyardError(
    'SY_ERR_INTERNAL',
    "No stage made a routing plan: put the 'policy' stage (or one of your own that sets ctx.plan) before 'route'.",
  );
}

function servedHeaders(ctx: GatewayContext, served: Candidate['entry'], attempts: number): void {
  ctx.responseHeaders['x-switchyard-provider'] = served.provider;
  ctx.responseHeaders['x-switchyard-model'] = served.model;
  ctx.responseHeaders['x-switchyard-attempts'] = String(attempts);
}

/** One attempt of the request's operation through `candidate`'s provider (not async: see route). */
function attemptFor(
  ctx: GatewayContext,
  services: GatewayServices,
): (
  candidate: Candidate,
  signal: SignalLike,
  observed: ObservedAttempt | undefined,
  last: boolean,
) => Promise<unknown> {
  if (ctx.operation === 'embeddings') {
    const request = ctx.request;
    return (candidate, signal, observed) => {
      const provider = providerFor(services, candidate);
      if (!provider.embeddings) {
        throw new SwitchyardError(
          'SY_ERR_MODEL_UNSUPPORTED_OPERATION',
          `Provider ${candidate.entry.provider} does not serve embeddings.`,
          { param: 'model' },
        );
      }
      return provider.embeddings(request, callOptions(ctx, candidate, signal, observed?.headers, undefined));
    };
  }
  const request = ctx.request;
  const text = requestTextOf(request);
  if (request.stream !== true) {
    return (candidate, signal, observed) =>
      providerFor(services, candidate)
        .chat(request, callOptions(ctx, candidate, signal, observed?.headers, text))
        .then(answerOf);
  }
  // Always ask upstream for usage so the request can be accounted; the accounting stage hides
  // the usage chunk again from a client that did not ask for it.
  // (Object.assign, not a spread: on Node 20 spreading a request object costs microseconds.)
  const asked = request.stream_options;
  const upstreamRequest: ChatCompletionRequest =
    asked?.include_usage === true
      ? request
      : Object.assign({}, request, { stream_options: Object.assign({}, asked, { include_usage: true }) });
  // The client's text spells the request sent upstream as it is, or with usage asked for when
  // the client did not mention stream_options at all.
  const upstreamText =
    text === undefined || upstreamRequest === request
      ? text
      : asked === undefined
        ? withUsageRequested(text)
        : undefined;
  return (candidate, signal, observed, last) =>
    providerFor(services, candidate)
      .chatStream(upstreamRequest, callOptions(ctx, candidate, signal, observed?.headers, upstreamText))
      .then((result) => {
        // Nothing can replace this attempt's answer now: the client may have the headers while
        // the upstream works on its first token (`streaming.earlyHeaders`).
        if (last && ctx.sendHeaders) {
          servedHeaders(ctx, candidate.entry, ctx.attempts.length + 1);
          ctx.sendHeaders();
        }
        // Failover stays possible until the upstream produced output (core/dispatch/commit-stream.ts).
        return commitStream(result.chunks, candidate.entry.provider);
      });
}

const answerOf = (result: { response: ChatContext['response'] }) => result.response;

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
  requestText: string | undefined,
): CallOptions {
  const upstreamModel = candidate.entry.upstreamModel;
  const credentials = ctx.caller?.credentials?.[candidate.entry.provider];
  let options: CallOptions;
  if (signal instanceof RequestAbort) {
    const lazy = { upstreamModel, headers, requestText, [ABORT_SOURCE]: signal };
    Object.defineProperty(lazy, 'signal', LAZY_SIGNAL);
    options = lazy as unknown as CallOptions;
  } else {
    options = { signal: signal as AbortSignal, upstreamModel, headers, requestText };
  }
  if (credentials) options.credentials = credentials;
  return options;
}
