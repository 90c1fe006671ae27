import { expect } from 'chai';
import { ConfigError, type GatewayConfig } from '../../index.js';
import { startHarness, upstreamProvider, type Harness } from '../support/harness.js';

/** p0 and p1 both exist; `serving` says which one answers `test-model`. */
function configFor(h: Harness, serving: 'p0' | 'p1', base: GatewayConfig): GatewayConfig {
  const [u0, u1] = h.upstreams;
  const models = (on: boolean): Record<string, string> =>
    on ? { 'test-model': 'gpt-4o-mini' } : { 'other-model': 'gpt-4o-mini' };
  return {
    ...base,
    providers: {
      ...base.providers,
      p0: upstreamProvider(u0!, models(serving === 'p0')),
      p1: upstreamProvider(u1!, models(serving === 'p1')),
    },
  };
}

describe('gateway.reload(config)', () => {
  let h: Harness;
  let base: GatewayConfig;
  beforeEach(async () => {
    h = await startHarness({ upstreams: 2, upstreamOptions: { chunkDelayMs: 15 } });
    base = h.gateway.config.source;
    await h.gateway.reload(configFor(h, 'p0', base));
  });
  afterEach(() => h.close());

  const ask = () =>
    h.client.chat.completions
      .create({ model: 'test-model', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();

  it('routes new requests by the new configuration', async () => {
    expect((await ask()).response.headers.get('x-switchyard-provider')).to.equal('p0');
    await h.gateway.reload(configFor(h, 'p1', base));
    expect((await ask()).response.headers.get('x-switchyard-provider')).to.equal('p1');
  });

  it('lets a stream that started before the reload finish on the old configuration', async () => {
    const reply = Array.from({ length: 15 }, (_, i) => `w${i}`).join(' ');
    h.upstreams[0]?.enqueue({ reply });
    const stream = await h.client.chat.completions.create({
      model: 'test-model',
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    });
    const iterator = stream[Symbol.asyncIterator]();
    let text = (await iterator.next()).value?.choices[0]?.delta.content ?? '';
    await h.gateway.reload(configFor(h, 'p1', base));
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
      text += step.value.choices[0]?.delta.content ?? '';
    }
    expect(text).to.equal(reply);
  });

  it('refuses an invalid configuration and keeps the running one', async () => {
    const broken = {
      ...base,
      providers: { p0: { plugin: 'openai-compatible', models: {} } },
    } as GatewayConfig;
    const error = await h.gateway
      .reload({ ...broken, routing: { failover: { maxAttempts: 0 } } })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ConfigError);
    expect((await ask()).response.headers.get('x-switchyard-provider')).to.equal('p0');
  });

  it('keeps providers whose plugin and options did not change', async () => {
    const before = h.gateway.services.providers.get('p0');
    await h.gateway.reload(configFor(h, 'p1', base));
    expect(h.gateway.services.providers.get('p0')).to.equal(before);
  });

  it('answers every request while the configuration flips under traffic', async function () {
    this.timeout(30_000);
    let flips = 0;
    let stop = false;
    const flipper = (async () => {
      while (!stop && flips < 12) {
        await h.gateway.reload(configFor(h, flips % 2 === 0 ? 'p1' : 'p0', base));
        flips++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const worker = async () => {
      const served: string[] = [];
      for (let i = 0; i < 25; i++)
        served.push((await ask()).response.headers.get('x-switchyard-provider') ?? '?');
      return served;
    };
    const results = (await Promise.all(Array.from({ length: 6 }, worker))).flat();
    stop = true;
    await flipper;
    expect(results).to.have.length(150);
    expect(results.every((provider) => provider === 'p0' || provider === 'p1')).to.equal(true);
    expect(flips).to.be.greaterThan(2);
  });
});
