import { expect } from 'chai';
import Koa from 'koa';
import OpenAI from 'openai';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHarness, type Harness } from '../../support/harness.js';
import { metricValue, parseExposition, scrape } from '../../support/prometheus.js';

const TEAM_KEY = 'sk-team-alpha-0123456789';

describe('GET /metrics', () => {
  let h: Harness;
  let client: OpenAI;
  before(async () => {
    h = await startHarness({
      upstreams: 2,
      configure: (config) => ({ ...config, auth: { keys: [{ key: TEAM_KEY, team: 'alpha' }] } }),
    });
    client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: TEAM_KEY, maxRetries: 0 });
  });
  after(() => h.close());

  it('counts requests, latency, tokens and cost with route, provider, model, team and status labels', async () => {
    await client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const stream = await client.chat.completions.create({
      model: 'test-model',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    for await (const _chunk of stream) void _chunk;
    const samples = await scrape(h.url);
    const labels = { route: 'chat', provider: 'p0', model: 'test-model', team: 'alpha', status: '200' };
    expect(metricValue(samples, 'switchyard_requests_total', labels)).to.equal(2);
    const entry = { route: 'chat', provider: 'p0', model: 'test-model' };
    expect(metricValue(samples, 'switchyard_request_duration_seconds_count', entry)).to.equal(2);
    expect(metricValue(samples, 'switchyard_time_to_first_token_seconds_count', entry)).to.equal(1);
    expect(metricValue(samples, 'switchyard_gateway_overhead_seconds_count', { route: 'chat' })).to.equal(2);
    const prompt = metricValue(samples, 'switchyard_tokens_total', { team: 'alpha', type: 'prompt' });
    const completion = metricValue(samples, 'switchyard_tokens_total', { team: 'alpha', type: 'completion' });
    expect(prompt).to.be.greaterThan(0);
    expect(completion).to.be.greaterThan(0);
    // Pricing is 1 USD / M input, 2 USD / M output.
    const cost = metricValue(samples, 'switchyard_cost_usd_total', { provider: 'p0', team: 'alpha' });
    expect(cost).to.be.closeTo((prompt * 1 + completion * 2) / 1e6, 1e-12);
    expect(metricValue(samples, 'switchyard_requests_in_flight')).to.equal(0);
  });

  it('labels failures by error code, unknown models as `other`, and counts failovers by cause', async () => {
    await client.chat.completions
      .create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] })
      .catch(() => undefined);
    h.upstreams[0]?.enqueue({ status: 429 });
    await client.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: 'x' }] });
    const samples = await scrape(h.url);
    expect(
      metricValue(samples, 'switchyard_requests_total', { model: 'other', provider: 'none', status: '404' }),
    ).to.equal(1);
    expect(
      metricValue(samples, 'switchyard_request_errors_total', { code: 'SY_ERR_MODEL_NOT_FOUND' }),
    ).to.equal(1);
    expect(
      metricValue(samples, 'switchyard_failovers_total', {
        provider: 'p0',
        code: 'SY_ERR_UPSTREAM_RATE_LIMITED',
      }),
    ).to.equal(1);
    expect(metricValue(samples, 'switchyard_requests_total', { provider: 'p1', status: '200' })).to.equal(1);
    expect(samples.some((s) => s.labels.model === 'no-such-model')).to.equal(false);
  });

  it('counts rejections (here: a missing key) by reason', async () => {
    const response = await fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.status).to.equal(401);
    const samples = await scrape(h.url);
    expect(metricValue(samples, 'switchyard_rejections_total', { reason: 'auth', team: 'none' })).to.equal(1);
  });

  it('keeps a registry per gateway, and serves it under koa() too', async () => {
    const other = await startHarness();
    try {
      const before = await scrape(other.url);
      expect(metricValue(before, 'switchyard_requests_total')).to.equal(0);
      const app = new Koa();
      app.use(other.gateway.koa({ prefix: '/llm' }));
      const server = createServer(app.callback());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        const response = await fetch(`http://127.0.0.1:${port}/llm/metrics`);
        expect(response.status).to.equal(200);
        expect(response.headers.get('content-type')).to.match(/^text\/plain/);
        expect(
          parseExposition(await response.text()).some((s) => s.name === 'switchyard_requests_in_flight'),
        ).to.equal(true);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    } finally {
      await other.close();
    }
  });

  it('counts response cache lookups reported by the cache stage', async () => {
    const cached = await startHarness({ configure: (config) => ({ ...config, cache: {} }) });
    try {
      const body = JSON.stringify({
        model: 'test-model',
        temperature: 0,
        messages: [{ role: 'user', content: 'cache me' }],
      });
      for (let i = 0; i < 2; i++) {
        const response = await fetch(`${cached.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        expect(response.headers.get('x-switchyard-cache')).to.equal(i === 0 ? 'miss' : 'hit');
        await response.arrayBuffer();
      }
      const samples = await scrape(cached.url);
      expect(metricValue(samples, 'switchyard_cache_lookups_total', { result: 'miss' })).to.equal(1);
      expect(metricValue(samples, 'switchyard_cache_lookups_total', { result: 'hit' })).to.equal(1);
    } finally {
      await cached.close();
    }
  });

  it('answers 404 when metrics are switched off', async () => {
    const off = await startHarness({ configure: (config) => ({ ...config, metrics: { enabled: false } }) });
    try {
      expect((await fetch(`${off.url}/metrics`)).status).to.equal(404);
    } finally {
      await off.close();
    }
  });
});
