import { inspect } from 'node:util';
import { expect } from 'chai';
import { Ajv } from 'ajv';
import { createSilentLogger } from '../../../core/logger.js';
import { SwitchyardError } from '../../../core/errors/switchyard-error.js';
import type { ErrorCode } from '../../../core/errors/codes.js';
import type { Provider } from '../../../core/provider.js';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../../../core/types/openai.js';
import {
  startMockAnthropicUpstream,
  type MockAnthropicBehaviour,
  type MockAnthropicUpstream,
} from '../../../core/testing/index.js';
import { anthropicPlugin, type AnthropicOptions } from '../../../plugins/providers/anthropic/index.js';
import { collect, waitFor } from '../../support/async.js';
import { rejection } from '../../support/rejection.js';
import { assertOpenAIShape } from '../../support/openai-schemas.js';

const API_KEY = 'sk-ant-SECRET-0123456789abcdef';
const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);
const request: ChatCompletionRequest = {
  model: 'catalog-model',
  messages: [{ role: 'user', content: 'Hello' }],
};
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

function expectError(error: unknown, code: ErrorCode): SwitchyardError {
  if (!SwitchyardError.isInstance(error))
    throw new Error(`expected a SwitchyardError, got ${inspect(error)}`);
  expect(error.code).to.equal(code);
  expect(error.provider).to.equal('claude');
  expect(error.message).not.to.contain(API_KEY);
  return error;
}

describe('anthropicPlugin', () => {
  let upstream: MockAnthropicUpstream;
  const providers: Provider[] = [];
  const create = (options: Partial<AnthropicOptions> = {}): Provider => {
    const provider = anthropicPlugin.create(
      { baseUrl: upstream.url, apiKey: API_KEY, ...options },
      { id: 'claude', logger: createSilentLogger(), now: () => NOW },
    );
    providers.push(provider);
    return provider;
  };
  const call = (signal = new AbortController().signal) => ({ signal, upstreamModel: 'claude-upstream' });
  const sent = () => upstream.requests.at(-1)?.body as Record<string, unknown>;

  before(async () => (upstream = await startMockAnthropicUpstream()));
  after(async () => {
    await Promise.all(providers.map((p) => p.close?.()));
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  it('declares apiVersion 1, no embeddings, and an options schema that requires the key', () => {
    expect(anthropicPlugin.apiVersion).to.equal(1);
    expect(anthropicPlugin.capabilities).not.to.include('embeddings');
    const validate = new Ajv({ strict: false }).compile(anthropicPlugin.optionsSchema);
    expect(validate({ apiKey: 'k', defaultMaxTokens: 1024 })).to.equal(true);
    expect(validate({ baseUrl: 'https://x' })).to.equal(false);
    expect(create().embeddings).to.equal(undefined);
  });

  describe('request translation', () => {
    it('posts to /v1/messages with x-api-key, anthropic-version, the model and a default max_tokens', async () => {
      await create({ headers: { 'anthropic-beta': 'prompt-caching-2024-07-31' } }).chat(request, {
        ...call(),
        headers: { traceparent: '00-a-b-01', 'x-api-key': 'client-key' },
      });
      const record = upstream.requests[0];
      expect(record?.path).to.equal('/v1/messages');
      expect(record?.headers['x-api-key']).to.equal(API_KEY);
      expect(record?.headers['anthropic-version']).to.equal('2023-06-01');
      expect(record?.headers['anthropic-beta']).to.equal('prompt-caching-2024-07-31');
      expect(record?.headers.traceparent).to.equal('00-a-b-01');
      expect(sent()).to.deep.equal({
        model: 'claude-upstream',
        max_tokens: 4096,
        messages: [{ role: 'user', content: 'Hello' }],
      });
    });

    it('translates system, images, tools, tool results, stop, sampling and cache_control field by field', async () => {
      await create().chat(
        {
          model: 'm',
          max_completion_tokens: 300,
          temperature: 0.3,
          top_p: 0.9,
          stop: 'END',
          user: 'user-7',
          parallel_tool_calls: false,
          tool_choice: { type: 'function', function: { name: 'get_weather' } },
          tools: [
            {
              type: 'function',
              function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object' } },
            },
          ],
          messages: [
            {
              role: 'system',
              content: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
            },
            { role: 'developer', content: 'Use tools.' },
            {
              role: 'user',
              content: [
                { type: 'text', text: 'Look:' },
                { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
                { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
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
                {
                  id: 'call_2',
                  type: 'function',
                  function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
                },
              ],
            },
            { role: 'tool', tool_call_id: 'call_1', content: '18C' },
            { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '24C' }] },
            { role: 'user', content: 'Thanks' },
          ],
        },
        call(),
      );
      expect(sent()).to.deep.equal({
        model: 'claude-upstream',
        max_tokens: 300,
        system: [
          { type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'Use tools.' },
        ],
        temperature: 0.3,
        top_p: 0.9,
        stop_sequences: ['END'],
        metadata: { user_id: 'user-7' },
        tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object' } }],
        tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Look:' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
              { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
              { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Rome' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'call_1', content: '18C' },
              { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: '24C' }] },
              { type: 'text', text: 'Thanks' },
            ],
          },
        ],
      });
    });

    it('joins plain system messages into one string and maps tool_choice required/none', async () => {
      const tools = [{ type: 'function' as const, function: { name: 'f' } }];
      const provider = create();
      await provider.chat(
        {
          ...request,
          tools,
          tool_choice: 'required',
          messages: [{ role: 'system', content: 'A' }, { role: 'system', content: 'B' }, ...request.messages],
        },
        call(),
      );
      expect(sent()).to.deep.include({ system: 'A\n\nB', tool_choice: { type: 'any' } });
      expect((sent().tools as unknown[])[0]).to.deep.equal({
        name: 'f',
        input_schema: { type: 'object', properties: {} },
      });
      await provider.chat({ ...request, tools, tool_choice: 'none' }, call());
      expect(sent().tool_choice).to.deep.equal({ type: 'none' });
    });

    it('refuses settings it cannot honour, without calling upstream, and warns about ignorable ones', async () => {
      const provider = create();
      for (const [extra, param] of [
        [{ n: 2 }, 'n'],
        [{ logprobs: true }, 'logprobs'],
        [{ response_format: { type: 'json_object' } }, 'response_format'],
      ] as const) {
        const error = expectError(
          await rejection(provider.chat({ ...request, ...extra }, call())),
          'SY_ERR_UPSTREAM_BAD_REQUEST',
        );
        expect(error.param).to.equal(param);
        expect(error.retryable).to.equal(false);
      }
      expect(upstream.calls).to.equal(0);
      const { warnings } = await provider.chat({ ...request, seed: 7, presence_penalty: 0.5 }, call());
      expect(warnings).to.deep.equal([
        "'seed' is not supported by Anthropic and was ignored.",
        "'presence_penalty' is not supported by Anthropic and was ignored.",
      ]);
      expect(sent()).not.to.have.property('seed');
    });
  });

  describe('chat()', () => {
    it('returns an OpenAI chat.completion with text, usage and cache tokens', async () => {
      upstream.enqueue({ reply: 'Bonjour tout le monde', cacheReadTokens: 100, cacheCreationTokens: 20 });
      const { response } = await create().chat(request, call());
      assertOpenAIShape('CreateChatCompletionResponse', response);
      expect(response).to.deep.include({ id: 'msg_mock_01', object: 'chat.completion', created: NOW / 1000 });
      expect(response.choices[0]?.message.content).to.equal('Bonjour tout le monde');
      expect(response.choices[0]?.finish_reason).to.equal('stop');
      const input = JSON.stringify(upstream.requests[0]?.body ?? {}).length;
      expect(response.usage?.prompt_tokens).to.equal(Math.ceil(input / 4) + 120);
      expect(response.usage?.prompt_tokens_details).to.deep.equal({
        cached_tokens: 100,
        cache_write_tokens: 20,
      });
      expect(response.usage?.total_tokens).to.equal(
        response.usage!.prompt_tokens + response.usage!.completion_tokens,
      );
    });

    it('returns tool_use blocks as tool_calls with finish_reason tool_calls', async () => {
      upstream.enqueue({
        reply: 'Let me check.',
        toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}', id: 'toolu_9' }],
      });
      const { response } = await create().chat(request, call());
      assertOpenAIShape('CreateChatCompletionResponse', response);
      expect(response.choices[0]?.message).to.deep.include({
        content: 'Let me check.',
        tool_calls: [
          {
            id: 'toolu_9',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
        ],
      });
      expect(response.choices[0]?.finish_reason).to.equal('tool_calls');
    });

    for (const [stopReason, finish] of [
      ['max_tokens', 'length'],
      ['stop_sequence', 'stop'],
      ['refusal', 'content_filter'],
    ]) {
      it(`maps stop_reason ${stopReason} to finish_reason ${finish}`, async () => {
        upstream.enqueue({ stopReason });
        const { response } = await create().chat(request, call());
        expect(response.choices[0]?.finish_reason).to.equal(finish);
      });
    }

    it('sends images the mock can see (base64 and URL)', async () => {
      upstream.enqueue({ echoImages: true });
      const content = [
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
        { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
      ];
      const { response } = await create().chat({ ...request, messages: [{ role: 'user', content }] }, call());
      expect(response.choices[0]?.message.content).to.equal(
        `base64 image/png ${PNG.length} chars; url https://example.com/a.png`,
      );
    });
  });

  describe('errors', () => {
    const cases: [
      string,
      MockAnthropicBehaviour,
      ErrorCode,
      { retryable: boolean; retryAfterMs?: number; status?: number },
    ][] = [
      [
        '429 with retry-after',
        { status: 429, retryAfter: 2 },
        'SY_ERR_UPSTREAM_RATE_LIMITED',
        { retryable: true, retryAfterMs: 2000 },
      ],
      ['529 overloaded', { status: 529 }, 'SY_ERR_UPSTREAM_OVERLOADED', { retryable: true }],
      ['500 api_error', { status: 500 }, 'SY_ERR_UPSTREAM_SERVER_ERROR', { retryable: true }],
      ['503', { status: 503 }, 'SY_ERR_UPSTREAM_OVERLOADED', { retryable: true }],
      [
        '400 invalid_request_error',
        { status: 400, error: { message: 'messages: roles must alternate' } },
        'SY_ERR_UPSTREAM_BAD_REQUEST',
        { retryable: false, status: 400 },
      ],
      [
        '400 prompt too long',
        { status: 400, error: { message: 'prompt is too long: 210000 tokens > 200000 maximum' } },
        'SY_ERR_UPSTREAM_CONTEXT_LENGTH_EXCEEDED',
        { retryable: false },
      ],
      [
        '401',
        { status: 401, error: { message: `invalid x-api-key ${API_KEY}` } },
        'SY_ERR_UPSTREAM_AUTHENTICATION',
        { retryable: true },
      ],
      ['403', { status: 403 }, 'SY_ERR_UPSTREAM_AUTHENTICATION', { retryable: true }],
    ];
    for (const [name, behaviour, code, expected] of cases) {
      it(`maps ${name} to ${code}, for chat and chatStream`, async () => {
        const provider = create();
        upstream.enqueue(behaviour, behaviour);
        for (const attempt of [
          provider.chat(request, call()),
          provider.chatStream({ ...request, stream: true }, call()),
        ]) {
          const error = expectError(await rejection(attempt), code);
          expect(error).to.deep.include(expected);
        }
      });
    }

    it('keeps the key out of messages even when the upstream echoes it', async () => {
      upstream.enqueue({ status: 401, error: { message: `bad key ${API_KEY}` } });
      const error = expectError(
        await rejection(create().chat(request, call())),
        'SY_ERR_UPSTREAM_AUTHENTICATION',
      );
      expect(error.message).to.contain('[redacted]');
      expect(inspect(error, { depth: 5 })).not.to.contain(API_KEY);
    });

    it('reports a 200 that is not a message as an invalid response', async () => {
      upstream.enqueue({ rawBody: '{"type":"completion"}' });
      expectError(await rejection(create().chat(request, call())), 'SY_ERR_UPSTREAM_INVALID_RESPONSE');
    });
  });

  describe('chatStream()', () => {
    const stream = { ...request, stream: true, stream_options: { include_usage: true } };

    it('translates text events into OpenAI chunks ending with finish_reason and a usage chunk', async () => {
      upstream.enqueue({ reply: 'one two three', cacheReadTokens: 5 });
      const { chunks } = await create().chatStream(stream, call());
      const all = await collect(chunks);
      for (const chunk of all) assertOpenAIShape('CreateChatCompletionStreamResponse', chunk);
      expect(all[0]?.choices[0]?.delta).to.deep.equal({ role: 'assistant', content: '' });
      expect(all.map((c) => c.choices[0]?.delta.content ?? '').join('')).to.equal('one two three');
      expect(all.at(-2)?.choices[0]?.finish_reason).to.equal('stop');
      const usage = all.at(-1)?.usage;
      expect(all.at(-1)?.choices).to.deep.equal([]);
      expect(usage?.prompt_tokens_details?.cached_tokens).to.equal(5);
      expect(usage?.completion_tokens).to.be.greaterThan(0);
      expect(sent().stream).to.equal(true);
    });

    it('sends no usage chunk unless asked', async () => {
      const all = await collect((await create().chatStream({ ...request, stream: true }, call())).chunks);
      expect(all.some((c) => c.usage)).to.equal(false);
    });

    it('streams tool calls as id and name first, then argument fragments, for each tool', async () => {
      const calls = [
        { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
        { name: 'get_time', arguments: '{"tz":"Europe/Paris"}' },
      ];
      upstream.enqueue({ reply: 'Checking.', toolCalls: calls });
      const all = await collect((await create().chatStream(stream, call())).chunks);
      const deltas = all.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
      for (const [index, expected] of calls.entries()) {
        const mine = deltas.filter((d) => d.index === index);
        expect(mine[0]).to.deep.include({ id: `toolu_mock_${index + 1}`, type: 'function' });
        expect(mine[0]?.function).to.deep.equal({ name: expected.name, arguments: '' });
        expect(mine.length).to.be.greaterThan(2);
        expect(mine.map((d) => d.function?.arguments ?? '').join('')).to.equal(expected.arguments);
      }
      expect(all.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).to.equal('tool_calls');
    });

    it('throws the mapped error of an error event mid-stream, after the chunks before it', async () => {
      upstream.enqueue({ reply: 'a b c d e', errorEventAfterChunks: 5 });
      const received: ChatCompletionChunk[] = [];
      const { chunks } = await create().chatStream(stream, call());
      const error = await rejection(
        (async () => {
          for await (const c of chunks) received.push(c);
        })(),
      );
      expectError(error, 'SY_ERR_UPSTREAM_OVERLOADED');
      expect(received.map((c) => c.choices[0]?.delta.content ?? '').join('')).to.equal('a b');
    });

    it('treats a stream cut before the stop reason as a retryable server error', async () => {
      upstream.enqueue({ reply: 'a b c d e', cutAfterChunks: 5 });
      const { chunks } = await create().chatStream(stream, call());
      expectError(await rejection(collect(chunks)), 'SY_ERR_UPSTREAM_SERVER_ERROR');
    });

    it('treats a connection reset mid-stream as a connection error', async () => {
      upstream.enqueue({ reply: 'a b c d e', resetAfterChunks: 4, chunkDelayMs: 5 });
      const { chunks } = await create().chatStream(stream, call());
      expectError(await rejection(collect(chunks)), 'SY_ERR_UPSTREAM_CONNECTION');
    });

    it('drops the upstream connection when the caller aborts mid-stream', async () => {
      upstream.enqueue({ reply: 'a b c d e f g h i j', chunkDelayMs: 50 });
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
});
