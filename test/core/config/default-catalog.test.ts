import { expect } from 'chai';
import {
  createCatalog,
  DEFAULT_CATALOG,
  DEFAULT_CATALOG_SOURCE,
  resolveConfig,
  validateGatewayConfig,
  type GatewayConfig,
} from '../../../index.js';

function catalogOf(config: GatewayConfig) {
  const resolved = resolveConfig(config, {});
  return createCatalog(
    { providers: Object.fromEntries(resolved.providers) },
    new Set(resolved.providers.keys()),
    new Map(),
  );
}

describe('the default model catalog', () => {
  it('holds public prices per million tokens for well-known models, with its source', () => {
    expect(DEFAULT_CATALOG.get('gpt-4o-mini')).to.deep.include({
      vendor: 'openai',
      kind: 'chat',
      pricing: { input: 0.15, output: 0.6, cachedInput: 0.075 },
      contextWindow: 128000,
    });
    expect(DEFAULT_CATALOG.get('claude-3-haiku-20240307')?.vendor).to.equal('anthropic');
    expect(DEFAULT_CATALOG.size).to.be.greaterThan(100);
    expect(DEFAULT_CATALOG_SOURCE).to.match(/LiteLLM.*MIT.*2026/);
  });

  it('fills a listed model’s missing metadata by id or upstream name; configured fields win', () => {
    const catalog = catalogOf({
      providers: {
        p: {
          plugin: 'mock',
          models: {
            'gpt-4o-mini': { contextWindow: 1000 },
            mini: { upstreamModel: 'gpt-4o-mini', pricing: { input: 9, output: 9 } },
            'house-model': {},
          },
        },
      },
    });
    const [byId, byUpstream, unknown] = catalog.entries;
    expect(byId).to.deep.include({
      contextWindow: 1000,
      maxOutputTokens: 16384,
      pricing: { input: 0.15, output: 0.6, cachedInput: 0.075 },
    });
    expect(byId?.capabilities).to.include('vision');
    expect(byUpstream).to.deep.include({ pricing: { input: 9, output: 9 }, contextWindow: 128000 });
    expect(unknown?.pricing).to.equal(undefined);
  });

  it('adds a vendor’s models with includeDefaultModels, and turns off with catalog.defaults: false', () => {
    const config: GatewayConfig = {
      providers: {
        oa: { plugin: 'mock', includeDefaultModels: 'openai', models: { 'gpt-4o': { contextWindow: 5 } } },
      },
    };
    validateGatewayConfig(config);
    const catalog = catalogOf(config);
    expect(catalog.resolve('oa/gpt-4.1')[0]?.pricing).to.deep.equal({
      input: 2,
      output: 8,
      cachedInput: 0.5,
    });
    expect(catalog.resolve('oa/gpt-4o')[0]?.contextWindow).to.equal(5);
    expect(catalog.resolve('claude-3-haiku-20240307')).to.deep.equal([]);
    const off = catalogOf({
      catalog: { defaults: false },
      providers: { p: { plugin: 'mock', models: { 'gpt-4o-mini': {} } } },
    });
    expect(off.entries[0]?.pricing).to.equal(undefined);
  });

  it('rejects an unknown vendor and carries provider data attributes onto catalog entries', () => {
    expect(() =>
      validateGatewayConfig({
        providers: { p: { plugin: 'mock', includeDefaultModels: 'nobody', models: {} } },
      }),
    ).to.throw(/includeDefaultModels must be one of/);
    expect(() =>
      validateGatewayConfig({
        providers: { p: { plugin: 'mock', data: { regions: 'eu' }, models: {} } },
      } as never),
    ).to.throw(/\/providers\/p\/data\/regions must be array/);
    const catalog = catalogOf({
      providers: {
        p: { plugin: 'mock', data: { regions: ['eu'], zeroDataRetention: true }, models: { m: {} } },
      },
    });
    expect(catalog.entries[0]?.data).to.deep.equal({ regions: ['eu'], zeroDataRetention: true });
  });
});
