/**
 * Bring-your-own-key through the gateway: the caller's key sent in `x-switchyard-provider-key`
 * reaches only the provider it names, in that provider's auth header, and the call is accounted
 * as byok; a failover candidate gets its own configured key.
 */
import { expect } from 'chai';
import type { Gateway, GatewayConfig } from '../../../index.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../../../core/testing/index.js';
import { ask, startGateway, TEAM_KEY } from './fixtures/setup.js';

const P0_KEY = 'sk-p0-configured-0123456789';
const P1_KEY = 'sk-p1-configured-0123456789';
const CALLER_KEY = 'sk-caller-own-key-abcdef0123456789';
const TEAM_P1_KEY = 'sk-team-acme-p1-key-0123456789';

function provider(
  upstream: MockOpenAIUpstream,
  apiKey: string,
): NonNullable<GatewayConfig['providers']>[string] {
  return {
    plugin: 'openai-compatible',
    options: { baseUrl: upstream.url, apiKey },
    models: { 'test-model': { upstreamModel: 'gpt-4o-mini', pricing: { input: 1, output: 2 } } },
  };
}

describe('BYOK end to end', () => {
  let p0: MockOpenAIUpstream;
  let p1: MockOpenAIUpstream;
  const gateways: Gateway[] = [];
  let n = 0;

  /** A gateway with p0 then p1 serving `test-model`, and team `acme` allowed to send its own key. */
  async function gateway(team: Record<string, unknown> = {}): Promise<string> {
    const { gateway, url } = await startGateway({
      providers: { p0: provider(p0, P0_KEY), p1: provider(p1, P1_KEY) },
      catalog: { defaults: false },
      routing: { failover: { backoffBaseMs: 1, backoffMaxMs: 5 } },
      auth: { keys: [{ key: TEAM_KEY, team: 'acme', id: 'key_acme' }] },
      teams: { acme: { allowKeyHeader: true, ...team } },
    });
    gateways.push(gateway);
    return url;
  }
  /** A chat request with a fresh prompt (never a cache hit), bringing the caller's key for p0. */
  const askWithKey = (url: string, body: Record<string, unknown> = {}) =>
    ask(
      url,
      TEAM_KEY,
      { messages: [{ role: 'user', content: `hi ${++n}` }], ...body },
      { 'x-switchyard-provider-key': `p0=${CALLER_KEY}` },
    );
  const authorizations = (upstream: MockOpenAIUpstream) =>
    upstream.requests.map((request) => request.headers.authorization);

  before(async () => {
    p0 = await startMockOpenAIUpstream();
    p1 = await startMockOpenAIUpstream();
  });
  beforeEach(() => {
    p0.reset();
    p1.reset();
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((g) => g.close()));
  });
  after(async () => {
    await p0.close();
    await p1.close();
  });

  it("sends the caller's key to the provider it names, instead of the configured one, and accounts it as byok", async () => {
    const url = await gateway();
    const response = await askWithKey(url);
    expect(response.status).to.equal(200);
    expect(response.headers.get('x-switchyard-provider')).to.equal('p0');
    expect(response.headers.get('x-switchyard-byok')).to.equal('true');
    const body = (await response.json()) as { usage: Record<string, unknown> };
    expect(body.usage.byok).to.equal(true);
    expect(authorizations(p0)).to.deep.equal([`Bearer ${CALLER_KEY}`]);
    expect(JSON.stringify(p0.requests[0]?.headers)).not.to.contain(P0_KEY);
    expect(p0.requests[0]?.headers).not.to.have.property('x-switchyard-provider-key');
    expect(p1.calls).to.equal(0);
  });

  it("streams with the caller's key and says byok in the usage chunk", async () => {
    const url = await gateway();
    const response = await askWithKey(url, { stream: true, stream_options: { include_usage: true } });
    expect(response.status).to.equal(200);
    const usage = (await response.text())
      .split('\n')
      .filter((line) => line.startsWith('data: {'))
      .map((line) => JSON.parse(line.slice(6)) as { usage?: Record<string, unknown> })
      .find((chunk) => chunk.usage)?.usage;
    expect(usage?.byok).to.equal(true);
    expect(authorizations(p0)).to.deep.equal([`Bearer ${CALLER_KEY}`]);
  });

  it('fails over to p1 with p1’s configured key: the caller key for p0 never reaches p1', async () => {
    const url = await gateway();
    p0.enqueue({ status: 500 });
    const response = await askWithKey(url);
    expect(response.status).to.equal(200);
    expect(response.headers.get('x-switchyard-provider')).to.equal('p1');
    expect(response.headers.get('x-switchyard-attempts')).to.equal('2');
    // Served with the gateway's own key for p1: not byok.
    expect(response.headers.get('x-switchyard-byok')).to.equal(null);
    const body = (await response.json()) as { usage: Record<string, unknown> };
    expect(body.usage.byok).to.equal(undefined);
    expect(authorizations(p0)).to.deep.equal([`Bearer ${CALLER_KEY}`]);
    expect(authorizations(p1)).to.deep.equal([`Bearer ${P1_KEY}`]);
    expect(JSON.stringify(p1.requests.map((r) => r.headers))).not.to.contain(CALLER_KEY);
  });

  it("fails over to p1 with the team's own key for p1 when the team configured one", async () => {
    const url = await gateway({ credentials: { p1: { apiKey: TEAM_P1_KEY } } });
    p0.enqueue({ status: 503 });
    const response = await askWithKey(url);
    expect(response.headers.get('x-switchyard-provider')).to.equal('p1');
    expect(response.headers.get('x-switchyard-byok')).to.equal('true');
    expect(authorizations(p0)).to.deep.equal([`Bearer ${CALLER_KEY}`]);
    expect(authorizations(p1)).to.deep.equal([`Bearer ${TEAM_P1_KEY}`]);
  });

  it('never shows the caller key in an error, even when the upstream echoes it', async () => {
    const url = await gateway();
    p0.enqueue({
      status: 400,
      error: { message: `The key ${CALLER_KEY} may not use this model.`, type: 'invalid_request_error' },
    });
    const response = await askWithKey(url);
    expect(response.status).to.equal(400);
    const text = await response.text();
    expect(text).to.contain('[redacted]');
    expect(text).not.to.contain(CALLER_KEY);
    expect(p1.calls).to.equal(0);
  });
});
