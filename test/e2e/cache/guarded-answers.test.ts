import { expect } from 'chai';
import { ask, startCacheHarness } from './fixtures.js';

describe('the response cache and output guardrails', () => {
  it('never stores an answer that an output guardrail refuses', async () => {
    const h = await startCacheHarness(
      { enabled: true },
      {
        configure: (config) => ({
          ...config,
          guardrails: {
            default: 'out',
            profiles: { out: [{ guardrail: 'deny-list', options: { terms: ['falcon'] }, on: 'output' }] },
          },
        }),
      },
    );
    try {
      h.upstreams[0]?.setDefault({ reply: 'Project Falcon launches Monday' });
      const first = await ask(h.url);
      const second = await ask(h.url);
      expect(first.status).to.equal(400);
      expect(second.status).to.equal(400);
      // Both went upstream: the refused answer was not served from the cache the second time.
      expect(h.upstreams[0]?.calls).to.equal(2);

      h.upstreams[0]?.setDefault({ reply: 'A harmless answer' });
      await ask(h.url, { messages: [{ role: 'user', content: 'another question' }] });
      const cached = await ask(h.url, { messages: [{ role: 'user', content: 'another question' }] });
      expect(cached.headers.get('x-switchyard-cache')).to.equal('hit');
      expect(h.upstreams[0]?.calls).to.equal(3);
    } finally {
      await h.close();
    }
  });
});
