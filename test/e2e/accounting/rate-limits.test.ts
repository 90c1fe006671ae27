import { expect } from 'chai';
import { createRedisStore, type Gateway, type StateStore } from '../../../index.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../../../core/testing/index.js';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../../core/store/fixtures/redis-test-env.js';
import { accountingConfig, ask, startGateway, tally } from './fixtures/setup.js';

describe('rate limits across instances', () => {
  let upstream: MockOpenAIUpstream;
  const prefix = uniquePrefix('rate-limits');
  const gateways: Gateway[] = [];
  const stores: StateStore[] = [];
  let clock = Date.parse('2026-11-30T12:00:00Z');

  before(async () => {
    upstream = await startMockOpenAIUpstream({ record: false });
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });
  after(async () => {
    await upstream.close();
    await deleteKeys(prefix);
  });

  /** Two gateways, each with its own Redis connection, on one prefix and one test clock. */
  async function twoInstances(limits: Record<string, unknown>, label: string): Promise<[string, string]> {
    const urls: string[] = [];
    for (let i = 0; i < 2; i++) {
      const store = createRedisStore({ url: REDIS_URL, prefix: `${prefix}${label}:`, now: () => clock });
      stores.push(store);
      const { gateway, url } = await startGateway(accountingConfig(upstream, { limits }), { store });
      gateways.push(gateway);
      urls.push(url);
    }
    return urls as [string, string];
  }

  it('admits exactly the team rpm over two instances and refuses the rest with 429 and Retry-After', async () => {
    const [a, b] = await twoInstances({ teams: { rpm: 10 } }, 'rpm');
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => ask(i % 2 === 0 ? a : b)));
    expect(tally(responses.map((response) => response.status))).to.deep.equal({ 200: 10, 429: 20 });
    const refused = responses.find((response) => response.status === 429);
    expect(refused?.headers.get('retry-after')).to.equal('60');
    expect(refused?.headers.get('x-ratelimit-limit-requests')).to.equal('10');
    expect(refused?.headers.get('x-ratelimit-remaining-requests')).to.equal('0');
    const body = (await refused?.json()) as { error: { code: string; type: string } };
    expect(body.error).to.include({ code: 'SY_ERR_RATE_LIMITED', type: 'rate_limit_error' });
    const admitted = responses.find((response) => response.status === 200);
    expect(admitted?.headers.get('x-ratelimit-limit-requests')).to.equal('10');
    expect(admitted?.headers.get('x-ratelimit-reset-requests')).to.match(/^\d+(\.\d+)?s$|^1m0s$/);
    await Promise.all(responses.filter((r) => !r.bodyUsed).map((response) => response.arrayBuffer()));
  });

  it('slides: a hit leaves the window exactly windowMs after it was admitted, with no boundary burst', async () => {
    const [a, b] = await twoInstances({ keys: { rpm: 3 } }, 'slide');
    const start = clock;
    expect((await ask(a)).status).to.equal(200); // t = 0
    clock = start + 30_000;
    expect((await ask(b)).status).to.equal(200); // t = 30 s
    expect((await ask(a)).status).to.equal(200); // t = 30 s
    clock = start + 59_999;
    const refused = await ask(b);
    expect(refused.status).to.equal(429);
    expect(refused.headers.get('retry-after')).to.equal('1');
    clock = start + 60_000; // the first hit has left; the two at 30 s have not
    expect((await ask(b)).status).to.equal(200);
    expect((await ask(a)).status).to.equal(429);
    clock = start + 90_000;
    expect((await ask(a)).status).to.equal(200);
  });

  it('counts tokens: estimated prompt plus max_tokens, and refuses a request larger than the limit', async () => {
    const [a] = await twoInstances({ models: { 'test-model': { tpm: 250 } } }, 'tpm');
    const first = await ask(a); // ~12 prompt tokens + 100
    expect(first.status).to.equal(200);
    expect(Number(first.headers.get('x-ratelimit-remaining-tokens'))).to.be.within(100, 150);
    expect((await ask(a)).status).to.equal(200);
    expect((await ask(a)).status).to.equal(429);
    const huge = await ask(a, undefined, { max_tokens: 1000 });
    expect(huge.status).to.equal(429);
    expect(((await huge.json()) as { error: { message: string } }).error.message).to.include('more than');
  });
});
