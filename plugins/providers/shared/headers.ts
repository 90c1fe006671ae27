import type { CallOptions } from '../../../core/provider.js';

const USER_AGENT = 'switchyard';

export interface RequestHeaders {
  /** Headers for calls answered with JSON. */
  readonly json: Readonly<Record<string, string>>;
  /** Headers for calls answered with server-sent events. */
  readonly stream: Readonly<Record<string, string>>;
  /** Every credential value, so error texts can be scrubbed of them. */
  readonly secrets: readonly string[];
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
  // Short header values ("true", "v2") would make scrubbing mangle unrelated words.
  const secrets = [...Object.values(credentials), ...Object.values(extra ?? {})].filter(
    (value) => value.length >= 8,
  );
  return {
    json: { ...headers, accept: 'application/json' },
    stream: { ...headers, accept: 'text/event-stream' },
    secrets,
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
