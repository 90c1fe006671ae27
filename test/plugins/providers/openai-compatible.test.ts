import { inspect } from 'node:util';
import { expect } from 'chai';
import { Ajv } from 'ajv';
import { createSilentLogger } from '../../../core/logger.js';
import { SwitchyardError } from '../../../core/errors/switchyard-error.js';
import type { ErrorCode } from '../../../core/errors/codes.js';
import type { Provider } from '../../../core/provider.js';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../../../core/types/openai.js';
import {
  startMockOpenAIUpstream,
  type MockOpenAIUpstream,
  type MockUpstreamBehaviour,
} from '../../../core/testing/index.js';
import {
  openaiCompatiblePlugin,
  type OpenAICompatibleOptions,
} from '../../../plugins/providers/openai-compatible/index.js';
import { rejection } from '../../support/rejection.js';

const API_KEY = 'sk-test-SECRET-0123456789abcdef';
// On a whole second, so HTTP-date Retry-After values convert exactly.
const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);

const request: ChatCompletionRequest = {
  model: 'catalog-model',
  messages: [{ role: 'user', content: 'Hello there' }],
};

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function collect(chunks: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const result: ChatCompletionChunk[] = [];
  for await (const chunk of chunks) result.push(chunk);
  return result;
}

function expectUpstreamError(error: unknown, code: ErrorCode): SwitchyardError {
  if (!SwitchyardError.isInstance(error))
    throw new Error(`expected a SwitchyardError, got ${inspect(error)}`);
  expect(error.code).to.equal(code);
  expect(error.provider).to.equal('up');
  expect(error.message).to.contain('"up"');
  return error;
}

describe('openaiCompatiblePlugin', () => {
  let upstream: MockOpenAIUpstream;
  const providers: Provider[] = [];

  const create = (options: Partial<OpenAICompatibleOptions> = {}): Provider => {
    const provider = openaiCompatiblePlugin.create(
      { baseUrl: upstream.url, apiKey: API_KEY, ...options },
      { id: 'up', logger: createSilentLogger(), now: () => NOW },
    );
    providers.push(provider);
    return provider;
  };
  const call = (signal: AbortSignal = new AbortController().signal) => ({
    signal,
    upstreamModel: 'gpt-upstream',
  });

  before(async () => {
    upstream = await startMockOpenAIUpstream();
  });
  afterEach(async () => {
    await Promise.all(providers.splice(0).map((provider) => provider.close?.()));
    upstream.reset();
  });
  after(() => upstream.close());

  describe('metadata', () => {
    it('declares the contract version, its name and an options schema that requires baseUrl', () => {
      expect(openaiCompatiblePlugin.apiVersion).to.equal(1);
      expect(openaiCompatiblePlugin.name).to.equal('openai-compatible');
      const validate = new Ajv({ strict: false }).compile(openaiCompatiblePlugin.optionsSchema);
      expect(validate({ baseUrl: 'https://api.openai.com/v1', timeouts: { idleMs: 1000 } })).to.equal(true);
      expect(validate({ apiKey: 'x' })).to.equal(false);
      expect(validate({ baseUrl: 'https://x', azure: {} })).to.equal(false);
    });
  });

  describe('chat()', () => {
    it('passes the body through with the upstream model, without models and provider', async () => {
      const provider = create();
      const body = {
        ...request,
        models: ['other'],
        provider: { order: ['up'] },
        temperature: 0.2,
        vendor_extension: { nested: [1, 2] },
        stream: true,
        stream_options: { include_usage: true },
      };
      await provider.chat(body, call());
      expect(upstream.requests[0]?.body).to.deep.equal({
        model: 'gpt-upstream',
        messages: request.messages,
        temperature: 0.2,
        vendor_extension: { nested: [1, 2] },
      });
      expect(upstream.requests[0]?.path).to.equal('/v1/chat/completions');
    });

    it('sends the key as a bearer token, extra headers, and propagated headers that cannot override auth', async () => {
      const provider = create({ headers: { 'OpenAI-Organization': 'org-1' } });
      await provider.chat(request, {
        ...call(),
        headers: { traceparent: '00-abc-def-01', Authorization: 'Bearer client-key' },
      });
      const headers = upstream.requests[0]?.headers ?? {};
      expect(headers.authorization).to.equal(`Bearer ${API_KEY}`);
      expect(headers['openai-organization']).to.equal('org-1');
      expect(headers.traceparent).to.equal('00-abc-def-01');
      expect(headers['content-type']).to.equal('application/json');
    });

    it('sends no auth header when no key is configured', async () => {
      await create({ apiKey: undefined }).chat(request, call());
      expect(upstream.requests[0]?.headers.authorization).to.equal(undefined);
    });

    it('addresses Azure deployments with api-version and an api-key header', async () => {
      const provider = create({
        baseUrl: upstream.origin,
        azure: { apiVersion: '2024-10-21', deployments: { 'gpt-upstream': 'my deployment' } },
      });
      await provider.chat(request, call());
      await provider.embeddings?.({ model: 'e', input: 'x' }, { ...call(), upstreamModel: 'embed-model' });
      expect(upstream.requests[0]?.path).to.equal(
        '/openai/deployments/my%20deployment/chat/completions?api-version=2024-10-21',
      );
      expect(upstream.requests[1]?.path).to.equal(
        '/openai/deployments/embed-model/embeddings?api-version=2024-10-21',
      );
      expect(upstream.requests[0]?.headers['api-key']).to.equal(API_KEY);
      expect(upstream.requests[0]?.headers.authorization).to.equal(undefined);
    });

    it('honours a custom auth header and prefix', async () => {
      await create({ authHeader: 'X-Api-Key', authPrefix: 'Key ' }).chat(request, call());
      expect(upstream.requests[0]?.headers['x-api-key']).to.equal(`Key ${API_KEY}`);
      expect(upstream.requests[0]?.headers.authorization).to.equal(undefined);
    });

    it('returns the parsed completion', async () => {
      upstream.enqueue({ reply: 'Four words of reply' });
      const { response } = await create().chat(request, call());
      expect(response.object).to.equal('chat.completion');
      expect(response.choices[0]?.message.content).to.equal('Four words of reply');
      expect(response.usage?.total_tokens).to.be.a('number');
    });

    it('reports broken JSON, a body without choices and a 200 error body', async () => {
      const provider = create();
      upstream.enqueue({ rawBody: '{"id": "x", "choi' }, { rawBody: '{"id": "x"}' });
      upstream.enqueue({ rawBody: '{"error": {"message": "quota", "code": "rate_limit_exceeded"}}' });
      expectUpstreamError(
        await rejection(provider.chat(request, call())),
        'SY_ERR_UPSTREAM_INVALID_RESPONSE',
      );
      expectUpstreamError(
        await rejection(provider.chat(request, call())),
        'SY_ERR_UPSTREAM_INVALID_RESPONSE',
      );
      expectUpstreamError(await rejection(provider.chat(request, call())), 'SY_ERR_UPSTREAM_RATE_LIMITED');
    });

    const retryDate = new Date(NOW + 3000).toUTCString();
    const cases: [string, MockUpstreamBehaviour, ErrorCode, { retryAfterMs?: number; status?: number }][] = [
      [
        '429 with Retry-After seconds',
        { status: 429, retryAfter: 1 },
        'SY_ERR_UPSTREAM_RATE_LIMITED',
        { retryAfterMs: 1000 },
      ],
      [
        '429 with retry-after-ms',
        { status: 429, retryAfterMs: 250, retryAfter: 9 },
        'SY_ERR_UPSTREAM_RATE_LIMITED',
        { retryAfterMs: 250 },
      ],
      [
        '429 with an HTTP date',
        { status: 429, retryAfter: retryDate },
        'SY_ERR_UPSTREAM_RATE_LIMITED',
        { retryAfterMs: 3000 },
      ],
      ['500', { status: 500 }, 'SY_ERR_UPSTREAM_SERVER_ERROR', { status: 502 }],
      ['502', { status: 502 }, 'SY_ERR_UPSTREAM_SERVER_ERROR', {}],
      ['504', { status: 504 }, 'SY_ERR_UPSTREAM_SERVER_ERROR', {}],
      [
        '503 with Retry-After',
        { status: 503, retryAfter: 2 },
        'SY_ERR_UPSTREAM_OVERLOADED',
        { retryAfterMs: 2000 },
      ],
      ['529', { status: 529 }, 'SY_ERR_UPSTREAM_OVERLOADED', {}],
      ['408', { status: 408 }, 'SY_ERR_UPSTREAM_TIMEOUT', {}],
      ['401', { status: 401 }, 'SY_ERR_UPSTREAM_AUTHENTICATION', { status: 502 }],
      ['403', { status: 403 }, 'SY_ERR_UPSTREAM_AUTHENTICATION', {}],
      ['404', { status: 404 }, 'SY_ERR_UPSTREAM_NOT_FOUND', {}],
      [
        '400 context_length_exceeded',
        { status: 400, error: { code: 'context_length_exceeded', message: 'too long' } },
        'SY_ERR_UPSTREAM_CONTEXT_LENGTH_EXCEEDED',
        { status: 400 },
      ],
      [
        '400 naming the maximum context length',
        { status: 400, error: { message: "This model's maximum context length is 8192 tokens." } },
        'SY_ERR_UPSTREAM_CONTEXT_LENGTH_EXCEEDED',
        {},
      ],
      [
        '400 content_filter',
        { status: 400, error: { code: 'content_filter' } },
        'SY_ERR_UPSTREAM_CONTENT_FILTERED',
        {},
      ],
      [
        '400',
        { status: 400, error: { param: 'temperature' } },
        'SY_ERR_UPSTREAM_BAD_REQUEST',
        { status: 400 },
      ],
      ['422', { status: 422 }, 'SY_ERR_UPSTREAM_BAD_REQUEST', { status: 422 }],
      [
        'an HTML 500 page',
        { status: 500, rawBody: '<html>bad gateway</html>' },
        'SY_ERR_UPSTREAM_SERVER_ERROR',
        {},
      ],
    ];
    for (const [name, behaviour, code, expected] of cases) {
      it(`maps ${name} to ${code}`, async () => {
        upstream.enqueue(behaviour);
        const error = expectUpstreamError(await rejection(create().chat(request, call())), code);
        expect(error.retryable).to.equal(
          code !== 'SY_ERR_UPSTREAM_BAD_REQUEST' && !code.includes('CONTEXT') && !code.includes('FILTER'),
        );
        expect(error.retryAfterMs).to.equal(expected.retryAfterMs);
        if (expected.status !== undefined) expect(error.status).to.equal(expected.status);
      });
    }

    it('keeps the upstream message and param on a bad request', async () => {
      upstream.enqueue({ status: 400, error: { message: 'temperature must be <= 2', param: 'temperature' } });
      const error = expectUpstreamError(
        await rejection(create().chat(request, call())),
        'SY_ERR_UPSTREAM_BAD_REQUEST',
      );
      expect(error.message).to.contain('temperature must be <= 2');
      expect(error.param).to.equal('temperature');
    });

    it('maps a socket reset and a refused connection to SY_ERR_UPSTREAM_CONNECTION', async () => {
      upstream.enqueue({ reset: true });
      expectUpstreamError(await rejection(create().chat(request, call())), 'SY_ERR_UPSTREAM_CONNECTION');
      const closed = await startMockOpenAIUpstream();
      await closed.close();
      const error = expectUpstreamError(
        await rejection(create({ baseUrl: closed.url }).chat(request, call())),
        'SY_ERR_UPSTREAM_CONNECTION',
      );
      expect(error.retryable).to.equal(true);
    });

    // undici runs its phase timers on a coarse (~1 s) clock, so the bounds here are loose.
    it('times out when the headers do not arrive within firstByteMs', async () => {
      upstream.enqueue({ delayFirstByteMs: 4000 });
      const started = Date.now();
      const error = expectUpstreamError(
        await rejection(create({ timeouts: { firstByteMs: 100 } }).chat(request, call())),
        'SY_ERR_UPSTREAM_TIMEOUT',
      );
      expect(Date.now() - started).to.be.lessThan(2000);
      expect(error.message).to.contain('100 ms');
      expect(error.retryable).to.equal(true);
    });

    it('times out when the whole call exceeds totalMs', async () => {
      upstream.enqueue({ delayFirstByteMs: 1000 });
      const error = expectUpstreamError(
        await rejection(create({ timeouts: { totalMs: 100 } }).chat(request, call())),
        'SY_ERR_UPSTREAM_TIMEOUT',
      );
      expect(error.message).to.contain('did not finish within 100 ms');
    });

    it('aborts the upstream request within 100 ms of the caller aborting, rejecting with its reason', async () => {
      upstream.enqueue({ delayFirstByteMs: 2000 });
      const controller = new AbortController();
      const pending = create().chat(request, call(controller.signal));
      await waitFor(() => upstream.requests.length === 1);
      const reason = new Error('client went away');
      const abortedAt = Date.now();
      controller.abort(reason);
      expect(await rejection(pending)).to.equal(reason);
      await waitFor(() => upstream.requests[0]?.aborted === true, 500);
      expect((upstream.requests[0]?.abortedAt ?? Infinity) - abortedAt).to.be.at.most(100);
    });

    it('rejects at once with the reason of an already aborted signal, sending nothing', async () => {
      const reason = new Error('already gone');
      expect(await rejection(create().chat(request, call(AbortSignal.abort(reason))))).to.equal(reason);
      expect(upstream.calls).to.equal(0);
    });

    it('never lets the API key reach an error message, its cause or its enumerable fields', async () => {
      upstream.enqueue(
        { status: 401, error: { message: `Incorrect API key provided: ${API_KEY}.` } },
        { reset: true },
      );
      const provider = create();
      for (const error of [
        await rejection(provider.chat(request, call())),
        await rejection(provider.chat(request, call())),
      ]) {
        const text = `${String(error)} ${JSON.stringify(error)} ${inspect(error, { showHidden: true, depth: 6 })}`;
        expect(text).not.to.contain(API_KEY);
      }
      expect(inspect(provider, { showHidden: true, depth: 6 })).not.to.contain(API_KEY);
    });
  });

  describe('chatStream()', () => {
    it('sends stream: true with stream_options and yields parsed chunks up to [DONE]', async () => {
      upstream.enqueue({ reply: 'One two three' });
      const { chunks } = await create().chatStream(
        { ...request, stream_options: { include_usage: true } },
        call(),
      );
      const all = await collect(chunks);
      expect(upstream.requests[0]?.body).to.deep.include({
        stream: true,
        stream_options: { include_usage: true },
      });
      expect(all.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).to.equal('One two three');
      expect(all.at(-1)?.usage?.total_tokens).to.be.a('number');
      expect(all.at(-2)?.choices[0]?.finish_reason).to.equal('stop');
    });

    it('yields tool-call argument fragments that reassemble', async () => {
      const args = JSON.stringify({ city: 'Paris', unit: 'celsius' });
      upstream.enqueue({ toolCall: { name: 'get_weather', arguments: args } });
      const all = await collect((await create().chatStream(request, call())).chunks);
      const deltas = all.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
      expect(deltas[0]?.function?.name).to.equal('get_weather');
      expect(deltas.length).to.be.greaterThan(2);
      expect(deltas.map((delta) => delta.function?.arguments ?? '').join('')).to.equal(args);
      expect(all.at(-1)?.choices[0]?.finish_reason).to.equal('tool_calls');
    });

    it('rejects before streaming when the upstream answers with an error status', async () => {
      upstream.enqueue({ status: 429, retryAfter: 3 });
      const error = expectUpstreamError(
        await rejection(create().chatStream(request, call())),
        'SY_ERR_UPSTREAM_RATE_LIMITED',
      );
      expect(error.retryAfterMs).to.equal(3000);
    });

    const midStream: [string, MockUpstreamBehaviour, ErrorCode][] = [
      ['a clean close before any finish reason', { cutAfterChunks: 2 }, 'SY_ERR_UPSTREAM_SERVER_ERROR'],
      ['a socket reset', { resetAfterChunks: 2 }, 'SY_ERR_UPSTREAM_CONNECTION'],
      ['an error event', { errorEventAfterChunks: 2 }, 'SY_ERR_UPSTREAM_SERVER_ERROR'],
      [
        'a rate-limit error event',
        { errorEventAfterChunks: 1, errorEvent: { type: 'rate_limit_error', code: 'rate_limit_exceeded' } },
        'SY_ERR_UPSTREAM_RATE_LIMITED',
      ],
      [
        'a chunk that is not JSON',
        { rawBody: 'data: {"choices": [\n\n', contentType: 'text/event-stream' },
        'SY_ERR_UPSTREAM_INVALID_RESPONSE',
      ],
      ['a JSON body instead of events', { rawBody: '{"choices": []}' }, 'SY_ERR_UPSTREAM_INVALID_RESPONSE'],
    ];
    for (const [name, behaviour, code] of midStream) {
      it(`fails with ${code} on ${name}`, async () => {
        upstream.enqueue(behaviour);
        // Some of these fail before the stream is handed over, the rest while iterating.
        const streamed = create()
          .chatStream(request, call())
          .then(({ chunks }) => collect(chunks));
        const error = expectUpstreamError(await rejection(streamed), code);
        expect(error.retryable).to.equal(true);
        if (name.startsWith('a clean close'))
          expect(error.message).to.contain('stream ended before completion');
      });
    }

    it('parses CRLF lines, comments and multi-line data, and ends cleanly on a finish reason without [DONE]', async () => {
      const chunk = (content: string, finish: string | null) =>
        JSON.stringify({
          id: 'c',
          object: 'chat.completion.chunk',
          created: 1,
          model: 'm',
          choices: [{ index: 0, delta: { content }, finish_reason: finish }],
        });
      const first = chunk('Hel', null);
      const split = `${first.slice(0, 10)}\r\ndata: ${first.slice(10)}`;
      upstream.enqueue({
        contentType: 'text/event-stream',
        rawBody: `: keep-alive\r\n\r\ndata: ${split}\r\n\r\nevent: message\ndata: ${chunk('lo', 'stop')}\n\n`,
      });
      const all = await collect((await create().chatStream(request, call())).chunks);
      expect(all.map((item) => item.choices[0]?.delta.content).join('')).to.equal('Hello');
    });

    it('times out when the stream goes silent for idleMs', async () => {
      upstream.enqueue({ chunkDelayMs: 4000 });
      const { chunks } = await create({ timeouts: { idleMs: 100 } }).chatStream(request, call());
      const started = Date.now();
      const error = expectUpstreamError(await rejection(collect(chunks)), 'SY_ERR_UPSTREAM_TIMEOUT');
      expect(error.message).to.contain('silent for 100 ms');
      expect(Date.now() - started).to.be.lessThan(2000);
    });

    it('times out mid-stream when the whole call exceeds totalMs', async () => {
      upstream.enqueue({ chunkDelayMs: 100, reply: 'one two three four five six seven eight' });
      const { chunks } = await create({ timeouts: { totalMs: 250 } }).chatStream(request, call());
      const error = expectUpstreamError(await rejection(collect(chunks)), 'SY_ERR_UPSTREAM_TIMEOUT');
      expect(error.message).to.contain('did not finish within 250 ms');
    });

    it('aborts the upstream within 100 ms when the caller aborts mid-stream', async () => {
      upstream.enqueue({ chunkDelayMs: 200, reply: 'a b c d e f' });
      const controller = new AbortController();
      const { chunks } = await create().chatStream(request, call(controller.signal));
      const iterator = chunks[Symbol.asyncIterator]();
      await iterator.next();
      const pending = iterator.next();
      const reason = new Error('client disconnected');
      const abortedAt = Date.now();
      controller.abort(reason);
      expect(await rejection(pending)).to.equal(reason);
      await waitFor(() => upstream.requests[0]?.aborted === true, 500);
      expect((upstream.requests[0]?.abortedAt ?? Infinity) - abortedAt).to.be.at.most(100);
    });

    it('drops the upstream connection when the consumer breaks out of the iteration', async () => {
      upstream.enqueue({ chunkDelayMs: 200, reply: 'a b c d e f' });
      // One connection only: the next call can succeed only if the first one gave its slot back.
      const provider = create({ maxConnections: 1 });
      const { chunks } = await provider.chatStream(request, call());
      const brokeAt = Date.now();
      for await (const _chunk of chunks) break;
      await waitFor(() => upstream.requests[0]?.aborted === true, 500);
      expect((upstream.requests[0]?.abortedAt ?? Infinity) - brokeAt).to.be.at.most(100);
      const { response } = await provider.chat(request, { ...call(), signal: AbortSignal.timeout(1000) });
      expect(response.choices).to.have.length(1);
    });

    it('drops the upstream connection when return() comes before any next()', async () => {
      upstream.enqueue({ chunkDelayMs: 200 });
      const { chunks } = await create().chatStream(request, call());
      await chunks[Symbol.asyncIterator]().return?.();
      await waitFor(() => upstream.requests[0]?.aborted === true, 500);
    });

    it('reuses the keep-alive connection after a complete stream', async () => {
      const provider = create();
      const before = upstream.connections;
      await collect((await provider.chatStream(request, call())).chunks);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await collect((await provider.chatStream(request, call())).chunks);
      expect(upstream.calls).to.equal(2);
      expect(upstream.connections - before).to.equal(1);
    });
  });

  describe('embeddings()', () => {
    it('posts to /embeddings with the upstream model and returns the vectors', async () => {
      const response = await create().embeddings?.(
        { model: 'catalog', models: ['x'], input: ['a', 'b'], dimensions: 4 },
        call(),
      );
      expect(upstream.requests[0]?.path).to.equal('/v1/embeddings');
      expect(upstream.requests[0]?.body).to.deep.equal({
        model: 'gpt-upstream',
        input: ['a', 'b'],
        dimensions: 4,
      });
      expect(response?.data).to.have.length(2);
      expect(response?.data[0]?.embedding).to.have.length(4);
    });
  });
});
