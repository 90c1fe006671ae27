import { expect } from 'chai';
import OpenAI, { type APIError } from 'openai';
import { startHarness, readSse, postChat, type Harness } from '../support/harness.js';
import type { GatewayConfig } from '../../index.js';
import type { MockUpstreamBehaviour } from '../../core/testing/index.js';

/** Two upstreams, p0 then p1, both serving `test-model` in that order. */
function twoUpstreams(extra: (c: GatewayConfig) => void = () => undefined) {
  return startHarness({
    upstreams: 2,
    timeouts: { firstByteMs: 300, idleMs: 300 },
    configure: (config) => {
      extra(config);
      return config;
    },
  });
}

const ask = (h: Harness, stream = false) =>
  h.client.chat.completions.create({
    model: 'test-model',
    stream,
    messages: [{ role: 'user', content: 'hello' }],
  } as never);

describe('failover', () => {
  let h: Harness;
  before(async () => (h = await twoUpstreams()));
  after(() => h.close());
  beforeEach(() => h.upstreams.forEach((u) => u.reset()));

  const retryable: [string, MockUpstreamBehaviour][] = [
    ['429 with Retry-After', { status: 429, retryAfter: 1 }],
    ['500', { status: 500 }],
    ['503', { status: 503 }],
    ['a connection reset', { reset: true }],
    // Far beyond the 300 ms timeout: undici checks its timeouts on a coarse (~1 s) tick.
    ['a first byte slower than the timeout', { delayFirstByteMs: 5_000 }],
  ];

  for (const [name, behaviour] of retryable) {
    it(`moves to the next candidate after ${name} (non-streaming)`, async () => {
      h.upstreams[0]?.enqueue(behaviour);
      const { data, response } = await h.client.chat.completions
        .create({ model: 'test-model', messages: [{ role: 'user', content: 'hi' }] })
        .withResponse();
      expect(response.headers.get('x-switchyard-provider')).to.equal('p1');
      expect(response.headers.get('x-switchyard-attempts')).to.equal('2');
      expect(data.choices[0]?.message.content).to.be.a('string');
      expect(h.upstreams[1]?.calls).to.equal(1);
    });

    it(`moves to the next candidate after ${name} (streaming, before the first byte)`, async () => {
      h.upstreams[0]?.enqueue(behaviour);
      const stream = (await ask(h, true)) as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>;
      let content = '';
      for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';
      expect(content).to.equal('Hello from the mock upstream.');
      expect(h.upstreams[1]?.calls).to.equal(1);
    });
  }

  for (const [name, behaviour] of [
    ['200 then an error event', { errorEventAfterChunks: 1 }],
    ['200 then a reset', { resetAfterChunks: 1 }],
    ['200 then a clean close', { cutAfterChunks: 1 }],
  ] as [string, MockUpstreamBehaviour][]) {
    it(`fails over on ${name} before any content reached the client`, async () => {
      h.upstreams[0]?.enqueue(behaviour);
      const response = await postChat(h.url, { stream: true });
      expect(response.headers.get('x-switchyard-provider')).to.equal('p1');
      const { data } = await readSse(response);
      expect(data.at(-1)).to.equal('[DONE]');
      expect(h.upstreams[1]?.calls).to.equal(1);
    });
  }

  it('returns a non-retryable client error at once, without trying the next candidate', async () => {
    h.upstreams[0]?.enqueue({
      status: 400,
      error: { message: 'bad parameter foo', type: 'invalid_request_error' },
    });
    const error = await ask(h).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(OpenAI.BadRequestError);
    expect((error as APIError).message).to.include('bad parameter foo');
    expect(h.upstreams[1]?.calls).to.equal(0);
  });

  it('bills only the attempt that answered', async () => {
    h.upstreams[0]?.enqueue({ status: 503 });
    const completion = await h.client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'hello' }],
    });
    const usage = completion.usage as OpenAI.CompletionUsage & { cost: number };
    expect(usage.cost).to.be.closeTo((usage.prompt_tokens + 2 * usage.completion_tokens) / 1e6, 1e-12);
  });

  it('maps an exhausted plan of 429s to the SDK’s RateLimitError with Retry-After', async () => {
    h.upstreams[0]?.enqueue({ status: 429, retryAfter: 3 });
    h.upstreams[1]?.enqueue({ status: 429, retryAfter: 3 });
    const error = (await ask(h).catch((e: unknown) => e)) as APIError;
    expect(error).to.be.instanceOf(OpenAI.RateLimitError);
    expect(error.headers?.get('retry-after')).to.equal('3');
    expect((error.error as { code?: string }).code).to.equal('SY_ERR_UPSTREAM_RATE_LIMITED');
  });

  it('follows the request’s `models` fallback list', async () => {
    h.upstreams[0]?.enqueue({ status: 500 });
    const completion = await h.client.chat.completions.create({
      model: 'p0/test-model',
      // @ts-expect-error OpenRouter's fallback field
      models: ['p1/test-model'],
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.choices[0]?.message.content).to.be.a('string');
    expect(h.upstreams[1]?.calls).to.equal(1);
  });
});

describe('failover timing', () => {
  it('waits the upstream’s Retry-After before retrying the same candidate', async () => {
    const h = await startHarness({
      configure: (c) => ({ ...c, routing: { failover: { retriesPerCandidate: 1, retryAfterCapMs: 2_000 } } }),
    });
    try {
      h.upstreams[0]?.enqueue({ status: 429, retryAfter: 1 });
      const started = Date.now();
      const completion = await ask(h);
      expect(Date.now() - started).to.be.at.least(950);
      expect((completion as OpenAI.ChatCompletion).choices).to.have.length(1);
      expect(h.upstreams[0]?.calls).to.equal(2);
    } finally {
      await h.close();
    }
  });

  it('stops at the overall deadline, retries included', async () => {
    const h = await startHarness({
      upstreams: 2,
      configure: (c) => ({ ...c, routing: { failover: { deadlineMs: 300 } } }),
    });
    try {
      h.upstreams.forEach((u) => u.setDefault({ delayFirstByteMs: 2_000 }));
      const started = Date.now();
      const error = (await ask(h).catch((e: unknown) => e)) as APIError;
      expect(error.status).to.equal(504);
      expect((error.error as { code?: string }).code).to.equal('SY_ERR_DEADLINE_EXCEEDED');
      expect(Date.now() - started).to.be.below(1_500);
    } finally {
      await h.close();
    }
  });
});
