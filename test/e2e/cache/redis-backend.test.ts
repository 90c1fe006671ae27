import { expect } from 'chai';
import { createGateway, createSilentLogger, type Gateway, type GatewayConfig } from '../../../index.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../../../core/testing/index.js';
import { deleteKeys, listKeys, REDIS_URL, uniquePrefix } from '../../core/store/fixtures/redis-test-env.js';
import { spawnGateway, type GatewayProcess } from '../accounting/fixtures/spawn-gateway.js';
import { upstreamProvider } from '../../support/harness.js';
import { ask, content } from './fixtures.js';

function cacheConfig(upstream: MockOpenAIUpstream, prefix: string): GatewayConfig {
  return {
    providers: { p0: upstreamProvider(upstream) },
    store: { kind: 'redis', url: REDIS_URL, prefix, commandTimeoutMs: 5_000 },
    cache: { backend: 'store', defaultTtlSeconds: 60 },
  };
}

/** 100 identical requests, split evenly over the given gateways, all at once. */
function stampede(urls: string[], text: string) {
  const body = { messages: [{ role: 'user', content: text }] };
  return Promise.all(Array.from({ length: 100 }, (_, i) => ask(urls[i % urls.length] as string, body)));
}

describe('cache stage: store backend on Redis, several instances', () => {
  let upstream: MockOpenAIUpstream;
  const prefix = uniquePrefix('cache');
  const gateways: Gateway[] = [];
  const urls: string[] = [];

  before(async () => {
    upstream = await startMockOpenAIUpstream({ record: true });
    for (let i = 0; i < 2; i++) {
      const gateway = await createGateway(cacheConfig(upstream, prefix), { logger: createSilentLogger() });
      gateways.push(gateway);
      urls.push((await gateway.listen(0, '127.0.0.1')).url);
    }
  });
  after(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await upstream.close();
    await deleteKeys(prefix);
  });
  beforeEach(() => upstream.reset());

  it('shares entries: what one instance stored, the other serves', async () => {
    const body = { messages: [{ role: 'user', content: 'shared entry' }] };
    expect((await ask(urls[0]!, body)).headers.get('x-switchyard-cache')).to.equal('miss');
    const other = await ask(urls[1]!, body);
    expect(other.headers.get('x-switchyard-cache')).to.equal('hit');
    expect(upstream.calls).to.equal(1);
    const keys = await listKeys(prefix);
    expect(keys.some((key) => key.startsWith(`${prefix}kv:{cache:v1:`))).to.equal(true);
    expect(keys.some((key) => key.includes(':lock'))).to.equal(false, 'the lock is released');
  });

  it('makes one upstream call for 100 concurrent identical requests over two instances', async () => {
    upstream.setDefault({ reply: 'One call.', delayFirstByteMs: 150 });
    const answers = await stampede(urls, 'stampede over two instances');
    expect(upstream.calls).to.equal(1);
    expect(answers.map((a) => a.status)).to.deep.equal(Array(100).fill(200));
    expect(new Set(answers.map(content))).to.deep.equal(new Set(['One call.']));
    expect(answers.filter((a) => a.headers.get('x-switchyard-cache') === 'miss')).to.have.length(1);
  });

  it('makes one upstream call for 100 requests over two gateway processes', async function () {
    this.timeout(60_000);
    const processes: GatewayProcess[] = [];
    try {
      const config = cacheConfig(upstream, prefix);
      processes.push(...(await Promise.all([spawnGateway(config), spawnGateway(config)])));
      upstream.setDefault({ reply: 'One call, two processes.', delayFirstByteMs: 150 });
      const answers = await stampede(
        processes.map((p) => p.url),
        'stampede over two processes',
      );
      const failed = answers.find((a) => a.status !== 200);
      expect(failed, JSON.stringify(failed?.body)).to.equal(undefined);
      expect(upstream.calls).to.equal(1);
      expect(new Set(answers.map(content))).to.deep.equal(new Set(['One call, two processes.']));
    } finally {
      await Promise.all(processes.map((p) => p.stop()));
    }
  });
});
