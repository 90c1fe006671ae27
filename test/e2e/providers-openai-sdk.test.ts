import { expect } from 'chai';
import type OpenAI from 'openai';
import {
  startMockAnthropicUpstream,
  startMockGeminiUpstream,
  type MockAnthropicUpstream,
  type MockGeminiUpstream,
} from '../../core/testing/index.js';
import { collect } from '../support/async.js';
import { rejection } from '../support/rejection.js';
import { startHarness, type Harness } from '../support/harness.js';
import { assertOpenAIShape } from '../support/openai-schemas.js';

const ANTHROPIC_KEY = 'sk-ant-upstream-secret-0123456789';
const GEMINI_KEY = 'AIza-upstream-secret-0123456789';
type Chunk = OpenAI.ChatCompletionChunk;

/** The official openai SDK against /v1/chat/completions, served by the anthropic and gemini providers. */
describe('POST /v1/chat/completions served by anthropic and gemini (openai SDK)', () => {
  let h: Harness;
  let claude: MockAnthropicUpstream;
  let gemini: MockGeminiUpstream;

  before(async () => {
    claude = await startMockAnthropicUpstream();
    gemini = await startMockGeminiUpstream();
    h = await startHarness({
      configure: (config) => ({
        ...config,
        routing: { failover: { retriesPerCandidate: 2, backoffBaseMs: 1, backoffMaxMs: 5 } },
        providers: {
          claude: {
            plugin: 'anthropic',
            options: { baseUrl: claude.url, apiKey: ANTHROPIC_KEY },
            models: {
              claude: { upstreamModel: 'claude-upstream' },
              both: { upstreamModel: 'claude-upstream' },
            },
          },
          google: {
            plugin: 'gemini',
            options: { baseUrl: gemini.url, apiKey: GEMINI_KEY },
            models: {
              gemini: { upstreamModel: 'gemini-upstream' },
              both: { upstreamModel: 'gemini-upstream' },
              embed: { upstreamModel: 'text-embedding-004', kind: 'embeddings' },
            },
          },
        },
      }),
    });
  });
  after(async () => {
    await h.close();
    await Promise.all([claude.close(), gemini.close()]);
  });
  beforeEach(() => {
    claude.reset();
    gemini.reset();
  });

  for (const [model, upstream] of [
    ['claude', () => claude],
    ['gemini', () => gemini],
  ] as const) {
    describe(`model ${model}`, () => {
      it('answers a completion that matches OpenAI’s schema, with usage', async () => {
        const completion = await h.client.chat.completions.create({
          model,
          messages: [{ role: 'user', content: 'hello' }],
        });
        assertOpenAIShape('CreateChatCompletionResponse', completion);
        expect(completion.choices[0]?.message.content).to.match(/^Hello from the mock/);
        expect(completion.usage?.prompt_tokens).to.be.greaterThan(0);
        expect(upstream().calls).to.equal(1);
      });

      it('streams chunks that match OpenAI’s schema, with the usage chunk when asked', async () => {
        const stream = await h.client.chat.completions.create({
          model,
          stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: 'user', content: 'hello' }],
        });
        const chunks = await collect(stream as AsyncIterable<Chunk>);
        for (const chunk of chunks) assertOpenAIShape('CreateChatCompletionStreamResponse', chunk);
        expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).to.match(
          /^Hello from the mock/,
        );
        expect(chunks.at(-1)?.usage?.total_tokens).to.be.greaterThan(0);
      });

      it('streams a tool call the SDK reassembles', async () => {
        if (model === 'claude')
          claude.enqueue({ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] });
        else gemini.enqueue({ functionCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] });
        const stream = await h.client.chat.completions.create({
          model,
          stream: true,
          tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
          messages: [{ role: 'user', content: 'weather?' }],
        });
        const chunks = await collect(stream as AsyncIterable<Chunk>);
        const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
        expect(calls[0]?.function?.name).to.equal('get_weather');
        expect(calls.map((c) => c.function?.arguments ?? '').join('')).to.equal('{"city":"Paris"}');
        expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).to.equal(
          'tool_calls',
        );
      });

      it('sends images to the upstream', async () => {
        if (model === 'claude') claude.enqueue({ echoImages: true });
        else gemini.enqueue({ echoImages: true });
        const completion = await h.client.chat.completions.create({
          model,
          messages: [
            {
              role: 'user',
              content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }],
            },
          ],
        });
        expect(completion.choices[0]?.message.content).to.match(/image\/png 12 chars/);
      });

      it('ends a stream cut after the first output with an error the SDK raises', async () => {
        upstream().enqueue({ reply: 'a b c d e f g', cutAfterChunks: 4 });
        const stream = await h.client.chat.completions.create({
          model,
          stream: true,
          messages: [{ role: 'user', content: 'x' }],
        });
        const error = await rejection(collect(stream as AsyncIterable<Chunk>));
        expect(String((error as Error).message)).to.match(/failed mid-stream/);
      });

      it('retries a 429 after its Retry-After and a 5xx, then answers', async () => {
        upstream().enqueue({ status: 429, retryAfter: 0 }, { status: model === 'claude' ? 529 : 503 });
        const completion = await h.client.chat.completions.create({
          model,
          messages: [{ role: 'user', content: 'x' }],
        });
        expect(completion.choices[0]?.message.content).to.be.a('string');
        expect(upstream().calls).to.equal(3);
      });

      it('never shows the provider key, even when the upstream echoes it', async () => {
        const key = model === 'claude' ? ANTHROPIC_KEY : GEMINI_KEY;
        upstream().setDefault({ status: 400, error: { message: `bad request for key ${key}` } });
        try {
          const response = await fetch(`${h.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ model, messages: [{ role: 'user', content: 'x' }] }),
          });
          const text = await response.text();
          expect(response.status).to.equal(400);
          expect(text).to.contain('[redacted]');
          expect(text).not.to.contain(key);
        } finally {
          upstream().setDefault({});
        }
      });
    });
  }

  it('fails over from an overloaded Anthropic upstream to Gemini', async () => {
    claude.setDefault({ status: 529 });
    try {
      const { data, response } = await h.client.chat.completions
        .create({ model: 'both', messages: [{ role: 'user', content: 'x' }] })
        .withResponse();
      expect(response.headers.get('x-switchyard-provider')).to.equal('google');
      expect(data.choices[0]?.message.content).to.match(/Gemini/);
    } finally {
      claude.setDefault({});
    }
  });

  it('serves embeddings from Gemini through the openai SDK (base64 by default)', async () => {
    const result = await h.client.embeddings.create({ model: 'embed', input: ['a', 'b'] });
    expect(result.data.map((d) => d.embedding.length)).to.deep.equal([8, 8]);
    expect(gemini.requests[0]?.path).to.equal('/v1beta/models/text-embedding-004:batchEmbedContents');
  });

  it('lets no request field or header change where the upstream call goes or which key it carries', async () => {
    const hostile = {
      model: 'claude',
      messages: [{ role: 'user', content: 'x' }],
      base_url: 'http://169.254.169.254/',
      baseUrl: 'http://169.254.169.254/',
      api_base: 'http://169.254.169.254/',
      api_key: 'sk-attacker',
      upstream_url: 'http://169.254.169.254/',
    };
    for (const model of ['claude', 'gemini']) {
      const response = await fetch(`${h.url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          host: '169.254.169.254',
          'x-forwarded-host': '169.254.169.254',
          'x-api-key': 'sk-attacker',
          'x-goog-api-key': 'sk-attacker',
          'anthropic-version': '1999-01-01',
        },
        body: JSON.stringify({ ...hostile, model }),
      });
      expect(response.status).to.equal(200);
    }
    expect(claude.requests[0]?.path).to.equal('/v1/messages');
    expect(claude.requests[0]?.headers['x-api-key']).to.equal(ANTHROPIC_KEY);
    expect(claude.requests[0]?.headers['anthropic-version']).to.equal('2023-06-01');
    expect(claude.requests[0]?.body).not.to.have.any.keys(
      'base_url',
      'baseUrl',
      'api_base',
      'api_key',
      'provider',
    );
    expect(gemini.requests[0]?.path).to.equal('/v1beta/models/gemini-upstream:generateContent');
    expect(gemini.requests[0]?.headers['x-goog-api-key']).to.equal(GEMINI_KEY);
    expect(gemini.requests[0]?.body).not.to.have.any.keys(
      'base_url',
      'baseUrl',
      'api_base',
      'api_key',
      'provider',
    );
  });
});
