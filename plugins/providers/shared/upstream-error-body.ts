/** What an upstream said about a failure, read from whichever error shape it uses. */
export interface UpstreamErrorInfo {
  message?: string;
  code?: string;
  type?: string;
  param?: string | null;
  /** An HTTP status carried inside the body (vLLM and some proxies put it in `code`). */
  status?: number;
  /** A wait the body asked for (Google's RetryInfo), used when no Retry-After header says so. */
  retryAfterMs?: number;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/**
 * Accepts OpenAI's `{error: {message, type, code, param}}` and the variants compatible servers
 * send: `{error: "text"}`, a bare `{message, type, code}`, `[{error: ...}]`, `{detail: "..."}`.
 */
export function readUpstreamErrorInfo(body: unknown): UpstreamErrorInfo {
  const top = asRecord(Array.isArray(body) ? body[0] : body);
  if (!top) return {};
  const error = top.error;
  if (typeof error === 'string') return { message: error };
  const record = asRecord(error) ?? top;
  const info: UpstreamErrorInfo = {};
  const message = asText(record.message) ?? asText(top.detail);
  if (message !== undefined) info.message = message;
  // Azure nests the filter verdict: {code: "content_filter", innererror: {code: ...}}.
  const code = asText(record.code) ?? asText(asRecord(record.innererror)?.code);
  if (code !== undefined) info.code = code;
  const type = asText(record.type);
  if (type !== undefined) info.type = type;
  if (typeof record.param === 'string' || record.param === null) info.param = record.param;
  const status = [record.status, record.code, top.status].find(
    (value): value is number => typeof value === 'number' && value >= 100 && value <= 599,
  );
  if (status !== undefined) info.status = status;
  return info;
}

/** The body's JSON, or the raw text when it is not JSON (an HTML error page, say). */
export function parseErrorBody(text: string): UpstreamErrorInfo {
  try {
    return readUpstreamErrorInfo(JSON.parse(text));
  } catch {
    const trimmed = text.trim();
    return trimmed === '' ? {} : { message: trimmed };
  }
}
