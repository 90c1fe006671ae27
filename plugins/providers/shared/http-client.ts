import type { EventEmitter } from 'node:events';
import { Pool, type Dispatcher } from 'undici';
import type { UpstreamTimeouts } from './timeouts.js';
import type { ResponseHeaders } from './errors.js';

export interface UpstreamResponse {
  statusCode: number;
  headers: ResponseHeaders;
  body: Dispatcher.ResponseData['body'];
}

/** The provider's one keep-alive connection pool to its upstream origin. */
export interface HttpClient {
  /** Rejects with undici's own errors; the caller maps them (it knows which signal fired). */
  post(
    path: string,
    headers: Record<string, string>,
    body: string,
    /** An AbortSignal or an EventEmitter emitting 'abort' (see abort-scope.ts). */
    signal: AbortSignal | EventEmitter,
  ): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

export interface HttpClientOptions {
  origin: string;
  timeouts: Required<UpstreamTimeouts>;
  maxConnections?: number;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { timeouts } = options;
  // undici's request() on a Pool, not fetch(): no WHATWG stream and Response layers on the hot
  // path. The phase timeouts live here: connect on the connector, first byte as headersTimeout,
  // silence between chunks as bodyTimeout (0 switches each off).
  const pool = new Pool(options.origin, {
    connections: options.maxConnections ?? null,
    connect: { timeout: timeouts.connectMs },
    headersTimeout: timeouts.firstByteMs,
    bodyTimeout: timeouts.idleMs,
  });
  let closed = false;

  return {
    post(path, headers, body, signal) {
      // undici's response as it comes (it has statusCode, headers and body): no async layer of
      // our own and no second object per call.
      return pool.request({ origin: options.origin, path, method: 'POST', headers, body, signal });
    },
    async close() {
      if (closed) return;
      closed = true;
      // destroy(), not close(): close() waits for open streams, and shutdown has already waited.
      await pool.destroy();
    },
  };
}
