import { expect } from 'chai';
import Anthropic from '@anthropic-ai/sdk';
import { startMockAnthropicUpstream, type MockAnthropicUpstream } from '../../core/testing/index.js';
import { collect } from '../support/async.js';
import { rejection } from '../support/rejection.js';
import { readSse, startHarness, type Harness } from '../support/harness.js';

const UPSTREAM_KEY = 'sk-ant-upstream-secret-0123456789';

/**
 * The Anthropic-compatible front door, driven by the official Anthropic SDK: `oai` routes to an
 * OpenAI-compatible mock upstream (translation both ways), `claude` to the Anthropic mock
 * upstream through the anthropic provider (Anthropic in, Anthropic out).
 */
describe('POST /v1/messages (Anthropic SDK)', () => {
  let h: Harness;
  let claude: MockAnthropicUpstream;
  let client: Anthropic;
  const openaiUpstream = () => h.upstreams[0]!;

  before(async () => {
    claude = await startMockAnthropicUpstream();
    h = await startHarness({
      configure: (config) => ({
        ...config,
        providers: {
          ...config.providers,
          claude: {
            plugin: 'anthropic',
            options: { baseUrl: claude.url, apiKey: UPSTREAM_KEY },
            models: {
              'claude-model': { upstreamModel: 'claude-upstream', pricing: { input: 3, output: 15 } },
            },
          },
        },
      }),
    });
    client = new Anthropic({ baseURL: h.url, apiKey: 'sk-client', maxRetries: 0, timeout: 10_000 });
  });
  after(async () => {
    await h.close();
    await claude.close();
  });
  beforeEach(() => {
    openaiUpstream().reset();
    claude.reset();
  });

  describe('routed to an OpenAI-compatible upstream', () => {
    it('answers with an Anthropic Message translated from the chat completion', async () => {
      openaiUpstream().enqueue({ reply: 'Hi from OpenAI land' });
      const message = await client.messages.create({
        model: 'test-model',
        max_tokens: 100,
        system: 'Be brief.',
        stop_sequences: ['END'],
        messages: [{ role: 'user', content: 'Hello' }],
      });
      expect(message).to.deep.include({ type: 'message', role: 'assistant', stop_reason: 'end_turn' });
      expect(message.content).to.deep.equal([{ type: 'text', text: 'Hi from OpenAI land' }]);
      expect(message.usage.input_tokens).to.be.greaterThan(0);
      expect(message.usage.output_tokens).to.be.greaterThan(0);
      expect(openaiUpstream().requests[0]?.body).to.deep.equal({
        model: 'gpt-4o-mini',
        max_tokens: 100,
        stop: ['END'],
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hello' },
        ],
      });
    });

    it('translates tools, tool_use and tool_result both ways', async () => {
      openaiUpstream().enqueue({ toolCall: { name: 'get_weather', arguments: '{"city":"Paris"}' } });
      const message = await client.messages.create({
        model: 'test-model',
        max_tokens: 100,
        tools: [
          { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: {} } },
        ],
        tool_choice: { type: 'any' },
        messages: [
          { role: 'user', content: 'Weather in Rome, then Paris?' },
          {
            role: 'assistant',
            content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Rome' } }],
          },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '24C' }] },
        ],
      });
      expect(message.stop_reason).to.equal('tool_use');
      expect(message.content).to.deep.equal([
        { type: 'tool_use', id: 'call_mock_1', name: 'get_weather', input: { city: 'Paris' } },
      ]);
      const sent = openaiUpstream().requests[0]?.body as Record<string, unknown>;
      expect(sent.tools).to.deep.equal([
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather',
            parameters: { type: 'object', properties: {} },
          },
        },
      ]);
      expect(sent.tool_choice).to.equal('required');
      expect(sent.messages).to.deep.equal([
        { role: 'user', content: 'Weather in Rome, then Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'toolu_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '24C' },
      ]);
    });

    it('streams Anthropic events in order, with usage in message_delta', async () => {
      openaiUpstream().enqueue({ reply: 'one two three' });
      const stream = await client.messages.create({
        model: 'test-model',
        max_tokens: 50,
        stream: true,
        messages: [{ role: 'user', content: 'count' }],
      });
      const events = await collect(stream);
      expect(events.map((e) => e.type)).to.deep.equal([
        'message_start',
        'content_block_start',
        'content_block_delta',
        'content_block_delta',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
      const text = events
        .map((e) => (e.type === 'content_block_delta' && e.delta.type === 'text_delta' ? e.delta.text : ''))
        .join('');
      expect(text).to.equal('one two three');
      const delta = events.find((e) => e.type === 'message_delta');
      expect(delta?.type === 'message_delta' && delta.delta.stop_reason).to.equal('end_turn');
      expect(delta?.type === 'message_delta' && delta.usage.output_tokens).to.be.greaterThan(0);
      expect(delta?.type === 'message_delta' && delta.usage.input_tokens).to.be.greaterThan(0);
    });

    it("streams tool calls that the SDK's MessageStream assembles into a tool_use block", async () => {
      openaiUpstream().enqueue({
        toolCall: { name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' },
      });
      const final = await client.messages
        .stream({
          model: 'test-model',
          max_tokens: 50,
          tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
          messages: [{ role: 'user', content: 'weather?' }],
        })
        .finalMessage();
      expect(final.stop_reason).to.equal('tool_use');
      expect(final.content).to.have.length(1);
      expect(final.content[0]).to.deep.include({
        type: 'tool_use',
        name: 'get_weather',
        input: { city: 'Paris', unit: 'c' },
      });
    });

    it('ends a stream cut after the first output with an Anthropic error event the SDK raises', async () => {
      openaiUpstream().enqueue({ reply: 'a b c d e f', cutAfterChunks: 3 });
      const stream = await client.messages.create({
        model: 'test-model',
        max_tokens: 50,
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      });
      const error = await rejection(collect(stream));
      expect(error).to.be.instanceOf(Anthropic.APIError);
      expect((error as InstanceType<typeof Anthropic.APIError>).type).to.equal('api_error');
    });

    it('answers validation errors in Anthropic’s error shape', async () => {
      const response = await fetch(`${h.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content: 'x' }] }),
      });
      expect(response.status).to.equal(400);
      expect(await response.json()).to.deep.equal({
        type: 'error',
        error: { type: 'invalid_request_error', message: "Missing required parameter: 'max_tokens'." },
      });
      const error = await rejection(
        client.messages.create({ model: 'nope', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
      );
      expect(error).to.be.instanceOf(Anthropic.NotFoundError);
      expect((error as InstanceType<typeof Anthropic.NotFoundError>).type).to.equal('not_found_error');
    });

    it('passes an upstream 429 on as a rate_limit_error with retry-after', async () => {
      openaiUpstream().setDefault({ status: 429, retryAfter: 60 });
      try {
        const error = await rejection(
          client.messages.create({
            model: 'test-model',
            max_tokens: 5,
            messages: [{ role: 'user', content: 'x' }],
          }),
        );
        expect(error).to.be.instanceOf(Anthropic.RateLimitError);
        expect((error as InstanceType<typeof Anthropic.RateLimitError>).headers.get('retry-after')).to.equal(
          '60',
        );
      } finally {
        openaiUpstream().setDefault({});
      }
    });
  });

  describe('routed to the Anthropic upstream', () => {
    it('round-trips system blocks with cache_control, images and sampling to the upstream', async () => {
      claude.enqueue({ reply: 'A cat.', cacheReadTokens: 40 });
      const message = await client.messages.create({
        model: 'claude-model',
        max_tokens: 64,
        system: [{ type: 'text', text: 'Long instructions', cache_control: { type: 'ephemeral' } }],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
              { type: 'text', text: 'What is this?' },
            ],
          },
        ],
      });
      expect(message.content).to.deep.equal([{ type: 'text', text: 'A cat.' }]);
      expect(message.usage.cache_read_input_tokens).to.equal(40);
      expect(claude.requests[0]?.headers['x-api-key']).to.equal(UPSTREAM_KEY);
      expect(claude.requests[0]?.body).to.deep.equal({
        model: 'claude-upstream',
        max_tokens: 64,
        system: [{ type: 'text', text: 'Long instructions', cache_control: { type: 'ephemeral' } }],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
              { type: 'text', text: 'What is this?' },
            ],
          },
        ],
      });
    });

    it('streams tool use from the Anthropic upstream back as Anthropic events', async () => {
      claude.enqueue({
        reply: 'Checking.',
        toolCalls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}' }],
      });
      const final = await client.messages
        .stream({
          model: 'claude-model',
          max_tokens: 50,
          tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
          messages: [{ role: 'user', content: 'weather?' }],
        })
        .finalMessage();
      expect(final.content).to.deep.equal([
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'toolu_mock_1', name: 'get_weather', input: { city: 'Oslo' } },
      ]);
      expect(final.stop_reason).to.equal('tool_use');
    });

    it('sends the raw SSE with event names the SDK dispatches on, carrying sampling fields through', async () => {
      const response = await fetch(`${h.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'claude-model',
          max_tokens: 10,
          temperature: 0.5,
          top_k: 5,
          stream: true,
          messages: [{ role: 'user', content: 'x' }],
        }),
      });
      expect(claude.requests[0]?.body).to.deep.include({ temperature: 0.5, top_k: 5, stream: true });
      const text = await response.text();
      expect(text.startsWith('event: message_start\ndata: {"type":"message_start"')).to.equal(true);
      expect(text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).to.equal(true);
      expect((await readSse(new Response(text))).data).not.to.include('[DONE]');
    });
  });
});
