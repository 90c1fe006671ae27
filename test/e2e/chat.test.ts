import { expect } from 'chai';
import type OpenAI from 'openai';
import { startHarness, type Harness } from '../support/harness.js';
import { assertOpenAIShape } from '../support/openai-schemas.js';

describe('POST /v1/chat/completions (openai SDK, non-streaming)', () => {
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(() => h.close());
  beforeEach(() => h.upstreams[0]?.reset());

  it('answers in the OpenAI shape with usage, cost and the serving headers', async () => {
    const { data, response } = await h.client.chat.completions
      .create({ model: 'test-model', messages: [{ role: 'user', content: 'Say hi' }] })
      .withResponse();
    assertOpenAIShape('CreateChatCompletionResponse', data);
    expect(data.choices[0]?.message.content).to.be.a('string').with.length.greaterThan(0);
    expect(response.headers.get('x-switchyard-request-id')).to.match(/^req_[0-9a-f]{32}$/);
    expect(response.headers.get('x-switchyard-provider')).to.equal('p0');
    expect(response.headers.get('x-switchyard-model')).to.equal('test-model');
    expect(response.headers.get('x-switchyard-attempts')).to.equal('1');
    const usage = data.usage as OpenAI.CompletionUsage & { cost?: number };
    const expected = (usage.prompt_tokens * 1 + usage.completion_tokens * 2) / 1e6;
    expect(usage.cost).to.be.closeTo(expected, 1e-12);
    expect(Number(response.headers.get('x-switchyard-cost-usd'))).to.be.closeTo(expected, 1e-9);
  });

  it('passes every field through to the upstream, unknown ones included, with the upstream model name', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } },
    ];
    await h.client.chat.completions.create({
      model: 'test-model',
      messages: [
        { role: 'system', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
      ],
      tools,
      tool_choice: 'auto',
      parallel_tool_calls: false,
      response_format: { type: 'json_object' },
      temperature: 0.2,
      top_p: 0.9,
      n: 2,
      stop: ['END'],
      seed: 7,
      logprobs: true,
      top_logprobs: 2,
      max_completion_tokens: 50,
      user: 'u-1',
      metadata: { trace: 'abc' },
      // @ts-expect-error a vendor field the SDK does not know must survive
      vendor_extension: { keep: true },
      models: ['test-model'],
    });
    const body = h.upstreams[0]?.requests[0]?.body as Record<string, unknown>;
    expect(body.model).to.equal('gpt-4o-mini');
    expect(body.tools).to.deep.equal(tools);
    expect(body).to.include({
      tool_choice: 'auto',
      parallel_tool_calls: false,
      temperature: 0.2,
      top_p: 0.9,
      n: 2,
    });
    expect(body).to.include({
      seed: 7,
      logprobs: true,
      top_logprobs: 2,
      max_completion_tokens: 50,
      user: 'u-1',
    });
    expect(body.stop).to.deep.equal(['END']);
    expect(body.response_format).to.deep.equal({ type: 'json_object' });
    expect(body.metadata).to.deep.equal({ trace: 'abc' });
    expect(body.vendor_extension).to.deep.equal({ keep: true });
    expect((body.messages as unknown[])[1]).to.have.nested.property('content[1].image_url.url');
    expect(body).not.to.have.property('models');
  });

  it('never forwards the client’s credentials upstream', async () => {
    await h.client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'x' }],
    });
    const headers = h.upstreams[0]?.requests[0]?.headers ?? {};
    expect(headers.authorization).to.equal('Bearer sk-upstream-secret-0123456789');
    expect(JSON.stringify(headers)).not.to.include('sk-client');
  });

  it('returns a tool call from the upstream', async () => {
    h.upstreams[0]?.enqueue({ toolCall: { name: 'lookup', arguments: '{"city":"Paris"}' } });
    const completion = await h.client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [{ type: 'function', function: { name: 'lookup' } }],
    });
    assertOpenAIShape('CreateChatCompletionResponse', completion);
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).to.equal('lookup');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).to.deep.equal({ city: 'Paris' });
  });

  it('serves the built-in mock provider without any key', async () => {
    const completion = await h.client.chat.completions.create({
      model: 'mock-small',
      messages: [{ role: 'user', content: 'ping' }],
    });
    assertOpenAIShape('CreateChatCompletionResponse', completion);
    expect(completion.choices[0]?.message.content).to.include('ping');
  });
});

describe('GET /v1/models and POST /v1/embeddings', () => {
  let h: Harness;
  before(
    async () =>
      (h = await startHarness({
        configure: (config) => {
          const mock = config.providers.mock;
          if (mock) mock.models['mock-embed'] = { kind: 'embeddings' };
          const p0 = config.providers.p0;
          if (p0) p0.models['test-embed'] = { kind: 'embeddings', upstreamModel: 'text-embedding-3-small' };
          return config;
        },
      })),
  );
  after(() => h.close());

  it('lists the catalog with prices and context windows', async () => {
    const response = await fetch(`${h.url}/v1/models`);
    const list = (await response.json()) as {
      data: { id: string; pricing: unknown; context_window: unknown }[];
    };
    assertOpenAIShape('ListModelsResponse', list);
    const model = list.data.find((m) => m.id === 'test-model');
    expect(model?.pricing).to.deep.equal({ input: 1, output: 2, cached_input: 0.5 });
    expect(model?.context_window).to.equal(128000);
    const viaSdk = await h.client.models.list();
    expect(viaSdk.data.map((m) => m.id)).to.include.members(['test-model', 'mock-small', 'mock-embed']);
  });

  it('creates embeddings through the upstream and through the mock', async () => {
    for (const model of ['test-embed', 'mock-embed']) {
      const result = await h.client.embeddings.create({ model, input: ['a', 'b'] });
      assertOpenAIShape('CreateEmbeddingResponse', result);
      expect(result.data).to.have.length(2);
    }
    const upstreamBody = h.upstreams[0]?.requests.find((r) => r.path.endsWith('/embeddings'))?.body;
    expect(upstreamBody).to.deep.include({ model: 'text-embedding-3-small', input: ['a', 'b'] });
  });

  it('answers GET /health', async () => {
    const response = await fetch(`${h.url}/health`);
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({ status: 'ok' });
  });
});
