import { expect } from 'chai';
import type { Harness } from '../../support/harness.js';
import { ask, content, startCacheHarness } from './fixtures.js';

describe('cache stage (exact-match response cache, memory backend)', () => {
  let h: Harness;
  before(
    async () =>
      (h = await startCacheHarness(
        { defaultTtlSeconds: 60 },
        {
          // p0 keeps nothing, so zero-retention requests may use it.
          configure: (config) => {
            const p0 = config.providers.p0!;
            return {
              ...config,
              providers: { ...config.providers, p0: { ...p0, data: { zeroDataRetention: true } } },
            };
          },
        },
      )),
  );
  after(() => h.close());
  beforeEach(() => h.upstreams[0]?.reset());

  const upstream = () => h.upstreams[0]!;

  it('answers a repeated request from the cache: one upstream call, same answer, billed 0', async () => {
    upstream().setDefault({ reply: 'Paris.' });
    const first = await ask(h.url, { messages: [{ role: 'user', content: 'capital?' }] });
    const second = await ask(h.url, { messages: [{ role: 'user', content: 'capital?' }] });
    expect(upstream().calls).to.equal(1);
    expect(first.headers.get('x-switchyard-cache')).to.equal('miss');
    expect(second.headers.get('x-switchyard-cache')).to.equal('hit');
    expect(second.headers.get('x-switchyard-provider')).to.equal('p0');
    expect(content(second)).to.equal('Paris.');
    expect(second.body.id).to.equal(first.body.id);
    const cost = first.body.usage?.cost as number;
    expect(cost).to.be.greaterThan(0);
    expect(second.body.usage?.cost).to.equal(0);
    expect(second.body.usage?.cache_hit).to.equal(true);
    expect(second.body.usage?.saved_usd).to.equal(cost);
    expect(second.headers.get('x-switchyard-cost-usd')).to.equal((0).toFixed(9));
  });

  it('keys on the answer-relevant request: field order and `user`/`metadata` do not matter', async () => {
    const messages = [{ role: 'user', content: 'order?', name: 'n' }];
    await ask(h.url, { messages, seed: 7, top_p: 1 });
    const reordered = await ask(h.url, {
      top_p: 1,
      seed: 7,
      messages: [{ name: 'n', content: 'order?', role: 'user' }],
      user: 'someone-else',
      metadata: { trace: 'x' },
    });
    expect(reordered.headers.get('x-switchyard-cache')).to.equal('hit');
    expect(upstream().calls).to.equal(1);
  });

  it('misses when any sampling parameter or the prompt changes', async () => {
    const base = { messages: [{ role: 'user', content: 'vary' }] };
    await ask(h.url, base);
    const variants = [
      { ...base, seed: 1 },
      { ...base, max_tokens: 5 },
      { ...base, top_p: 0.5 },
      { ...base, stop: ['x'] },
      { ...base, tools: [{ type: 'function', function: { name: 'f' } }] },
      { ...base, response_format: { type: 'json_object' } },
      { messages: [{ role: 'user', content: 'vary!' }] },
    ];
    for (const variant of variants) {
      const answer = await ask(h.url, variant);
      expect(answer.headers.get('x-switchyard-cache'), JSON.stringify(variant)).to.equal('miss');
    }
    expect(upstream().calls).to.equal(1 + variants.length);
  });

  it('bypasses requests that are not deterministic (temperature above 0) by default', async () => {
    const body = { temperature: 0.7, messages: [{ role: 'user', content: 'creative' }] };
    const first = await ask(h.url, body);
    await ask(h.url, body);
    expect(first.headers.get('x-switchyard-cache')).to.equal('bypass');
    expect(upstream().calls).to.equal(2);
  });

  it('cache-control: no-store neither reads nor writes', async () => {
    const body = { messages: [{ role: 'user', content: 'no-store' }] };
    const bypassed = await ask(h.url, body, { 'cache-control': 'no-store' });
    expect(bypassed.headers.get('x-switchyard-cache')).to.equal('bypass');
    expect((await ask(h.url, body)).headers.get('x-switchyard-cache')).to.equal('miss');
    const again = await ask(h.url, body, { 'cache-control': 'no-store' });
    expect(again.headers.get('x-switchyard-cache')).to.equal('bypass');
    expect(upstream().calls).to.equal(3);
  });

  it('x-switchyard-cache: refresh skips the read and stores the new answer', async () => {
    const body = { messages: [{ role: 'user', content: 'refresh' }] };
    upstream().enqueue({ reply: 'old' }, { reply: 'new' });
    await ask(h.url, body);
    const refreshed = await ask(h.url, body, { 'x-switchyard-cache': 'refresh' });
    expect(refreshed.headers.get('x-switchyard-cache')).to.equal('miss');
    expect(content(refreshed)).to.equal('new');
    const after = await ask(h.url, body);
    expect(after.headers.get('x-switchyard-cache')).to.equal('hit');
    expect(content(after)).to.equal('new');
    expect(upstream().calls).to.equal(2);
  });

  it('cache-control: max-age=N accepts only entries younger than N seconds', async () => {
    const body = { messages: [{ role: 'user', content: 'max-age' }] };
    await ask(h.url, body);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const fresh = await ask(h.url, body, { 'cache-control': 'max-age=60' });
    expect(fresh.headers.get('x-switchyard-cache')).to.equal('hit');
    expect(fresh.headers.get('x-switchyard-cache-age')).to.equal('1');
    const tooOld = await ask(h.url, body, { 'cache-control': 'max-age=1' });
    expect(tooOld.headers.get('x-switchyard-cache')).to.equal('miss');
    expect(upstream().calls).to.equal(2);
  });

  it('never caches a zero-retention request', async () => {
    const body = { messages: [{ role: 'user', content: 'secret' }] };
    const first = await ask(h.url, body, { 'x-switchyard-zdr': '1' });
    await ask(h.url, body, { 'x-switchyard-zdr': '1' });
    expect(first.status).to.equal(200);
    expect(first.headers.get('x-switchyard-cache')).to.equal('bypass');
    expect((await ask(h.url, body)).headers.get('x-switchyard-cache')).to.equal('miss');
    expect(upstream().calls).to.equal(3);
  });

  it('does not store a failed answer', async () => {
    const body = { messages: [{ role: 'user', content: 'fails' }] };
    upstream().enqueue({ status: 400, error: { message: 'bad', type: 'invalid_request_error' } });
    expect((await ask(h.url, body)).status).to.equal(400);
    const retry = await ask(h.url, body);
    expect(retry.status).to.equal(200);
    expect(retry.headers.get('x-switchyard-cache')).to.equal('miss');
  });
});
