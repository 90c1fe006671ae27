/**
 * A real HTTP server on loopback that speaks OpenAI's wire format, for tests and the benchmark.
 * Faults are scripted per call: enqueued behaviours are consumed in order, then the default.
 *
 * @example
 * const upstream = await startMockOpenAIUpstream();
 * upstream.enqueue({ status: 429, retryAfter: 1 }, { cutAfterChunks: 2 });
 * // point an openai-compatible provider at upstream.url, then
 * await upstream.close();
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DONE_EVENT,
  embeddingsAnswer,
  errorAnswer,
  estimateTokens,
  modelsAnswer,
  wireAnswer,
  type WireError,
  type WireToolCall,
} from './mock-openai-wire.js';

/** What the upstream does with one call. Fields combine: delay, then fail or answer. */
export interface MockUpstreamBehaviour {
  /** Answer with this status and an OpenAI error body (for status >= 400). */
  status?: number;
  /** `Retry-After` header: seconds, or any text such as an HTTP date. */
  retryAfter?: number | string;
  /** `retry-after-ms` header. */
  retryAfterMs?: number;
  /** Fields merged into the error body. */
  error?: WireError;
  /** Sent verbatim instead of any generated body, with `status` (default 200) and `contentType`. */
  rawBody?: string;
  contentType?: string;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Wait this long before sending anything (overrides the server's `latencyMs`). */
  delayFirstByteMs?: number;
  /** Destroy the socket instead of answering. */
  reset?: boolean;
  /** Stream this many chunks, then end the response cleanly without finish reason or [DONE]. */
  cutAfterChunks?: number;
  /** Stream this many chunks, then destroy the socket. */
  resetAfterChunks?: number;
  /** Stream this many chunks, then send `data: {"error": ...}` and end. */
  errorEventAfterChunks?: number;
  errorEvent?: WireError;
  /** Pause between stream chunks (overrides the server's `chunkDelayMs`). */
  chunkDelayMs?: number;
  /** The assistant text. */
  reply?: string;
  /** Answer with a tool call instead of text; streamed as argument fragments. */
  toolCall?: WireToolCall;
}

export interface MockUpstreamOptions {
  /** Delay before the first byte of every answer. */
  latencyMs?: number;
  /** Delay between stream chunks. */
  chunkDelayMs?: number;
  /** The behaviour once the queue is empty. */
  defaultBehaviour?: MockUpstreamBehaviour;
  /** Listed by /v1/models. */
  models?: string[];
  embeddingDimensions?: number;
  /** Keep a record of each request (default true); the benchmark turns it off to save memory. */
  record?: boolean;
}

export interface MockUpstreamRequest {
  method: string;
  /** Path and query as received, e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined when empty, the raw text when not JSON). */
  body: unknown;
  /** The behaviour applied. */
  behaviour: MockUpstreamBehaviour;
  receivedAt: number;
  /** When the response was completely written. */
  finishedAt?: number;
  /** The client disconnected before the response was complete. */
  aborted: boolean;
  /** When the disconnect was seen (Date.now()). */
  abortedAt?: number;
}

export interface MockOpenAIUpstream {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:43121/v1`. */
  readonly url: string;
  /** `http://127.0.0.1:port`. */
  readonly origin: string;
  readonly port: number;
  /** Requests received so far, recorded or not. */
  readonly calls: number;
  readonly requests: readonly MockUpstreamRequest[];
  /** Connections accepted so far; with `openConnections`, shows whether a client reuses sockets. */
  readonly connections: number;
  /** Connections currently open. */
  readonly openConnections: number;
  enqueue(...behaviours: MockUpstreamBehaviour[]): void;
  setDefault(behaviour: MockUpstreamBehaviour): void;
  /** Forgets queued behaviours, records and the call count. */
  reset(): void;
  close(): Promise<void>;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };
const DEFAULT_REPLY = 'Hello from the mock upstream.';

/** Waits, but gives up as soon as the client disconnects; resolves whether to carry on. */
function pause(ms: number, res: ServerResponse): Promise<boolean> {
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

async function readJsonBody(req: IncomingMessage): Promise<{ body: unknown; size: number }> {
  const parts: Buffer[] = [];
  for await (const part of req as AsyncIterable<Buffer>) parts.push(part);
  const text = Buffer.concat(parts).toString('utf8');
  if (text === '') return { body: undefined, size: 0 };
  try {
    return { body: JSON.parse(text) as unknown, size: text.length };
  } catch {
    return { body: text, size: text.length };
  }
}

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}

export async function startMockOpenAIUpstream(
  options: MockUpstreamOptions = {},
): Promise<MockOpenAIUpstream> {
  const queue: MockUpstreamBehaviour[] = [];
  let defaultBehaviour = options.defaultBehaviour ?? {};
  let requests: MockUpstreamRequest[] = [];
  let calls = 0;
  let connections = 0;
  let openConnections = 0;
  const record = options.record ?? true;
  const models = options.models ?? ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small'];

  const sendError = (res: ServerResponse, b: MockUpstreamBehaviour, status: number): void => {
    const headers: Record<string, string> = { ...JSON_HEADERS, ...b.headers };
    if (b.retryAfter !== undefined) headers['retry-after'] = String(b.retryAfter);
    if (b.retryAfterMs !== undefined) headers['retry-after-ms'] = String(b.retryAfterMs);
    res.writeHead(status, headers).end(errorAnswer(status, b.error));
  };

  const streamChat = async (res: ServerResponse, b: MockUpstreamBehaviour, events: string[], sse: string) => {
    const chunkDelayMs = b.chunkDelayMs ?? options.chunkDelayMs ?? 0;
    const stopAt = b.cutAfterChunks ?? b.resetAfterChunks ?? b.errorEventAfterChunks;
    res.writeHead(200, { ...SSE_HEADERS, ...b.headers });
    if (chunkDelayMs <= 0 && stopAt === undefined) return void res.end(sse);
    const count = Math.min(stopAt ?? events.length, events.length);
    let flushed: Promise<void> = Promise.resolve();
    for (let i = 0; i < count; i++) {
      if (i > 0 && !(await pause(chunkDelayMs, res))) return;
      flushed = new Promise((resolve) => res.write(events[i], () => resolve()));
    }
    if (b.resetAfterChunks !== undefined) {
      // Let the chunks reach the client first: destroy() drops whatever is still buffered.
      await flushed;
      return void res.socket?.destroy();
    }
    if (b.errorEventAfterChunks !== undefined) {
      const error = {
        message: 'The server had an error while processing your request.',
        type: 'server_error',
        code: null,
      };
      res.write(`data: ${JSON.stringify({ error: { ...error, param: null, ...b.errorEvent } })}\n\n`);
    }
    res.end(stopAt === undefined ? DONE_EVENT : undefined);
  };

  const answer = async (
    req: IncomingMessage,
    res: ServerResponse,
    entry: MockUpstreamRequest,
    size: number,
  ) => {
    const route = (entry.path.split('?')[0] ?? '').replace(/\/+$/, '');
    if (req.method === 'GET' && route.endsWith('/models'))
      return void res.writeHead(200, JSON_HEADERS).end(modelsAnswer(models));
    const isChat = req.method === 'POST' && route.endsWith('/chat/completions');
    const isEmbeddings = req.method === 'POST' && route.endsWith('/embeddings');
    if (!isChat && !isEmbeddings)
      return sendError(res, { error: { message: `No route ${req.method} ${route}` } }, 404);

    const b = queue.shift() ?? defaultBehaviour;
    entry.behaviour = b;
    if (!(await pause(b.delayFirstByteMs ?? options.latencyMs ?? 0, res))) return;
    if (b.reset) return void req.socket.destroy();
    if (b.rawBody !== undefined) {
      const headers = { 'content-type': b.contentType ?? 'application/json', ...b.headers };
      return void res.writeHead(b.status ?? 200, headers).end(b.rawBody);
    }
    if (b.status !== undefined && b.status >= 400) return sendError(res, b, b.status);

    const model = String(field(entry.body, 'model') ?? 'mock-model');
    if (isEmbeddings) {
      const dims = Number(field(entry.body, 'dimensions') ?? options.embeddingDimensions ?? 8);
      return void res
        .writeHead(200, JSON_HEADERS)
        .end(
          embeddingsAnswer(
            model,
            field(entry.body, 'input'),
            dims,
            field(entry.body, 'encoding_format') === 'base64',
          ),
        );
    }
    const streamOptions = field(entry.body, 'stream_options');
    const wire = wireAnswer({
      model,
      text: b.reply ?? DEFAULT_REPLY,
      ...(b.toolCall ? { toolCall: b.toolCall } : {}),
      includeUsage: field(streamOptions, 'include_usage') === true,
      promptTokens: estimateTokens(size),
    });
    if (field(entry.body, 'stream') === true) return streamChat(res, b, wire.events, wire.sse);
    res.writeHead(200, { ...JSON_HEADERS, ...b.headers }).end(wire.json);
  };

  const server = createServer((req, res) => {
    calls++;
    const entry: MockUpstreamRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body: undefined,
      behaviour: {},
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
      .then(({ body, size }) => {
        entry.body = body;
        return answer(req, res, entry, size);
      })
      .catch(() => {
        if (!res.headersSent && !res.destroyed) res.writeHead(500, JSON_HEADERS).end(errorAnswer(500));
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
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/v1`,
    origin,
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
