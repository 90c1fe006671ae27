import type { CallOptions, ProviderCreateContext } from '../../../core/provider.js';
import { ABORT_SOURCE, type SignalLike } from '../../../core/request-abort.js';
import { sendCall, type AcceptedCall } from './call.js';
import type { ErrorContext } from './errors.js';
import {
  createCallAuth,
  createRequestHeaders,
  secretsOf,
  withCallHeaders,
  type AuthHeaders,
} from './headers.js';
import { createHttpClient } from './http-client.js';
import { createRedactor } from './redact.js';
import { DEFAULT_TIMEOUTS, type UpstreamTimeouts } from './timeouts.js';
import type { UpstreamErrorInfo } from './upstream-error-body.js';

export interface HttpUpstreamOptions {
  /** `https://host:port`, the key of the connection pool. */
  origin: string;
  /** Configured extra headers. */
  headers?: Readonly<Record<string, string>>;
  /** The credential headers, set last so nothing displaces them and scrubbed from every error. */
  credentials: Readonly<Record<string, string>>;
  /** The header(s) carrying a caller's own key (BYOK), which replace the configured key's. */
  authHeaders: AuthHeaders;
  /** More values to scrub from error texts (a bare key whose header value carries a prefix). */
  extraSecrets?: readonly string[];
  timeouts?: UpstreamTimeouts;
  maxConnections?: number;
  /** Reads the vendor's error body, when it is not OpenAI's shape. */
  readErrorBody?: (text: string) => UpstreamErrorInfo;
}

/** One vendor endpoint: its pool, fixed headers and error context, and a POST that maps failures. */
export interface HttpUpstream {
  /**
   * Resolves with a 2xx whose body is still unread; any other answer is thrown mapped. A call
   * with `credentials` sends the caller's key instead of the configured one; read what follows
   * through the accepted call's `ctx`, which scrubs that key.
   */
  post(path: string, accept: 'json' | 'stream', body: string, call: CallOptions): Promise<AcceptedCall>;
  close(): Promise<void>;
}

export function createHttpUpstream(
  options: HttpUpstreamOptions,
  context: ProviderCreateContext,
): HttpUpstream {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const client = createHttpClient({
    origin: options.origin,
    timeouts,
    maxConnections: options.maxConnections,
  });
  const fixed = createRequestHeaders(options.headers, options.credentials);
  const headers = options.extraSecrets
    ? { ...fixed, secrets: [...secretsOf(options.extraSecrets), ...fixed.secrets] }
    : fixed;
  // Credentials live only in this closure and in the headers, never on the provider object.
  const ctx: ErrorContext = {
    providerId: context.id,
    redact: createRedactor(headers.secrets),
    now: context.now,
    timeouts,
    ...(options.readErrorBody ? { readErrorBody: options.readErrorBody } : {}),
  };
  const callAuth = createCallAuth(headers, ctx, options.authHeaders);
  return {
    post: (path, accept, body, call) => {
      const auth = callAuth(accept, call.credentials);
      return sendCall(client, auth.ctx, {
        path,
        headers: withCallHeaders(auth.headers, call.headers),
        body,
        // The request's RequestAbort when the route stage passed one: no AbortSignal made for it.
        signal: (call as { [ABORT_SOURCE]?: SignalLike })[ABORT_SOURCE] ?? call.signal,
      });
    },
    close: () => client.close(),
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
