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
import type { ChatCompletionChunk } from '../types/openai.js';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** Parses a `traceparent` header; undefined when absent or malformed (then it is not propagated). */
export function parseTraceparent(value: string | undefined): SpanContext | undefined {
  if (value === undefined) return undefined;
  const match = TRACEPARENT.exec(value.trim().toLowerCase());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags] = match as unknown as [string, string, string, string, string];
  if (version === 'ff' || traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16), isRemote: true };
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

/** Starts the trace of one request (the route stage calls it once, before the first attempt). */
export function startRequestTrace(ctx: GatewayContext, tracer: Tracer): RequestTrace {
  const incoming = parseTraceparent(header(ctx.headers.traceparent));
  const tracestate = incoming ? header(ctx.headers.tracestate) : undefined;
  let parent: Context = context.active();
  if (incoming) parent = trace.setSpanContext(parent, incoming);
  const span = tracer.startSpan(
    'switchyard.request',
    { kind: SpanKind.SERVER, startTime: ctx.startedAt },
    parent,
  );
  if (!span.isRecording()) {
    // No SDK, or not sampled: one traceparent for every attempt, nothing to end.
    const own = span.spanContext();
    const spanContext = isSpanContextValid(own) ? own : newSpanContext(ctx.requestId);
    const headers: Record<string, string> = { traceparent: formatTraceparent(spanContext) };
    if (tracestate) headers.tracestate = tracestate;
    const attempt: AttemptTrace = { headers, end: noop };
    return { traceId: spanContext.traceId, attempt: () => attempt, end: noop, endAfter: (stream) => stream };
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

async function* endAfterStream(
  stream: AsyncIterable<ChatCompletionChunk>,
  end: (error?: unknown) => void,
): AsyncGenerator<ChatCompletionChunk> {
  let failure: unknown;
  try {
    yield* stream;
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    end(failure);
  }
}

function fail(span: Span, error: unknown): void {
  const failure = toSwitchyardError(error);
  span.setAttribute('switchyard.error_code', failure.code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: failure.code });
}

/** A new trace: the id from the request id when it is one of ours (`req_<32 hex>`), else random. */
function newSpanContext(requestId: string): SpanContext {
  const hex = requestId.startsWith('req_') ? requestId.slice(4) : '';
  const traceId = /^[0-9a-f]{32}$/.test(hex) && hex !== ZERO_TRACE ? hex : randomBytes(16).toString('hex');
  return { traceId, spanId: randomBytes(8).toString('hex'), traceFlags: 0 };
}
