import type { EventEmitter } from 'node:events';
import { Pool, util, type Dispatcher } from 'undici';
import type { UpstreamTimeouts } from './timeouts.js';
import type { ResponseHeaders } from './errors.js';
import { UpstreamBody } from './upstream-body.js';

export interface UpstreamResponse {
  readonly statusCode: number;
  /** Every header, parsed when first read (an accepted call usually needs only its content type). */
  readonly headers: ResponseHeaders;
  /** The `content-type` header, or '' without one. */
  readonly contentType: string;
  readonly body: UpstreamBody;
}

/** An AbortSignal, or an EventEmitter emitting 'abort' with the same `aborted`/`reason` (see abort-scope.ts). */
export type CallAbortSignal =
  AbortSignal | (EventEmitter & { readonly aborted: boolean; readonly reason: unknown });

/** The provider's one keep-alive connection pool to its upstream origin. */
export interface HttpClient {
  /** Rejects with undici's own errors; the caller maps them (it knows which signal fired). */
  post(
    path: string,
    headers: Record<string, string>,
    body: string,
    signal: CallAbortSignal,
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
  // undici's Pool driven through dispatch(), not request() and not fetch(): the parser's chunks go
  // to the body's one consumer with no Readable, async resource or WHATWG layer in between
  // (./upstream-body.ts). The phase timeouts live here: connect on the connector, first byte as
  // headersTimeout, silence between chunks as bodyTimeout (0 switches each off).
  const pool = new Pool(options.origin, {
    connections: options.maxConnections ?? null,
    connect: { timeout: timeouts.connectMs },
    headersTimeout: timeouts.firstByteMs,
    bodyTimeout: timeouts.idleMs,
  });
  let closed = false;

  return {
    post(path, headers, body, signal) {
      return new Promise<UpstreamResponse>((resolve, reject) => {
        pool.dispatch(
          { origin: options.origin, path, method: 'POST', headers, body },
          new CallHandler(signal, resolve, reject),
        );
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      // destroy(), not close(): close() waits for open streams, and shutdown has already waited.
      await pool.destroy();
    },
  };
}

/**
 * A response as undici's parser reported it: headers stay raw until someone reads them (parsing
 * them all cost about 4 µs per call under load, for the one header a successful call reads).
 */
class Answer implements UpstreamResponse {
  #headers: ResponseHeaders | undefined = undefined;

  constructor(
    readonly statusCode: number,
    private readonly rawHeaders: Buffer[],
    readonly body: UpstreamBody,
  ) {}

  get headers(): ResponseHeaders {
    return (this.#headers ??= util.parseHeaders(this.rawHeaders) as ResponseHeaders);
  }

  get contentType(): string {
    const raw = this.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i] as Buffer;
      if (name.length === 12 && name.toString('latin1').toLowerCase() === 'content-type') {
        return (raw[i + 1] as Buffer).toString('latin1');
      }
    }
    return '';
  }
}

/** undici's RequestAbortedError has no public constructor; the same message and code. */
function requestAborted(): Error {
  return Object.assign(new Error('Request aborted'), { name: 'AbortError', code: 'UND_ERR_ABORTED' });
}

/**
 * One call, as undici's dispatcher sees it: resolves with the status and headers, then feeds the
 * body. An abort before the call reached a socket rejects at once and drops the call when its turn
 * comes (`onConnect`); on a socket it drops the connection; once the body is out, it destroys the
 * body with the reason.
 */
class CallHandler implements Dispatcher.DispatchHandler {
  #abort: ((reason?: Error) => void) | undefined = undefined;
  #reason: unknown = undefined;
  #body: UpstreamBody | undefined = undefined;
  #settled = false;

  constructor(
    private readonly signal: CallAbortSignal,
    private readonly resolve: (response: UpstreamResponse) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    if (signal.aborted) this.#reason = signal.reason ?? requestAborted();
    else if ('addEventListener' in signal) signal.addEventListener('abort', this.#onAbort, { once: true });
    else signal.once('abort', this.#onAbort);
  }

  readonly #onAbort = (): void => {
    const reason = this.signal.reason ?? requestAborted();
    this.#reason = reason;
    if (this.#body !== undefined) {
      this.#body.destroy(reason);
    } else if (this.#abort !== undefined) {
      this.#abort(reason as Error);
    } else {
      // Still queued for a connection (maxConnections): the caller hears now, not when a
      // connection frees up; onConnect then drops the call before it is written.
      this.#settled = true;
      this.#stopListening();
      this.reject(reason);
    }
  };

  #stopListening(): void {
    const signal = this.signal;
    if ('removeEventListener' in signal) signal.removeEventListener('abort', this.#onAbort);
    else signal.off('abort', this.#onAbort);
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.#reason !== undefined) {
      abort(this.#reason as Error);
      return;
    }
    this.#abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    // 1xx (100 Continue, 103 Early Hints) precede the real answer.
    if (statusCode < 200) return true;
    const abort = this.#abort;
    const body = new UpstreamBody({
      abort: (reason) => abort?.(reason as Error),
      resume,
    });
    this.#body = body;
    this.#settled = true;
    body.onClose(() => this.#stopListening());
    this.resolve(new Answer(statusCode, rawHeaders, body));
    return true;
  }

  onData(chunk: Buffer): boolean {
    return this.#body?.push(chunk) ?? true;
  }

  onComplete(): void {
    this.#body?.complete();
  }

  onError(error: Error): void {
    if (this.#settled) {
      this.#body?.fail(error);
      return;
    }
    this.#settled = true;
    this.#stopListening();
    this.reject(error);
  }
}
