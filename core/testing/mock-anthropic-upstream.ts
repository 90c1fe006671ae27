/**
 * A real HTTP server on loopback that speaks Anthropic's Messages API (POST /v1/messages), with
 * the same scripted faults as the OpenAI mock plus Anthropic's own: 529 overloaded, `error`
 * events mid-stream, cache token counts, stop reasons.
 *
 * @example
 * const upstream = await startMockAnthropicUpstream();
 * upstream.enqueue({ status: 529 }, { toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] });
 * // point an anthropic provider at upstream.url, then
 * await upstream.close();
 */
import {
  anthropicAnswer,
  anthropicErrorAnswer,
  anthropicErrorEvent,
  describeAnthropicImages,
  type AnthropicWireError,
  type AnthropicWireToolCall,
} from './mock-anthropic-wire.js';
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

export interface MockAnthropicBehaviour extends MockFaults {
  /** Fields merged into the error body. */
  error?: AnthropicWireError;
  /** The `error` event sent by `errorEventAfterChunks`; `overloaded_error` by default. */
  errorEvent?: AnthropicWireError;
  /** The assistant text; with `toolCalls`, text sent before them. */
  reply?: string;
  toolCalls?: AnthropicWireToolCall[];
  /** Overrides the stop reason (`max_tokens`, `refusal`, `stop_sequence` ...). */
  stopReason?: string;
  cacheReadTokens?: number;
  cacheCreationTokens?: number;
  /** Reply with a description of the last user turn's images instead of `reply`. */
  echoImages?: boolean;
}

export type MockAnthropicOptions = MockServerOptions<MockAnthropicBehaviour>;

export type MockAnthropicRequest = MockRequest<MockAnthropicBehaviour>;

export interface MockAnthropicUpstream extends MockServer<MockAnthropicBehaviour> {
  /** The API base URL (the origin); the provider appends `/v1/messages`. */
  readonly url: string;
}

const DEFAULT_REPLY = 'Hello from the mock Anthropic upstream.';

/** What the real API refuses before generating anything, so a provider that omits them fails tests. */
function refusal(entry: MockAnthropicRequest): [number, string] | undefined {
  if (typeof entry.headers['x-api-key'] !== 'string')
    return [401, anthropicErrorAnswer(401, { message: 'x-api-key header is required' })];
  if (typeof entry.headers['anthropic-version'] !== 'string')
    return [400, anthropicErrorAnswer(400, { message: 'anthropic-version: header is required' })];
  if (typeof field(entry.body, 'max_tokens') !== 'number')
    return [400, anthropicErrorAnswer(400, { message: 'max_tokens: Field required' })];
  if (!Array.isArray(field(entry.body, 'messages')))
    return [400, anthropicErrorAnswer(400, { message: 'messages: Field required' })];
  return undefined;
}

export async function startMockAnthropicUpstream(
  options: MockAnthropicOptions = {},
): Promise<MockAnthropicUpstream> {
  const server = await startMockServer<MockAnthropicBehaviour>({
    ...options,
    errorBody: (status, b) => anthropicErrorAnswer(status, b.error),
    route(req, res, route) {
      if (req.method === 'POST' && route === '/v1/messages') return false;
      const message = `Not found: ${req.method} ${route}`;
      sendMockError(res, {}, 404, anthropicErrorAnswer(404, { message }));
      return true;
    },
    answer(res, entry, size) {
      const refused = refusal(entry);
      if (refused) return sendMockError(res, {}, refused[0], refused[1]);
      const b = entry.behaviour;
      const toolCalls = b.toolCalls ?? [];
      const text = b.echoImages
        ? describeAnthropicImages(entry.body)
        : (b.reply ?? (toolCalls.length > 0 ? '' : DEFAULT_REPLY));
      const answer = anthropicAnswer({
        model: String(field(entry.body, 'model')),
        text,
        toolCalls,
        ...(b.stopReason === undefined ? {} : { stopReason: b.stopReason }),
        inputTokens: estimateTokens(size),
        cacheReadTokens: b.cacheReadTokens ?? 0,
        cacheCreationTokens: b.cacheCreationTokens ?? 0,
      });
      if (field(entry.body, 'stream') !== true)
        return void res
          .writeHead(200, { ...JSON_HEADERS, 'request-id': 'req_mock_01', ...b.headers })
          .end(answer.json);
      return writeEventStream(res, b, {
        events: answer.events,
        errorEvent: anthropicErrorEvent(b.errorEvent),
        chunkDelayMs: b.chunkDelayMs ?? options.chunkDelayMs ?? 0,
      });
    },
  });
  return Object.assign(server, { url: server.origin });
}
