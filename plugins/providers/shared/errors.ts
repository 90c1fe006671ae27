import { SwitchyardError } from '../../../core/errors/switchyard-error.js';
import type { ErrorCode } from '../../../core/errors/codes.js';
import type { UpstreamTimeouts } from './timeouts.js';
import { parseErrorBody, readUpstreamErrorInfo, type UpstreamErrorInfo } from './upstream-error-body.js';

export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** What every mapping needs: who failed, how to scrub credentials, and the clock. */
export interface ErrorContext {
  providerId: string;
  redact: (text: string) => string;
  now: () => number;
  timeouts: Required<UpstreamTimeouts>;
  /** Reads the vendor's error body; OpenAI's shape and its common variants by default. */
  readErrorBody?: (text: string) => UpstreamErrorInfo;
}

// Long enough for any real upstream explanation, short enough to keep an HTML page out of logs.
const MAX_MESSAGE_CHARS = 500;

function header(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `retry-after-ms` (OpenAI, Azure) wins over `retry-after` in seconds or as an HTTP date. */
export function parseRetryAfterMs(headers: ResponseHeaders, now: number): number | undefined {
  const ms = Number(header(headers, 'retry-after-ms'));
  if (header(headers, 'retry-after-ms') !== undefined && Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  const value = header(headers, 'retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function describe(ctx: ErrorContext, what: string, detail: string | undefined): string {
  const text = detail === undefined ? '' : `: ${ctx.redact(detail).slice(0, MAX_MESSAGE_CHARS)}`;
  return `Provider "${ctx.providerId}" ${what}${text}`;
}

const CONTEXT_LENGTH = /context[_ ]length|context window|maximum context|prompt is too long/i;
const CONTENT_FILTER_CODES = new Set([
  'content_filter',
  'content_policy_violation',
  'ResponsibleAIPolicyViolation',
]);

/** Client-side 4xx: the three that tell the client something specific, else a plain bad request. */
function clientErrorCode(info: UpstreamErrorInfo): ErrorCode {
  if (info.code === 'context_length_exceeded' || CONTEXT_LENGTH.test(info.message ?? '')) {
    return 'SY_ERR_UPSTREAM_CONTEXT_LENGTH_EXCEEDED';
  }
  if ((info.code !== undefined && CONTENT_FILTER_CODES.has(info.code)) || info.type === 'content_filter') {
    return 'SY_ERR_UPSTREAM_CONTENT_FILTERED';
  }
  return 'SY_ERR_UPSTREAM_BAD_REQUEST';
}

function codeForStatus(status: number, info: UpstreamErrorInfo): ErrorCode {
  switch (status) {
    case 401:
    case 403:
      return 'SY_ERR_UPSTREAM_AUTHENTICATION';
    case 404:
      return 'SY_ERR_UPSTREAM_NOT_FOUND';
    case 408:
      return 'SY_ERR_UPSTREAM_TIMEOUT';
    case 429:
      return 'SY_ERR_UPSTREAM_RATE_LIMITED';
    case 503:
    case 529:
      return 'SY_ERR_UPSTREAM_OVERLOADED';
  }
  if (status >= 500) return 'SY_ERR_UPSTREAM_SERVER_ERROR';
  if (status >= 400) return clientErrorCode(info);
  return 'SY_ERR_UPSTREAM_INVALID_RESPONSE';
}

function fromInfo(
  ctx: ErrorContext,
  status: number,
  info: UpstreamErrorInfo,
  retryAfterMs: number | undefined,
  what = `answered ${status}`,
): SwitchyardError {
  const code = codeForStatus(status, info);
  // Errors the client caused keep the upstream's status and param; the rest use the table's.
  const clientFault =
    status >= 400 &&
    status < 500 &&
    ![401, 403, 404, 408, 429].includes(status) &&
    code !== 'SY_ERR_UPSTREAM_INVALID_RESPONSE';
  return new SwitchyardError(code, describe(ctx, what, info.message ?? info.code ?? info.type), {
    provider: ctx.providerId,
    ...(clientFault ? { status, param: info.param ?? null } : {}),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** An HTTP error response: the status decides the code, the body refines 4xx. */
export function errorFromResponse(
  ctx: ErrorContext,
  status: number,
  headers: ResponseHeaders,
  bodyText: string,
): SwitchyardError {
  const info = (ctx.readErrorBody ?? parseErrorBody)(bodyText);
  return fromInfo(ctx, status, info, parseRetryAfterMs(headers, ctx.now()) ?? info.retryAfterMs);
}

/** An error sent inside a 200 stream (`data: {"error": {...}}`): no status line to go on. */
export function errorFromEvent(ctx: ErrorContext, payload: unknown): SwitchyardError {
  const info = readUpstreamErrorInfo(payload);
  const what = 'sent an error event';
  if (info.status !== undefined) return fromInfo(ctx, info.status, info, undefined, what);
  const hint = `${info.code ?? ''} ${info.type ?? ''}`;
  let status = 500;
  if (/rate_limit/i.test(hint)) status = 429;
  else if (/overloaded/i.test(hint)) status = 529;
  else if (/invalid_request|context_length|content_filter/i.test(hint)) status = 400;
  return fromInfo(ctx, status, info, undefined, what);
}

export function invalidResponse(ctx: ErrorContext, detail: string, cause?: unknown): SwitchyardError {
  return new SwitchyardError(
    'SY_ERR_UPSTREAM_INVALID_RESPONSE',
    describe(ctx, 'answered in a broken shape', detail),
    {
      provider: ctx.providerId,
      ...(cause === undefined ? {} : { cause: sanitize(cause, ctx.redact) }),
    },
  );
}

/** A clean end of the body that came before [DONE] and before any finish reason. */
export function streamEndedEarly(ctx: ErrorContext): SwitchyardError {
  // Retryable server error, not STREAM_INTERRUPTED: only the dispatcher knows whether the client
  // has already seen bytes, and it converts the code once it has.
  return new SwitchyardError(
    'SY_ERR_UPSTREAM_SERVER_ERROR',
    describe(ctx, 'stream ended before completion', undefined),
    {
      provider: ctx.providerId,
    },
  );
}

export function totalTimeout(ctx: ErrorContext): SwitchyardError {
  return new SwitchyardError(
    'SY_ERR_UPSTREAM_TIMEOUT',
    describe(ctx, `did not finish within ${ctx.timeouts.totalMs} ms`, undefined),
    {
      provider: ctx.providerId,
    },
  );
}

function errorCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as { code?: unknown; errors?: unknown };
  if (typeof record.code === 'string') return record.code;
  // Happy-eyeballs connects fail with an AggregateError of one error per address.
  if (Array.isArray(record.errors)) return errorCodeOf(record.errors[0]);
  return undefined;
}

/**
 * A copy that keeps only name, code and message: undici errors can reach the socket and, from
 * there, the queued request with its headers, so the original must not travel with the error.
 */
function sanitize(error: unknown, redact: (text: string) => string): Error {
  const copy = new Error(redact(error instanceof Error ? error.message : String(error)));
  copy.name = error instanceof Error ? error.name : 'Error';
  const code = errorCodeOf(error);
  if (code !== undefined) Object.assign(copy, { code });
  return copy;
}

/** A failure below HTTP: connect, socket, TLS, or one of undici's phase timeouts. */
export function errorFromTransport(ctx: ErrorContext, error: unknown): SwitchyardError {
  const code = errorCodeOf(error);
  const detail = error instanceof Error ? error.message : String(error);
  const options = { provider: ctx.providerId, cause: sanitize(error, ctx.redact) };
  const timeout = (what: string) =>
    new SwitchyardError('SY_ERR_UPSTREAM_TIMEOUT', describe(ctx, what, undefined), options);
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return timeout(`did not accept a connection within ${ctx.timeouts.connectMs} ms`);
    case 'UND_ERR_HEADERS_TIMEOUT':
      return timeout(`sent no response headers within ${ctx.timeouts.firstByteMs} ms`);
    case 'UND_ERR_BODY_TIMEOUT':
      return timeout(`went silent for ${ctx.timeouts.idleMs} ms`);
  }
  return new SwitchyardError(
    'SY_ERR_UPSTREAM_CONNECTION',
    describe(ctx, 'could not be reached', detail),
    options,
  );
}
