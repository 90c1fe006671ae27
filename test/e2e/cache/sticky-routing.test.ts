import { expect } from 'chai';
import { startHarness, type Harness } from '../../support/harness.js';
import { policyEngineOf } from '../../../plugins/stages/policy/index.js';
import { ask } from './fixtures.js';

const session = (id: string) => ({ 'x-switchyard-session': id });
const served = async (h: Harness, body: Record<string, unknown>, headers: Record<string, string>) =>
  (await ask(h.url, body, headers)).headers.get('x-switchyard-provider');

describe('cache stage: provider-sticky routing', () => {
  let h: Harness;
  before(
    async () =>
      (h = await startHarness({
        upstreams: 2,
        configure: (config) => ({ ...config, sticky: { ttlSeconds: 60, keyFrom: ['session', 'prefix'] } }),
      })),
  );
  after(() => h.close());
  beforeEach(() => h.upstreams.forEach((upstream) => upstream.reset()));

  it('keeps a conversation on the provider that answered it, past a failover', async () => {
    const body = { messages: [{ role: 'user', content: 'conversation one' }] };
    expect(await served(h, body, session('s1'))).to.equal('p0');
    // p0 fails once: failover answers from p1, which becomes the conversation's provider.
    h.upstreams[0]?.enqueue({ status: 500 });
    expect(await served(h, body, session('s1'))).to.equal('p1');
    const later = await ask(h.url, { messages: [{ role: 'user', content: 'next turn' }] }, session('s1'));
    expect(later.headers.get('x-switchyard-provider')).to.equal('p1');
    expect(later.headers.get('x-switchyard-sticky')).to.equal('p1/test-model');
    expect(later.headers.get('x-switchyard-attempts')).to.equal('1', 'p1 was tried first, not after p0');
    // Another conversation still follows the plan's order.
    expect(await served(h, body, session('s2'))).to.equal('p0');
  });

  it('does not prefer a sticky provider whose recent error rate is high', async () => {
    const body = { messages: [{ role: 'user', content: 'unhealthy' }] };
    h.upstreams[0]?.enqueue({ status: 500 });
    expect(await served(h, body, session('s3'))).to.equal('p1');
    const stats = policyEngineOf(h.gateway.services)!.stats;
    stats.set('p1/test-model', { errorRate: 0.9 });
    try {
      expect(await served(h, body, session('s3'))).to.equal('p0');
    } finally {
      stats.set('p1/test-model', { errorRate: 0 });
    }
  });

  it('without a session, recognises a conversation by its system prompt and first message', async () => {
    const opening = [
      { role: 'system', content: 'You are a terse assistant.' },
      { role: 'user', content: 'Tell me about caching.' },
    ];
    h.upstreams[0]?.enqueue({ status: 500 });
    expect(await served(h, { messages: opening }, {})).to.equal('p1');
    const followUp = [
      ...opening,
      { role: 'assistant', content: 'Sure.' },
      { role: 'user', content: 'More.' },
    ];
    expect(await served(h, { messages: followUp }, {})).to.equal('p1');
    expect(await served(h, { messages: [{ role: 'user', content: 'Other talk.' }] }, {})).to.equal('p0');
  });
});
