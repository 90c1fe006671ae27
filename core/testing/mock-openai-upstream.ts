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
import {
  field,
  JSON_HEADERS,
  sendMockError,
  startMockServer,
  writeEventStream,
  type MockFaults,
  type MockRequest,
  type MockServer,
  type MockServerOptions,
} from './mock-server.js';

/** What the upstream does with one call. Fields combine: delay, then fail or answer. */
export interface MockUpstreamBehaviour extends MockFaults {
  /** Fields merged into the error body. */
  error?: WireError;
  /** The error sent by `errorEventAfterChunks` (`data: {"error": ...}`). */
  errorEvent?: WireError;
  /** The assistant text. */
  reply?: string;
  /** The assistant text as these stream deltas, split exactly here (joined for JSON answers). */
  replyChunks?: string[];
  /** Answer with the text of the request's last message (what the upstream saw, verbatim). */
  echo?: boolean;
  /** Answer with a tool call instead of text; streamed as argument fragments. */
  toolCall?: WireToolCall;
}

export interface MockUpstreamOptions extends MockServerOptions<MockUpstreamBehaviour> {
  /** Listed by /v1/models. */
  models?: string[];
  embeddingDimensions?: number;
}

export type MockUpstreamRequest = MockRequest<MockUpstreamBehaviour>;

export interface MockOpenAIUpstream extends MockServer<MockUpstreamBehaviour> {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:43121/v1`. */
  readonly url: string;
}

const DEFAULT_REPLY = 'Hello from the mock upstream.';
const STREAM_ERROR: WireError = {
  message: 'The server had an error while processing your request.',
  type: 'server_error',
  code: null,
};

export async function startMockOpenAIUpstream(
  options: MockUpstreamOptions = {},
): Promise<MockOpenAIUpstream> {
  const models = options.models ?? ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small'];
  const server = await startMockServer<MockUpstreamBehaviour>({
    ...options,
    errorBody: (status, b) => errorAnswer(status, b.error),
    route(req, res, route) {
      if (req.method === 'GET' && route.endsWith('/models')) {
        res.writeHead(200, JSON_HEADERS).end(modelsAnswer(models));
        return true;
      }
      const known = route.endsWith('/chat/completions') || route.endsWith('/embeddings');
      if (req.method === 'POST' && known) return false;
      sendMockError(res, {}, 404, errorAnswer(404, { message: `No route ${req.method} ${route}` }));
      return true;
    },
    answer(res, entry, size) {
      const b = entry.behaviour;
      const model = String(field(entry.body, 'model') ?? 'mock-model');
      if (entry.path.split('?')[0]?.replace(/\/+$/, '').endsWith('/embeddings')) {
        const dims = Number(field(entry.body, 'dimensions') ?? options.embeddingDimensions ?? 8);
        const base64 = field(entry.body, 'encoding_format') === 'base64';
        return void res
          .writeHead(200, JSON_HEADERS)
          .end(embeddingsAnswer(model, field(entry.body, 'input'), dims, base64));
      }
      const wire = wireAnswer({
        model,
        text: (b.echo ? lastMessageText(entry.body) : b.replyChunks?.join('')) ?? b.reply ?? DEFAULT_REPLY,
        ...(b.replyChunks && !b.echo ? { chunks: b.replyChunks } : {}),
        ...(b.toolCall ? { toolCall: b.toolCall } : {}),
        includeUsage: field(field(entry.body, 'stream_options'), 'include_usage') === true,
        promptTokens: estimateTokens(size),
      });
      if (field(entry.body, 'stream') !== true)
        return void res.writeHead(200, { ...JSON_HEADERS, ...b.headers }).end(wire.json);
      const error = { error: { ...STREAM_ERROR, param: null, ...b.errorEvent } };
      return writeEventStream(res, b, {
        events: wire.events,
        trailer: DONE_EVENT,
        errorEvent: `data: ${JSON.stringify(error)}\n\n`,
        chunkDelayMs: b.chunkDelayMs ?? options.chunkDelayMs ?? 0,
      });
    },
  });
  return Object.assign(server, { url: `${server.origin}/v1` });
}

function lastMessageText(body: unknown): string | undefined {
  const messages = field(body, 'messages');
  const last: unknown = Array.isArray(messages) ? messages[messages.length - 1] : undefined;
  const content = field(last, 'content');
  return typeof content === 'string' ? content : undefined;
}
