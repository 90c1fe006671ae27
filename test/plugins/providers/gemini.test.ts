import { inspect } from 'node:util';
import { expect } from 'chai';
import { Ajv } from 'ajv';
import { createSilentLogger } from '../../../core/logger.js';
import { SwitchyardError } from '../../../core/errors/switchyard-error.js';
import type { ErrorCode } from '../../../core/errors/codes.js';
import type { Provider } from '../../../core/provider.js';
import type { ChatCompletionRequest } from '../../../core/types/openai.js';
import {
  startMockGeminiUpstream,
  type MockGeminiBehaviour,
  type MockGeminiUpstream,
} from '../../../core/testing/index.js';
import { geminiPlugin, type GeminiOptions } from '../../../plugins/providers/gemini/index.js';
import { collect, waitFor } from '../../support/async.js';
import { rejection } from '../../support/rejection.js';
import { assertOpenAIShape } from '../../support/openai-schemas.js';

const API_KEY = 'AIza-SECRET-0123456789abcdef';
const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);
const request: ChatCompletionRequest = {
  model: 'catalog-model',
  messages: [{ role: 'user', content: 'Hello' }],
};
const JPEG = '/9j/4AAQSkZJRgABAQAAAQABAAD';

function expectError(error: unknown, code: ErrorCode): SwitchyardError {
  if (!SwitchyardError.isInstance(error))
    throw new Error(`expected a SwitchyardError, got ${inspect(error)}`);
  expect(error.code).to.equal(code);
  expect(error.provider).to.equal('google');
  expect(inspect(error, { depth: 5 })).not.to.contain(API_KEY);
  return error;
}

describe('geminiPlugin', () => {
  let upstream: MockGeminiUpstream;
  const providers: Provider[] = [];
  const create = (options: Partial<GeminiOptions> = {}): Provider => {
    const provider = geminiPlugin.create(
      { baseUrl: upstream.url, apiKey: API_KEY, ...options },
      { id: 'google', logger: createSilentLogger(), now: () => NOW },
    );
    providers.push(provider);
    return provider;
  };
  const call = (signal = new AbortController().signal) => ({ signal, upstreamModel: 'gemini-upstream' });
  const sent = () => upstream.requests.at(-1)?.body as Record<string, unknown>;

  before(async () => (upstream = await startMockGeminiUpstream()));
  after(async () => {
    await Promise.all(providers.map((p) => p.close?.()));
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  it('declares apiVersion 1 with embeddings, and an options schema that requires the key', () => {
    expect(geminiPlugin.apiVersion).to.equal(1);
    expect(geminiPlugin.capabilities).to.include('embeddings');
    const validate = new Ajv({ strict: false }).compile(geminiPlugin.optionsSchema);
    expect(validate({ apiKey: 'k', apiVersion: 'v1' })).to.equal(true);
    expect(validate({})).to.equal(false);
  });

  describe('request translation', () => {
    it('posts to /v1beta/models/{model}:generateContent with x-goog-api-key, never the key in the URL', async () => {
      await create().chat(request, call());
      const record = upstream.requests[0];
      expect(record?.path).to.equal('/v1beta/models/gemini-upstream:generateContent');
      expect(record?.headers['x-goog-api-key']).to.equal(API_KEY);
      expect(sent()).to.deep.equal({ contents: [{ role: 'user', parts: [{ text: 'Hello' }] }] });
    });

    it('translates system, images, tools, tool results, tool_choice and generationConfig field by field', async () => {
      await create({
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      }).chat(
        {
          model: 'm',
          temperature: 0.4,
          top_p: 0.8,
          max_tokens: 200,
          stop: ['END'],
          n: 2,
          seed: 3,
          response_format: {
            type: 'json_schema',
            json_schema: {
              name: 'r',
              schema: { type: 'object', additionalProperties: false, properties: { a: { type: 'string' } } },
            },
          },
          tool_choice: { type: 'function', function: { name: 'get_weather' } },
          tools: [
            {
              type: 'function',
              function: {
                name: 'get_weather',
                description: 'Weather',
                parameters: { type: 'object', $schema: 'x' },
              },
            },
          ],
          messages: [
            { role: 'system', content: 'Be brief.' },
            {
              role: 'user',
              content: [
                { type: 'text', text: 'Look:' },
                { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${JPEG}` } },
                { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
              ],
            },
            {
              role: 'assistant',
              content: null,
              tool_calls: [
                {
                  id: 'call_1',
                  type: 'function',
                  function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
                },
              ],
            },
            { role: 'tool', tool_call_id: 'call_1', content: '{"temp":18}' },
            { role: 'tool', tool_call_id: 'call_1', content: 'plain text' },
          ],
        },
        call(),
      );
      expect(sent()).to.deep.equal({
        systemInstruction: { parts: [{ text: 'Be brief.' }] },
        contents: [
          {
            role: 'user',
            parts: [
              { text: 'Look:' },
              { inlineData: { mimeType: 'image/jpeg', data: JPEG } },
              { fileData: { mimeType: 'image/png', fileUri: 'https://example.com/cat.png' } },
            ],
          },
          { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
          {
            role: 'user',
            parts: [
              { functionResponse: { name: 'get_weather', response: { temp: 18 } } },
              { functionResponse: { name: 'get_weather', response: { content: 'plain text' } } },
            ],
          },
        ],
        tools: [
          {
            functionDeclarations: [
              { name: 'get_weather', description: 'Weather', parameters: { type: 'object' } },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
        generationConfig: {
          temperature: 0.4,
          topP: 0.8,
          candidateCount: 2,
          seed: 3,
          maxOutputTokens: 200,
          stopSequences: ['END'],
          responseMimeType: 'application/json',
          responseSchema: { type: 'object', properties: { a: { type: 'string' } } },
        },
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      });
    });

    it('refuses logprobs and tool results without a call, and warns about ignored settings', async () => {
      const provider = create();
      expectError(
        await rejection(provider.chat({ ...request, logprobs: true }, call())),
        'SY_ERR_UPSTREAM_BAD_REQUEST',
      );
      const orphan = { ...request, messages: [{ role: 'tool' as const, tool_call_id: 'x', content: 'y' }] };
      expect(
        expectError(await rejection(provider.chat(orphan, call())), 'SY_ERR_UPSTREAM_BAD_REQUEST').param,
      ).to.equal('messages[0].tool_call_id');
      expect(upstream.calls).to.equal(0);
      const { warnings } = await provider.chat({ ...request, logit_bias: { 1: 2 } }, call());
      expect(warnings).to.deep.equal(["'logit_bias' is not supported by Gemini and was ignored."]);
    });
  });

  describe('chat()', () => {
    it('returns an OpenAI chat.completion with usage, cached and reasoning tokens', async () => {
      upstream.enqueue({ reply: 'Bonjour', cachedTokens: 3, thoughtsTokens: 7 });
      const { response } = await create().chat(request, call());
      assertOpenAIShape('CreateChatCompletionResponse', response);
      expect(response).to.deep.include({
        id: 'mock-response-01',
        model: 'gemini-upstream',
        created: NOW / 1000,
      });
      expect(response.choices[0]?.message.content).to.equal('Bonjour');
      expect(response.choices[0]?.finish_reason).to.equal('stop');
      expect(response.usage?.prompt_tokens_details?.cached_tokens).to.equal(3);
      expect(response.usage?.completion_tokens_details?.reasoning_tokens).to.equal(7);
      expect(response.usage?.total_tokens).to.equal(
        response.usage!.prompt_tokens + response.usage!.completion_tokens,
      );
    });

    it('returns function calls as tool_calls with generated ids and finish_reason tool_calls', async () => {
      upstream.enqueue({ functionCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] });
      const { response } = await create().chat(request, call());
      assertOpenAIShape('CreateChatCompletionResponse', response);
      const toolCall = response.choices[0]?.message.tool_calls?.[0];
      expect(toolCall?.id).to.match(/^call_[0-9a-f]{24}$/);
      expect(toolCall?.function).to.deep.equal({ name: 'get_weather', arguments: '{"city":"Paris"}' });
      expect(response.choices[0]?.finish_reason).to.equal('tool_calls');
    });

    it('returns one choice per candidate for n > 1', async () => {
      const { response } = await create().chat({ ...request, n: 2 }, call());
      expect(response.choices.map((c) => c.index)).to.deep.equal([0, 1]);
    });

    it('maps finishReason SAFETY to content_filter and MAX_TOKENS to length', async () => {
      upstream.enqueue({ finishReason: 'SAFETY' }, { finishReason: 'MAX_TOKENS' });
      const provider = create();
      expect((await provider.chat(request, call())).response.choices[0]?.finish_reason).to.equal(
        'content_filter',
      );
      expect((await provider.chat(request, call())).response.choices[0]?.finish_reason).to.equal('length');
    });

    it('raises SY_ERR_UPSTREAM_CONTENT_FILTERED when the prompt is blocked, in chat and chatStream', async () => {
      upstream.enqueue({ blockReason: 'SAFETY' }, { blockReason: 'PROHIBITED_CONTENT' });
      const provider = create();
      const blocked = expectError(
        await rejection(provider.chat(request, call())),
        'SY_ERR_UPSTREAM_CONTENT_FILTERED',
      );
      expect(blocked.message).to.contain('SAFETY');
      const { chunks } = await provider.chatStream({ ...request, stream: true }, call());
      expectError(await rejection(collect(chunks)), 'SY_ERR_UPSTREAM_CONTENT_FILTERED');
    });

    it('sends images the mock can see', async () => {
      upstream.enqueue({ echoImages: true });
      const content = [{ type: 'image_url', image_url: { url: `data:image/jpeg;base64,${JPEG}` } }];
      const { response } = await create().chat({ ...request, messages: [{ role: 'user', content }] }, call());
      expect(response.choices[0]?.message.content).to.equal(`inline image/jpeg ${JPEG.length} chars`);
    });
  });

  describe('errors', () => {
    const cases: [string, MockGeminiBehaviour, ErrorCode, { retryable: boolean; retryAfterMs?: number }][] = [
      [
        '429 RESOURCE_EXHAUSTED with RetryInfo',
        { status: 429, error: { retryDelaySeconds: 1.5 } },
        'SY_ERR_UPSTREAM_RATE_LIMITED',
        { retryable: true, retryAfterMs: 1500 },
      ],
      [
        '429 with a retry-after header',
        { status: 429, retryAfter: 3, error: { retryDelaySeconds: 9 } },
        'SY_ERR_UPSTREAM_RATE_LIMITED',
        { retryable: true, retryAfterMs: 3000 },
      ],
      ['503 UNAVAILABLE', { status: 503 }, 'SY_ERR_UPSTREAM_OVERLOADED', { retryable: true }],
      ['500 INTERNAL', { status: 500 }, 'SY_ERR_UPSTREAM_SERVER_ERROR', { retryable: true }],
      ['400 INVALID_ARGUMENT', { status: 400 }, 'SY_ERR_UPSTREAM_BAD_REQUEST', { retryable: false }],
      [
        '400 too many tokens',
        {
          status: 400,
          error: {
            message:
              'The input token count (2000000) exceeds the maximum number of tokens allowed (1048576).',
          },
        },
        'SY_ERR_UPSTREAM_CONTEXT_LENGTH_EXCEEDED',
        { retryable: false },
      ],
      ['403 PERMISSION_DENIED', { status: 403 }, 'SY_ERR_UPSTREAM_AUTHENTICATION', { retryable: true }],
      ['401 UNAUTHENTICATED', { status: 401 }, 'SY_ERR_UPSTREAM_AUTHENTICATION', { retryable: true }],
    ];
    for (const [name, behaviour, code, expected] of cases) {
      it(`maps ${name} to ${code}, for chat and chatStream`, async () => {
        const provider = create();
        upstream.enqueue(behaviour, behaviour);
        for (const attempt of [
          provider.chat(request, call()),
          provider.chatStream({ ...request, stream: true }, call()),
        ]) {
          expect(expectError(await rejection(attempt), code)).to.deep.include(expected);
        }
      });
    }
  });

  describe('chatStream()', () => {
    const stream = { ...request, stream: true, stream_options: { include_usage: true } };

    it('reads alt=sse events (CRLF separated) into OpenAI chunks, finish reason and usage last', async () => {
      upstream.enqueue({ reply: 'one two three', thoughtsTokens: 2 });
      const all = await collect((await create().chatStream(stream, call())).chunks);
      expect(upstream.requests[0]?.path).to.equal(
        '/v1beta/models/gemini-upstream:streamGenerateContent?alt=sse',
      );
      for (const chunk of all) assertOpenAIShape('CreateChatCompletionStreamResponse', chunk);
      expect(all[0]?.choices[0]?.delta).to.deep.equal({ role: 'assistant', content: '' });
      expect(all.map((c) => c.choices[0]?.delta.content ?? '').join('')).to.equal('one two three');
      expect(all.at(-2)?.choices[0]?.finish_reason).to.equal('stop');
      expect(all.at(-1)?.choices).to.deep.equal([]);
      expect(all.at(-1)?.usage?.completion_tokens_details?.reasoning_tokens).to.equal(2);
    });

    it('streams each function call as one tool call chunk with index, id, name and arguments', async () => {
      upstream.enqueue({
        reply: 'Checking.',
        functionCalls: [
          { name: 'a', args: { x: 1 } },
          { name: 'b', args: { y: 2 } },
        ],
      });
      const all = await collect((await create().chatStream(stream, call())).chunks);
      const deltas = all.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
      expect(deltas.map((d) => [d.index, d.function?.name, d.function?.arguments])).to.deep.equal([
        [0, 'a', '{"x":1}'],
        [1, 'b', '{"y":2}'],
      ]);
      expect(deltas.every((d) => typeof d.id === 'string')).to.equal(true);
      expect(all.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).to.equal('tool_calls');
    });

    it('throws the mapped error of an error event mid-stream', async () => {
      upstream.enqueue({ reply: 'a b c d', errorEventAfterChunks: 2, errorEvent: { code: 503 } });
      const { chunks } = await create().chatStream(stream, call());
      expectError(await rejection(collect(chunks)), 'SY_ERR_UPSTREAM_OVERLOADED');
    });

    it('treats a stream cut before the finish reason as a retryable server error', async () => {
      upstream.enqueue({ reply: 'a b c d', cutAfterChunks: 2 });
      const { chunks } = await create().chatStream(stream, call());
      expectError(await rejection(collect(chunks)), 'SY_ERR_UPSTREAM_SERVER_ERROR');
    });

    it('drops the upstream connection when the caller aborts mid-stream', async () => {
      upstream.enqueue({ reply: 'a b c d e f g h', chunkDelayMs: 50 });
      const controller = new AbortController();
      const { chunks } = await create().chatStream(stream, call(controller.signal));
      const reason = new Error('client gone');
      const error = rejection(
        (async () => {
          for await (const _ of chunks) controller.abort(reason);
        })(),
      );
      expect(await error).to.equal(reason);
      await waitFor(() => upstream.requests[0]?.aborted === true, 500);
    });
  });

  describe('embeddings()', () => {
    it('uses embedContent for one text and batchEmbedContents for several, in float or base64', async () => {
      const provider = create();
      const one = await provider.embeddings!(
        { model: 'e', input: 'hello', dimensions: 8 },
        { ...call(), upstreamModel: 'text-embedding-004' },
      );
      expect(upstream.requests[0]?.path).to.equal('/v1beta/models/text-embedding-004:embedContent');
      expect(upstream.requests[0]?.body).to.deep.equal({
        content: { parts: [{ text: 'hello' }] },
        outputDimensionality: 8,
      });
      expect(one.data[0]?.embedding).to.have.length(8);
      const many = await provider.embeddings!(
        { model: 'e', input: ['a', 'b'], encoding_format: 'base64' },
        { ...call(), upstreamModel: 'text-embedding-004' },
      );
      expect(upstream.requests[1]?.path).to.equal('/v1beta/models/text-embedding-004:batchEmbedContents');
      expect(upstream.requests[1]?.body).to.deep.equal({
        requests: [
          { model: 'models/text-embedding-004', content: { parts: [{ text: 'a' }] } },
          { model: 'models/text-embedding-004', content: { parts: [{ text: 'b' }] } },
        ],
      });
      expect(many.data.map((d) => d.index)).to.deep.equal([0, 1]);
      expect(Buffer.from(many.data[0]?.embedding as string, 'base64').length).to.equal(8 * 4);
    });

    it('refuses token-array input', async () => {
      const error = await rejection(create().embeddings!({ model: 'e', input: [1, 2, 3] }, call()));
      expectError(error, 'SY_ERR_UPSTREAM_BAD_REQUEST');
    });
  });
});
