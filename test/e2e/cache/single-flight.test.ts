import { expect } from 'chai';
import type { Harness } from '../../support/harness.js';
import { ask, content, startCacheHarness } from './fixtures.js';

describe('cache stage: single-flight (memory backend)', () => {
  let h: Harness;
  before(async () => (h = await startCacheHarness({})));
  after(() => h.close());
  beforeEach(() => h.upstreams[0]?.reset());

  it('makes one upstream call for 100 concurrent identical requests; all get the answer', async () => {
    h.upstreams[0]?.setDefault({ reply: 'Shared answer.', delayFirstByteMs: 150 });
    const body = { messages: [{ role: 'user', content: 'stampede' }] };
    const answers = await Promise.all(Array.from({ length: 100 }, () => ask(h.url, body)));
    expect(h.upstreams[0]?.calls).to.equal(1);
    expect(answers.map((a) => a.status)).to.deep.equal(Array(100).fill(200));
    expect(new Set(answers.map(content))).to.deep.equal(new Set(['Shared answer.']));
    const outcomes = answers.map((a) => a.headers.get('x-switchyard-cache'));
    expect(outcomes.filter((o) => o === 'miss')).to.have.length(1);
    expect(outcomes.filter((o) => o === 'hit')).to.have.length(99);
  });

  it('lets the waiters call on their own when the leader fails', async () => {
    h.upstreams[0]?.enqueue({
      status: 400,
      delayFirstByteMs: 100,
      error: { message: 'no', type: 'invalid_request_error' },
    });
    h.upstreams[0]?.setDefault({ reply: 'Recovered.' });
    const body = { messages: [{ role: 'user', content: 'leader fails' }] };
    const answers = await Promise.all(Array.from({ length: 5 }, () => ask(h.url, body)));
    expect(answers.map((a) => a.status).sort()).to.deep.equal([200, 200, 200, 200, 400]);
    // The leader's failure is not shared; the four others each ask (no entry existed yet).
    expect(h.upstreams[0]?.calls).to.be.at.least(2);
  });
});
