import { expect } from 'chai';
import type { GatewayConfig } from '../../../index.js';
import { startHarness, type Harness } from '../../support/harness.js';
import { ask, startCacheHarness } from './fixtures.js';

const KEYS = { a1: 'sk-team-a-0001', a2: 'sk-team-a-0002', b1: 'sk-team-b-0001' };
const withKeys = (config: GatewayConfig): GatewayConfig => ({
  ...config,
  auth: {
    keys: [
      { key: KEYS.a1, team: 'a' },
      { key: KEYS.a2, team: 'a' },
      { key: KEYS.b1, team: 'b' },
    ],
  },
});
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('cache stage: tenants and expiry', () => {
  describe('namespaces', () => {
    let h: Harness;
    before(async () => (h = await startCacheHarness({}, { configure: withKeys })));
    after(() => h.close());

    it('never serves one team another team’s entry; keys of one team share', async () => {
      const body = { messages: [{ role: 'user', content: 'tenant' }] };
      expect((await ask(h.url, body, bearer(KEYS.a1))).headers.get('x-switchyard-cache')).to.equal('miss');
      expect((await ask(h.url, body, bearer(KEYS.b1))).headers.get('x-switchyard-cache')).to.equal('miss');
      expect((await ask(h.url, body, bearer(KEYS.a2))).headers.get('x-switchyard-cache')).to.equal('hit');
      expect(h.upstreams[0]?.calls).to.equal(2);
    });
  });

  describe('shared: true', () => {
    let h: Harness;
    before(async () => (h = await startCacheHarness({ shared: true }, { configure: withKeys })));
    after(() => h.close());

    it('lets every team read one namespace', async () => {
      const body = { messages: [{ role: 'user', content: 'shared' }] };
      await ask(h.url, body, bearer(KEYS.a1));
      expect((await ask(h.url, body, bearer(KEYS.b1))).headers.get('x-switchyard-cache')).to.equal('hit');
      expect(h.upstreams[0]?.calls).to.equal(1);
    });
  });

  describe('TTL', () => {
    let h: Harness;
    before(async () => (h = await startCacheHarness({ defaultTtlSeconds: 1 })));
    after(() => h.close());

    it('forgets an entry after defaultTtlSeconds', async () => {
      const body = { messages: [{ role: 'user', content: 'ttl' }] };
      await ask(h.url, body);
      expect((await ask(h.url, body)).headers.get('x-switchyard-cache')).to.equal('hit');
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await ask(h.url, body)).headers.get('x-switchyard-cache')).to.equal('miss');
      expect(h.upstreams[0]?.calls).to.equal(2);
    });
  });

  describe('cacheableWhen: always', () => {
    let h: Harness;
    before(async () => (h = await startCacheHarness({ cacheableWhen: 'always' })));
    after(() => h.close());

    it('caches requests at any temperature', async () => {
      const body = { temperature: 1, messages: [{ role: 'user', content: 'any' }] };
      await ask(h.url, body);
      expect((await ask(h.url, body)).headers.get('x-switchyard-cache')).to.equal('hit');
    });
  });

  describe('without a cache section', () => {
    let h: Harness;
    before(async () => (h = await startHarness()));
    after(() => h.close());

    it('leaves the stage out: no header, every request reaches the upstream', async () => {
      const first = await ask(h.url);
      await ask(h.url);
      expect(first.headers.get('x-switchyard-cache')).to.equal(null);
      expect(h.upstreams[0]?.calls).to.equal(2);
    });
  });
});
