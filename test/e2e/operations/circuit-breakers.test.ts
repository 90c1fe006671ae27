import { expect } from 'chai';
import { startHarness, type Harness } from '../../support/harness.js';
import { metricValue, scrape } from '../../support/prometheus.js';
import type { ProviderHealthReport } from '../../../index.js';

const COOLDOWN_MS = 300;

/** Two upstreams serving `test-model` (p0 first); `solo` is served by p0 alone. */
function breakerHarness(): Promise<Harness> {
  return startHarness({
    upstreams: 2,
    configure: (config) => {
      const routing = config.routing ?? {};
      routing.circuitBreaker = { failureThreshold: 2, cooldownMs: COOLDOWN_MS };
      config.routing = routing;
      const p0 = config.providers.p0;
      if (p0) p0.models.solo = { upstreamModel: 'gpt-4o-mini', pricing: { input: 1, output: 2 } };
      return config;
    },
  });
}

async function providersReport(url: string): Promise<ProviderHealthReport> {
  const response = await fetch(`${url}/health/providers`);
  expect(response.status).to.equal(200);
  return (await response.json()) as ProviderHealthReport;
}

const stateOf = (report: ProviderHealthReport, ref: string) =>
  report.providers.find((p) => p.ref === ref)?.state;

const ask = (h: Harness, model = 'test-model') =>
  h.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }).withResponse();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('circuit breakers', () => {
  let h: Harness;
  beforeEach(async () => (h = await breakerHarness()));
  afterEach(() => h.close());

  it('opens under upstream 500s, skips the open candidate, probes it half-open and closes on recovery', async () => {
    const [p0, p1] = h.upstreams as [Harness['upstreams'][0], Harness['upstreams'][0]];
    p0.setDefault({ status: 500 });

    // Two failed attempts in a row on p0 (each request fails over to p1): the circuit opens.
    for (let i = 0; i < 2; i++) {
      const { response } = await ask(h);
      expect(response.headers.get('x-switchyard-provider')).to.equal('p1');
    }
    expect(p0.calls).to.equal(2);
    expect(stateOf(await providersReport(h.url), 'p0/test-model')).to.equal('open');

    // While open, p0 is not even tried.
    const skipped = await ask(h);
    expect(skipped.response.headers.get('x-switchyard-attempts')).to.equal('1');
    expect(p0.calls).to.equal(2);
    expect(p1.calls).to.equal(3);

    const metrics = await scrape(h.url);
    expect(
      metricValue(metrics, 'switchyard_circuit_state', { provider: 'p0', model: 'test-model' }),
    ).to.equal(2);
    expect(
      metricValue(metrics, 'switchyard_circuit_transitions_total', { provider: 'p0', state: 'open' }),
    ).to.equal(1);
    expect(
      metricValue(metrics, 'switchyard_failovers_total', {
        provider: 'p0',
        model: 'test-model',
        code: 'SY_ERR_UPSTREAM_SERVER_ERROR',
      }),
    ).to.equal(2);

    // After the cool-down: half-open, and the next request probes p0, which has recovered.
    await sleep(COOLDOWN_MS + 50);
    const report = await providersReport(h.url);
    expect(stateOf(report, 'p0/test-model')).to.equal('half-open');
    p0.setDefault({});
    const probe = await ask(h);
    expect(probe.response.headers.get('x-switchyard-provider')).to.equal('p0');
    expect(p0.calls).to.equal(3);
    expect(stateOf(await providersReport(h.url), 'p0/test-model')).to.equal('closed');
    const after = await scrape(h.url);
    expect(metricValue(after, 'switchyard_circuit_state', { provider: 'p0', model: 'test-model' })).to.equal(
      0,
    );
  });

  it('reopens when the half-open probe fails', async () => {
    const p0 = h.upstreams[0];
    p0?.setDefault({ status: 503 });
    await ask(h);
    await ask(h);
    await sleep(COOLDOWN_MS + 50);
    const probe = await ask(h);
    expect(probe.response.headers.get('x-switchyard-attempts')).to.equal('2');
    expect(p0?.calls).to.equal(3);
    expect(stateOf(await providersReport(h.url), 'p0/test-model')).to.equal('open');
  });

  it('does not count client errors (a 400 from upstream) against the provider', async () => {
    h.upstreams[0]?.setDefault({ status: 400 });
    for (let i = 0; i < 4; i++) await ask(h).catch(() => undefined);
    expect(h.upstreams[0]?.calls).to.equal(4);
    expect(stateOf(await providersReport(h.url), 'p0/test-model')).to.equal('closed');
  });

  it('still tries the candidate when every candidate is open, rather than failing outright', async () => {
    const p0 = h.upstreams[0];
    p0?.setDefault({ status: 500 });
    await ask(h, 'solo').catch(() => undefined);
    await ask(h, 'solo').catch(() => undefined);
    expect(stateOf(await providersReport(h.url), 'p0/solo')).to.equal('open');
    p0?.setDefault({});
    const { response } = await ask(h, 'solo');
    expect(response.headers.get('x-switchyard-provider')).to.equal('p0');
    expect(p0?.calls).to.equal(3);
    expect(stateOf(await providersReport(h.url), 'p0/solo')).to.equal('closed');
  });

  it('reports every catalog entry and the breaker settings at GET /health/providers', async () => {
    const report = await providersReport(h.url);
    expect(report.breakers).to.include({ enabled: true, failureThreshold: 2, cooldownMs: COOLDOWN_MS });
    expect(report.providers.map((p) => p.ref)).to.include.members([
      'p0/test-model',
      'p1/test-model',
      'p0/solo',
    ]);
    expect(report.providers.every((p) => p.state === 'closed')).to.equal(true);
  });
});
