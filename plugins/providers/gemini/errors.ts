import { SwitchyardError } from '../../../core/errors/switchyard-error.js';
import { readUpstreamErrorInfo, type UpstreamErrorInfo } from '../shared/upstream-error-body.js';

const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';
const TOO_LONG = /exceeds the maximum number of tokens/i;

/** `"37s"` or `"1.5s"`, the protobuf Duration spelling RetryInfo uses. */
function durationMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match ? Math.ceil(Number(match[1]) * 1000) : undefined;
}

/**
 * Google's `{error: {code, message, status, details}}`: RetryInfo in `details` says how long a
 * 429 wants us to wait, and an over-long prompt is only recognisable by its message.
 */
export function readGeminiErrorBody(text: string): UpstreamErrorInfo {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text.trim() === '' ? {} : { message: text.trim() };
  }
  const info = readUpstreamErrorInfo(body);
  const error = (Array.isArray(body) ? body[0] : body) as { error?: { status?: unknown; details?: unknown } };
  if (typeof error?.error?.status === 'string') info.type = error.error.status;
  const details = Array.isArray(error?.error?.details)
    ? (error.error.details as Record<string, unknown>[])
    : [];
  const retry = details.find((detail) => detail['@type'] === RETRY_INFO);
  const retryAfterMs = durationMs(retry?.retryDelay);
  if (retryAfterMs !== undefined) info.retryAfterMs = retryAfterMs;
  if (TOO_LONG.test(info.message ?? '')) info.code = 'context_length_exceeded';
  return info;
}

/** A prompt Gemini refused to answer at all (`promptFeedback.blockReason`). */
export function promptBlocked(providerId: string, reason: string): SwitchyardError {
  return new SwitchyardError(
    'SY_ERR_UPSTREAM_CONTENT_FILTERED',
    `Provider "${providerId}" blocked the prompt (${reason}).`,
    { provider: providerId },
  );
}
