import type { CallOptions } from '../../../core/provider.js';
import type { ErrorContext } from './errors.js';
import { createRedactor } from './redact.js';

const USER_AGENT = 'switchyard';
// Short header values ("true", "v2") would make scrubbing mangle unrelated words.
const MIN_SECRET_LENGTH = 8;

export interface RequestHeaders {
  /** Headers for calls answered with JSON. */
  readonly json: Readonly<Record<string, string>>;
  /** Headers for calls answered with server-sent events. */
  readonly stream: Readonly<Record<string, string>>;
  /** Every credential value, so error texts can be scrubbed of them. */
  readonly secrets: readonly string[];
}

/** The header(s) that carry a key in the vendor's own format, e.g. `{ authorization: 'Bearer …' }`. */
export type AuthHeaders = (apiKey: string) => Record<string, string>;

/** The values worth scrubbing from error texts, in order. */
export function secretsOf(values: Iterable<string>): string[] {
  return [...values].filter((value) => value.length >= MIN_SECRET_LENGTH);
}

/**
 * A provider's fixed headers: configured extras first, so they can never displace the content
 * type or the credentials, which are set last.
 */
export function createRequestHeaders(
  extra: Readonly<Record<string, string>> | undefined,
  credentials: Readonly<Record<string, string>>,
): RequestHeaders {
  const headers: Record<string, string> = { 'user-agent': USER_AGENT };
  for (const [name, value] of Object.entries(extra ?? {})) headers[name.toLowerCase()] = value;
  headers['content-type'] = 'application/json';
  for (const [name, value] of Object.entries(credentials)) headers[name.toLowerCase()] = value;
  const secrets = secretsOf([...Object.values(credentials), ...Object.values(extra ?? {})]);
  return {
    json: { ...headers, accept: 'application/json' },
    stream: { ...headers, accept: 'text/event-stream' },
    secrets,
  };
}

/** The headers and error context of one call. */
export interface CallAuth {
  readonly headers: Readonly<Record<string, string>>;
  /** Scrubs the configured secrets and, for a call with the caller's own key, that key too. */
  readonly ctx: ErrorContext;
}

export type ResolveCallAuth = (
  accept: 'json' | 'stream',
  credentials: CallOptions['credentials'],
) => CallAuth;

/**
 * Picks each call's credentials. A call without caller credentials gets the provider's fixed
 * headers and shared error context as they are: nothing is built per call. A call with them
 * (bring-your-own-key) sends the caller's key in the vendor's auth header in place of the
 * configured one, and its errors are scrubbed of that key as they are of the configured ones.
 */
export function createCallAuth(
  fixed: RequestHeaders,
  ctx: ErrorContext,
  authHeaders: AuthHeaders,
): ResolveCallAuth {
  const shared = { json: { headers: fixed.json, ctx }, stream: { headers: fixed.stream, ctx } };
  return (accept, credentials) => {
    if (credentials === undefined) return shared[accept];
    const { apiKey } = credentials;
    const headers: Record<string, string> = { ...fixed[accept] };
    const values: string[] = [apiKey];
    for (const [name, value] of Object.entries(authHeaders(apiKey))) {
      headers[name.toLowerCase()] = value;
      values.push(value);
    }
    // The bare key first: an upstream that echoes it back drops any `Bearer ` prefix. Then
    // whatever the shared context scrubs (the configured secrets).
    const scrubCallerKey = createRedactor(secretsOf(values));
    return { headers, ctx: { ...ctx, redact: (text) => ctx.redact(scrubCallerKey(text)) } };
  };
}

/** Propagated headers never override the provider's own (auth, content type). */
export function withCallHeaders(
  base: Readonly<Record<string, string>>,
  extra: CallOptions['headers'],
): Record<string, string> {
  if (extra === undefined) return base as Record<string, string>;
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries(extra)) merged[name.toLowerCase()] = value;
  return Object.assign(merged, base);
}
