/**
 * What every mock upstream shares: a real HTTP server on loopback, a queue of scripted
 * behaviours, request records, the generic faults (delay, reset, raw body, error status) and a
 * stream writer that can cut, reset or inject an error event part-way. Each vendor's mock adds
 * only its routes and wire format.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The faults every mock upstream can script. Fields combine: delay, then fail or answer. */
export interface MockFaults {
  /** Answer with this status and the vendor's error body (for status >= 400). */
  status?: number;
  /** `Retry-After` header: seconds, or any text such as an HTTP date. */
  retryAfter?: number | string;
  /** `retry-after-ms` header. */
  retryAfterMs?: number;
  /** Sent verbatim instead of any generated body, with `status` (default 200) and `contentType`. */
  rawBody?: string;
  contentType?: string;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Wait this long before sending anything (overrides the server's `latencyMs`). */
  delayFirstByteMs?: number;
  /** Destroy the socket instead of answering. */
  reset?: boolean;
  /** Stream this many events, then end the response cleanly without the closing events. */
  cutAfterChunks?: number;
  /** Stream this many events, then destroy the socket. */
  resetAfterChunks?: number;
  /** Stream this many events, then send the vendor's error event and end. */
  errorEventAfterChunks?: number;
  /** Pause between stream events (overrides the server's `chunkDelayMs`). */
  chunkDelayMs?: number;
}

export interface MockRequest<B> {
  method: string;
  /** Path and query as received, e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined when empty, the raw text when not JSON). */
  body: unknown;
  /** The body as it arrived, decoded as UTF-8. */
  text?: string;
  /** The behaviour applied. */
  behaviour: B;
  receivedAt: number;
  /** When the response was completely written. */
  finishedAt?: number;
  /** The client disconnected before the response was complete. */
  aborted: boolean;
  /** When the disconnect was seen (Date.now()). */
  abortedAt?: number;
}

export interface MockServer<B> {
  /** `http://127.0.0.1:port`. */
  readonly origin: string;
  readonly port: number;
  /** Requests received so far, recorded or not. */
  readonly calls: number;
  readonly requests: readonly MockRequest<B>[];
  /** Connections accepted so far; with `openConnections`, shows whether a client reuses sockets. */
  readonly connections: number;
  readonly openConnections: number;
  enqueue(...behaviours: B[]): void;
  setDefault(behaviour: B): void;
  /** Forgets queued behaviours, records and the call count. */
  reset(): void;
  close(): Promise<void>;
}

/** The options every mock upstream takes. */
export interface MockServerOptions<B> {
  /** Delay before the first byte of every answer. */
  latencyMs?: number;
  /** Delay between stream events. */
  chunkDelayMs?: number;
  /** The behaviour once the queue is empty. */
  defaultBehaviour?: B;
  /** Keep a record of each request (default true); the benchmark turns it off to save memory. */
  record?: boolean;
}

export interface MockServerSetup<B extends MockFaults> extends MockServerOptions<B> {
  /** Answers requests that are not model calls (a model list, a 404); false lets the call through. */
  route?(req: IncomingMessage, res: ServerResponse, path: string): boolean;
  /** The vendor's error body for a scripted error status. */
  errorBody(status: number, behaviour: B): string;
  /** Answers one model call once the generic faults were applied. */
  answer(res: ServerResponse, entry: MockRequest<B>, size: number): Promise<void> | void;
}

export const JSON_HEADERS = { 'content-type': 'application/json' };
export const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

/** Waits, but gives up as soon as the client disconnects; resolves whether to carry on. */
export function pause(ms: number, res: ServerResponse): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!res.destroyed);
  return new Promise((resolve) => {
    if (res.destroyed) return resolve(false);
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(!res.destroyed);
    }, ms);
    res.once('close', onClose);
  });
}

export function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}

export function sendMockError(res: ServerResponse, faults: MockFaults, status: number, body: string): void {
  const headers: Record<string, string> = { ...JSON_HEADERS, ...faults.headers };
  if (faults.retryAfter !== undefined) headers['retry-after'] = String(faults.retryAfter);
  if (faults.retryAfterMs !== undefined) headers['retry-after-ms'] = String(faults.retryAfterMs);
  res.writeHead(status, headers).end(body);
}

export interface StreamScript {
  /** Every event of a complete answer, each a full SSE block. */
  events: readonly string[];
  /** Written after all events of a complete answer (`data: [DONE]`), if anything. */
  trailer?: string;
  /** The vendor's error event, for `errorEventAfterChunks`. */
  errorEvent: string;
  chunkDelayMs: number;
}

/** Writes an event stream, applying the behaviour's stream faults. */
export async function writeEventStream(res: ServerResponse, faults: MockFaults, script: StreamScript) {
  const stopAt = faults.cutAfterChunks ?? faults.resetAfterChunks ?? faults.errorEventAfterChunks;
  res.writeHead(200, { ...SSE_HEADERS, ...faults.headers });
  if (script.chunkDelayMs <= 0 && stopAt === undefined)
    return void res.end(script.events.join('') + (script.trailer ?? ''));
  const count = Math.min(stopAt ?? script.events.length, script.events.length);
  let flushed: Promise<void> = Promise.resolve();
  for (let i = 0; i < count; i++) {
    if (i > 0 && !(await pause(script.chunkDelayMs, res))) return;
    flushed = new Promise((resolve) => res.write(script.events[i], () => resolve()));
  }
  if (faults.resetAfterChunks !== undefined) {
    // Let the events reach the client first: destroy() drops whatever is still buffered.
    await flushed;
    return void res.socket?.destroy();
  }
  if (faults.errorEventAfterChunks !== undefined) res.write(script.errorEvent);
  res.end(stopAt === undefined ? script.trailer : undefined);
}

async function readJsonBody(req: IncomingMessage): Promise<{ body: unknown; text: string; size: number }> {
  const parts: Buffer[] = [];
  for await (const part of req as AsyncIterable<Buffer>) parts.push(part);
  const text = Buffer.concat(parts).toString('utf8');
  if (text === '') return { body: undefined, text, size: 0 };
  try {
    return { body: JSON.parse(text) as unknown, text, size: text.length };
  } catch {
    return { body: text, text, size: text.length };
  }
}

export async function startMockServer<B extends MockFaults>(
  setup: MockServerSetup<B>,
): Promise<MockServer<B>> {
  const queue: B[] = [];
  let defaultBehaviour = setup.defaultBehaviour ?? ({} as B);
  let requests: MockRequest<B>[] = [];
  let calls = 0;
  let connections = 0;
  let openConnections = 0;
  const record = setup.record ?? true;

  const answer = async (req: IncomingMessage, res: ServerResponse, entry: MockRequest<B>, size: number) => {
    if (setup.route?.(req, res, (entry.path.split('?')[0] ?? '').replace(/\/+$/, ''))) return;
    const b = queue.shift() ?? defaultBehaviour;
    entry.behaviour = b;
    if (!(await pause(b.delayFirstByteMs ?? setup.latencyMs ?? 0, res))) return;
    if (b.reset) return void req.socket.destroy();
    if (b.rawBody !== undefined) {
      const headers = { 'content-type': b.contentType ?? 'application/json', ...b.headers };
      return void res.writeHead(b.status ?? 200, headers).end(b.rawBody);
    }
    if (b.status !== undefined && b.status >= 400)
      return sendMockError(res, b, b.status, setup.errorBody(b.status, b));
    await setup.answer(res, entry, size);
  };

  const server = createServer((req, res) => {
    calls++;
    const entry: MockRequest<B> = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body: undefined,
      behaviour: {} as B,
      receivedAt: Date.now(),
      aborted: false,
    };
    if (record) requests.push(entry);
    res.once('close', () => {
      // A reset we scripted ourselves is not a client abort.
      if (res.writableFinished) entry.finishedAt = Date.now();
      else if (!entry.behaviour.reset && entry.behaviour.resetAfterChunks === undefined) {
        entry.aborted = true;
        entry.abortedAt = Date.now();
      }
    });
    readJsonBody(req)
      .then(({ body, text, size }) => {
        entry.body = body;
        entry.text = text;
        return answer(req, res, entry, size);
      })
      .catch(() => {
        if (!res.headersSent && !res.destroyed)
          res.writeHead(500, JSON_HEADERS).end(setup.errorBody(500, {} as B));
        else res.destroy();
      });
  });
  server.on('connection', (socket) => {
    connections++;
    openConnections++;
    socket.once('close', () => openConnections--);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    get calls() {
      return calls;
    },
    get requests() {
      return requests;
    },
    get connections() {
      return connections;
    },
    get openConnections() {
      return openConnections;
    },
    enqueue: (...behaviours) => void queue.push(...behaviours),
    setDefault: (behaviour) => void (defaultBehaviour = behaviour),
    reset() {
      queue.length = 0;
      requests = [];
      calls = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
