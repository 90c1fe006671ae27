/**
 * W3C trace context for upstream calls, and OpenTelemetry spans when the host configured an SDK.
 *
 * The gateway depends only on `@opentelemetry/api`. With an SDK registered, each request gets a
 * `switchyard.request` span (child of the incoming `traceparent`) and each attempt a
 * `switchyard.attempt` span, whose id travels upstream in `traceparent`. Without one, the incoming
 * `traceparent` is passed on as it came, or, when there was none, a new trace is started (its id
 * taken from the request id, so logs and upstream traces correlate).
 */
import { randomBytes } from 'node:crypto';
import {
  context,
  isSpanContextValid,
  ProxyTracerProvider,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
import type { CatalogEntry } from '../catalog.js';
import type { GatewayContext } from '../context.js';
import { toSwitchyardError } from '../errors/switchyard-error.js';
import { ChatStream } from '../stream/chat-stream.js';
import type { ChatCompletionChunk } from '../types/openai.js';

const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** Lower-case hex digits from `from` to `to`, checked without a regular expression (hot path). */
function isHex(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/**
 * Parses a `traceparent` header (`00-<trace id>-<span id>-<flags>`; later versions may append
 * fields); undefined when absent or malformed, upper-case hex included, as the spec asks.
 */
export function parseTraceparent(value: string | undefined): SpanContext | undefined {
  if (value === undefined || value.length < 55) return undefined;
  if (value.charCodeAt(2) !== 45 || value.charCodeAt(35) !== 45 || value.charCodeAt(52) !== 45)
    return undefined;
  if (value.length > 55 && (value.startsWith('00') || value.charCodeAt(55) !== 45)) return undefined;
  if (!isHex(value, 0, 2) || !isHex(value, 3, 35) || !isHex(value, 36, 52) || !isHex(value, 53, 55))
    return undefined;
  const traceId = value.slice(3, 35);
  const spanId = value.slice(36, 52);
  if (value.startsWith('ff') || traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(value.slice(53, 55), 16), isRemote: true };
}

export function formatTraceparent(span: SpanContext): string {
  return `00-${span.traceId}-${span.spanId}-${(span.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

export type TraceHeaders = Readonly<Record<string, string>>;

declare module '../context.js' {
  interface GatewayState {
    /** The W3C trace id of the request's upstream calls (set by the route stage), for the log line. */
    traceId?: string;
  }
}

/** One attempt's span (when recording) and the headers that carry it upstream. */
export interface AttemptTrace {
  readonly headers: TraceHeaders;
  end(error?: unknown): void;
}

export interface RequestTrace {
  /** The trace id, for the log line. */
  readonly traceId: string;
  attempt(entry: CatalogEntry): AttemptTrace;
  /** Ends the request span (a no-op without an SDK). */
  end(error?: unknown): void;
  /** Ends the request span when the stream ends; returns the stream itself without an SDK. */
  endAfter(stream: AsyncIterable<ChatCompletionChunk>): AsyncIterable<ChatCompletionChunk>;
}

const noop = () => undefined;

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The gateway's tracer, taken once per gateway (the route stage, at boot): it follows a tracer
 * provider the host registers before or after that.
 */
export function switchyardTracer(): Tracer {
  return trace.getTracer('switchyard');
}

const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/** Whether a host registered a tracer provider (an SDK) through the API. */
function sdkRegistered(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NOOP_PROVIDER;
}

/** Starts the trace of one request (the route stage calls it once, before the first attempt). */
export function startRequestTrace(ctx: GatewayContext, tracer: Tracer): RequestTrace {
  const incoming = parseTraceparent(header(ctx.headers.traceparent));
  const tracestate = incoming ? header(ctx.headers.tracestate) : undefined;
  // The common case, kept cheap: no SDK, so no span objects and no context, just the header.
  if (!sdkRegistered()) return propagated(incoming ?? newSpanContext(ctx.requestId), tracestate);
  let parent: Context = context.active();
  if (incoming) parent = trace.setSpanContext(parent, incoming);
  const span = tracer.startSpan(
    'switchyard.request',
    { kind: SpanKind.SERVER, startTime: ctx.startedAt },
    parent,
  );
  if (!span.isRecording()) {
    // Not sampled: the SDK's (non-recording) child span, else as without an SDK.
    const own = span.spanContext();
    return propagated(
      isSpanContextValid(own) ? own : (incoming ?? newSpanContext(ctx.requestId)),
      tracestate,
    );
  }
  span.setAttributes({
    'switchyard.request_id': ctx.requestId,
    'switchyard.operation': ctx.operation,
    'gen_ai.request.model': ctx.request.model,
  });
  const requestContext = trace.setSpan(parent, span);
  const end = (error?: unknown) => {
    if (error !== undefined) fail(span, error);
    else if (ctx.served) span.setAttribute('gen_ai.response.model', ctx.served.ref);
    span.end();
  };
  return {
    traceId: span.spanContext().traceId,
    attempt(entry) {
      const child = tracer.startSpan(
        'switchyard.attempt',
        {
          kind: SpanKind.CLIENT,
          attributes: { 'switchyard.provider': entry.provider, 'switchyard.model': entry.model },
        },
        requestContext,
      );
      const headers: Record<string, string> = { traceparent: formatTraceparent(child.spanContext()) };
      if (tracestate) headers.tracestate = tracestate;
      return {
        headers,
        end(error) {
          if (error !== undefined) fail(child, error);
          child.end();
        },
      };
    },
    end,
    endAfter: (stream) => endAfterStream(stream, end),
  };
}

/** One traceparent for every attempt, nothing to end: a class, so no closures per request. */
class PropagatedTrace implements RequestTrace {
  private readonly only: AttemptTrace;
  constructor(
    readonly traceId: string,
    headers: TraceHeaders,
  ) {
    this.only = { headers, end: noop };
  }
  attempt(): AttemptTrace {
    return this.only;
  }
  end(): void {}
  endAfter(stream: AsyncIterable<ChatCompletionChunk>): AsyncIterable<ChatCompletionChunk> {
    return stream;
  }
}

function propagated(spanContext: SpanContext, tracestate: string | undefined): RequestTrace {
  const traceparent = formatTraceparent(spanContext);
  return new PropagatedTrace(spanContext.traceId, tracestate ? { traceparent, tracestate } : { traceparent });
}

function endAfterStream(
  stream: AsyncIterable<ChatCompletionChunk>,
  end: (error?: unknown) => void,
): AsyncIterable<ChatCompletionChunk> {
  return ChatStream.from(stream).use({ finally: (_outcome, error) => end(error) });
}

function fail(span: Span, error: unknown): void {
  const failure = toSwitchyardError(error);
  span.setAttribute('switchyard.error_code', failure.code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: failure.code });
}

/**
 * A new trace, named after the request when the id is one of ours (`req_<32 random hex>`): its
 * hex digits are the trace id and their second half the span id, so no randomness is drawn.
 */
function newSpanContext(requestId: string): SpanContext {
  if (requestId.length === 36 && requestId.startsWith('req_') && isHex(requestId, 4, 36)) {
    const traceId = requestId.slice(4);
    const spanId = requestId.slice(20);
    if (traceId !== ZERO_TRACE && spanId !== ZERO_SPAN) return { traceId, spanId, traceFlags: 0 };
  }
  return { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), traceFlags: 0 };
}
