import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { policyEngineOf } from '../../../plugins/stages/policy/index.js';
import { tempDir } from '../../core/policy/fixtures.js';
import { startHarness, type Harness } from '../../support/harness.js';
import { metricValue, scrape } from '../../support/prometheus.js';

const routeTo = (provider: string) =>
  `version: 1\nrules:\n  - { name: to-${provider}, route: { candidates: [${provider}/test-model] } }\n`;

describe('policy reload under traffic', () => {
  let h: Harness;
  let file: string;
  before(async () => {
    const dir = tempDir();
    file = join(dir, 'routing.yaml');
    writeFileSync(file, routeTo('p0'));
    h = await startHarness({ upstreams: 2, configure: (config) => ({ ...config, policies: [dir] }) });
  });
  after(() => h.close());

  it('swaps policies atomically while requests run: no request fails, each sees one whole policy', async () => {
    const engine = policyEngineOf(h.gateway.services);
    if (!engine) throw new Error('no policy engine');
    const statuses: number[] = [];
    const mismatched: string[] = [];
    let running = true;
    const worker = async () => {
      while (running) {
        const response = await fetch(`${h.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content: 'hi' }] }),
        });
        statuses.push(response.status);
        await response.arrayBuffer();
        // The rule that decided and the provider that answered come from the same policy.
        const rule = response.headers.get('x-switchyard-rule');
        const provider = response.headers.get('x-switchyard-provider');
        if (rule !== `to-${provider}`) mismatched.push(`${rule} → ${provider}`);
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    for (let i = 0; i < 20; i++) {
      writeFileSync(
        file,
        i === 10
          ? 'version: 1\nrules: [ { name: broken, route: { candidates: [nope/x] } } ]\n'
          : routeTo(i % 2 === 0 ? 'p1' : 'p0'),
      );
      engine.reload();
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    running = false;
    await Promise.all(workers);

    expect(statuses.length).to.be.greaterThan(50);
    expect(statuses.filter((s) => s !== 200)).to.deep.equal([]);
    expect(mismatched).to.deep.equal([]);
    expect(h.upstreams[0]?.calls).to.be.greaterThan(0);
    expect(h.upstreams[1]?.calls).to.be.greaterThan(0);
    const samples = await scrape(h.url);
    expect(
      metricValue(samples, 'switchyard_config_reloads_total', { kind: 'policy', result: 'success' }),
    ).to.equal(19);
    expect(
      metricValue(samples, 'switchyard_config_reloads_total', { kind: 'policy', result: 'failure' }),
    ).to.equal(1);
  });
});
