/**
 * A real HTTP server on loopback that speaks Google's Gemini API: generateContent,
 * streamGenerateContent?alt=sse, embedContent and batchEmbedContents under
 * /v1beta/models/{model}:{method}, with the shared scripted faults plus Gemini's own (RetryInfo
 * on 429, safety blocks, thought and cached token counts).
 *
 * @example
 * const upstream = await startMockGeminiUpstream();
 * upstream.enqueue({ status: 429, error: { retryDelaySeconds: 2 } }, { blockReason: 'SAFETY' });
 * // point a gemini provider at upstream.url, then
 * await upstream.close();
 */
import {
  describeGeminiImages,
  geminiAnswer,
  geminiEmbeddingsAnswer,
  geminiErrorAnswer,
  type GeminiWireError,
  type GeminiWireFunctionCall,
} from './mock-gemini-wire.js';
import { estimateTokens } from './mock-openai-wire.js';
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

export interface MockGeminiBehaviour extends MockFaults {
  /** Shapes the error body (message, status name, RetryInfo delay). */
  error?: GeminiWireError;
  /** The `data: {"error": ...}` event sent by `errorEventAfterChunks`. */
  errorEvent?: GeminiWireError & { code?: number };
  reply?: string;
  functionCalls?: GeminiWireFunctionCall[];
  finishReason?: string;
  blockReason?: string;
  cachedTokens?: number;
  thoughtsTokens?: number;
  /** Reply with a description of the last user turn's images instead of `reply`. */
  echoImages?: boolean;
}

export interface MockGeminiOptions extends MockServerOptions<MockGeminiBehaviour> {
  embeddingDimensions?: number;
}

export type MockGeminiRequest = MockRequest<MockGeminiBehaviour>;

export interface MockGeminiUpstream extends MockServer<MockGeminiBehaviour> {
  /** The API base URL (the origin); the provider appends `/v1beta/models/...`. */
  readonly url: string;
}

const DEFAULT_REPLY = 'Hello from the mock Gemini upstream.';
const ROUTE =
  /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents)$/;

function texts(body: unknown, batch: boolean): string[] {
  const text = (request: unknown) =>
    String(field((field(field(request, 'content'), 'parts') as unknown[])?.[0], 'text'));
  if (!batch) return [text(body)];
  return ((field(body, 'requests') as unknown[]) ?? []).map(text);
}

export async function startMockGeminiUpstream(options: MockGeminiOptions = {}): Promise<MockGeminiUpstream> {
  const server = await startMockServer<MockGeminiBehaviour>({
    ...options,
    errorBody: (status, b) => geminiErrorAnswer(status, b.error),
    route(req, res, route) {
      if (req.method === 'POST' && ROUTE.test(route)) return false;
      sendMockError(res, {}, 404, geminiErrorAnswer(404, { message: `Not found: ${req.method} ${route}` }));
      return true;
    },
    answer(res, entry, size) {
      if (typeof entry.headers['x-goog-api-key'] !== 'string')
        return sendMockError(
          res,
          {},
          403,
          geminiErrorAnswer(403, { message: "Method doesn't allow unregistered callers." }),
        );
      const [, model, method] = ROUTE.exec((entry.path.split('?')[0] ?? '').replace(/\/+$/, '')) ?? [];
      const b = entry.behaviour;
      if (method === 'embedContent' || method === 'batchEmbedContents') {
        const body = geminiEmbeddingsAnswer(
          texts(entry.body, method === 'batchEmbedContents'),
          options.embeddingDimensions ?? 8,
          method === 'batchEmbedContents',
        );
        return void res.writeHead(200, JSON_HEADERS).end(body);
      }
      const functionCalls = b.functionCalls ?? [];
      const config = field(entry.body, 'generationConfig');
      const answer = geminiAnswer({
        model: String(model),
        text: b.echoImages
          ? describeGeminiImages(entry.body)
          : (b.reply ?? (functionCalls.length > 0 ? '' : DEFAULT_REPLY)),
        functionCalls,
        ...(b.finishReason === undefined ? {} : { finishReason: b.finishReason }),
        ...(b.blockReason === undefined ? {} : { blockReason: b.blockReason }),
        promptTokens: estimateTokens(size),
        cachedTokens: b.cachedTokens ?? 0,
        thoughtsTokens: b.thoughtsTokens ?? 0,
        candidates: Number(field(config, 'candidateCount') ?? 1),
      });
      if (method === 'generateContent')
        return void res.writeHead(200, { ...JSON_HEADERS, ...b.headers }).end(answer.json);
      if (!entry.path.includes('alt=sse'))
        return sendMockError(
          res,
          {},
          400,
          geminiErrorAnswer(400, { message: 'mock upstream streams with alt=sse only' }),
        );
      const { code = 500, ...error } = b.errorEvent ?? {};
      return writeEventStream(res, b, {
        events: answer.events,
        errorEvent: `data: ${geminiErrorAnswer(code, error)}\r\n\r\n`,
        chunkDelayMs: b.chunkDelayMs ?? options.chunkDelayMs ?? 0,
      });
    },
  });
  return Object.assign(server, { url: server.origin });
}
