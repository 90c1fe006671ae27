import { expect } from 'chai';
import type { Gateway } from '../../../index.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../../../core/testing/index.js';
import { createTcpProxy, type TcpProxy } from '../../core/store/fixtures/tcp-proxy.js';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../../core/store/fixtures/redis-test-env.js';
import { accountingConfig, ask, startGateway } from './fixtures/setup.js';

describe('Redis going away while traffic flows', () => {
  let upstream: MockOpenAIUpstream;
  let proxy: TcpProxy;
  const prefix = uniquePrefix('outage');
  const gateways: Gateway[] = [];

  before(async () => {
    upstream = await startMockOpenAIUpstream({ record: false });
  });
  beforeEach(async () => {
    proxy = await createTcpProxy(REDIS_URL);
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
    await proxy.stop();
  });
  after(async () => {
    await upstream.close();
    await deleteKeys(prefix);
  });

  async function start(extra: Record<string, unknown>): Promise<string> {
    const { gateway, url } = await startGateway(
      accountingConfig(upstream, {
        store: { kind: 'redis', url: `redis://127.0.0.1:${proxy.port}`, prefix, commandTimeoutMs: 300 },
        ...extra,
      }),
    );
    gateways.push(gateway);
    return url;
  }

  it('fails budgets closed with a bounded 503, keeps serving nothing unmetered, and recovers', async function () {
    this.timeout(15_000);
    const url = await start({ teams: { acme: { budgets: { month: 100 } } } });
    expect((await ask(url)).status).to.equal(200);
    const callsBefore = upstream.calls;

    await proxy.stop();
    const started = Date.now();
    const during = await Promise.all(Array.from({ length: 20 }, () => ask(url)));
    expect(Date.now() - started, 'bounded').to.be.below(1_500);
    for (const response of during) {
      expect(response.status).to.equal(503);
      expect(((await response.json()) as { error: { code: string } }).error.code).to.equal(
        'SY_ERR_STORE_UNAVAILABLE',
      );
    }
    expect(upstream.calls, 'nothing reached the upstream unmetered').to.equal(callsBefore);

    await proxy.start();
    const deadline = Date.now() + 5_000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      status = (await ask(url)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status, 'recovered').to.equal(200);
  });

  it('lets rate-limited traffic through unmetered by default (onStoreError: open), marked in a header', async function () {
    this.timeout(10_000);
    const url = await start({ limits: { keys: { rpm: 100 } } });
    expect((await ask(url)).status).to.equal(200);
    await proxy.stop();
    const response = await ask(url);
    expect(response.status).to.equal(200);
    expect(response.headers.get('x-switchyard-ratelimit')).to.equal('unmetered');
  });

  it('refuses rate-limited traffic with 503 when onStoreError is closed', async function () {
    this.timeout(10_000);
    const url = await start({ limits: { keys: { rpm: 100 }, onStoreError: 'closed' } });
    await proxy.stop();
    expect((await ask(url)).status).to.equal(503);
  });
});
