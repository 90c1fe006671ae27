/**
 * Chargeback markup through HTTP: `accounting.markup` adds a share on top of the catalog cost,
 * reported as `usage.charged_usd`, `x-switchyard-charged-usd` and the ledger's `chargedUsd`, while
 * budgets keep counting the cost.
 */
import { expect } from 'chai';
import { budgetKey, type Gateway, type LedgerRecord, type LedgerSink } from '../../../index.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../../../core/testing/index.js';
import { accountingConfig, ask, COST_MICROS, REPLY, startGateway } from './fixtures/setup.js';

const COST = COST_MICROS / 1e6;

describe('chargeback markup end to end through HTTP', () => {
  let upstream: MockOpenAIUpstream;
  const gateways: Gateway[] = [];
  const records: LedgerRecord[] = [];
  const sink: LedgerSink = {
    name: 'memory',
    write: (batch) => {
      records.push(...batch);
      return Promise.resolve();
    },
  };

  async function gateway(markup: number | undefined): Promise<{ gateway: Gateway; url: string }> {
    const config = accountingConfig(upstream, {
      teams: { acme: { budgets: { total: 1 } } },
      ...(markup === undefined ? {} : { accounting: { markup } }),
    });
    const started = await startGateway(config, { ledgerSinks: [sink] });
    gateways.push(started.gateway);
    return started;
  }

  before(async () => {
    upstream = await startMockOpenAIUpstream({ record: false, defaultBehaviour: { reply: REPLY } });
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((g) => g.close()));
    records.length = 0;
  });
  after(() => upstream.close());

  it('charges cost × (1 + markup) in usage, header and ledger, and keeps the cost beside it', async () => {
    const { gateway: g, url } = await gateway(0.15);
    const response = await ask(url);
    expect(response.status).to.equal(200);
    const charged = Math.round(COST * 1.15 * 1e9) / 1e9;
    expect(charged).to.equal(0.004255);
    expect(response.headers.get('x-switchyard-cost-usd')).to.equal(COST.toFixed(9));
    expect(response.headers.get('x-switchyard-charged-usd')).to.equal(charged.toFixed(9));
    const body = (await response.json()) as { usage: Record<string, unknown> };
    expect(body.usage).to.include({ cost: COST, charged_usd: charged });

    await g.services.ledger?.flush();
    expect(records.at(-1)).to.include({ costUsd: COST, chargedUsd: charged });
    // Budgets cap what the gateway pays, not what it charges back.
    const spent = await g.services.store?.budgetState(budgetKey('team', 'acme', 'total'));
    expect(spent).to.deep.equal({ spentMicros: COST_MICROS, reservedMicros: 0 });
  });

  it('carries charged_usd in the usage chunk of a stream', async () => {
    const { url } = await gateway(0.5);
    const response = await ask(url, undefined, { stream: true, stream_options: { include_usage: true } });
    expect(response.status).to.equal(200);
    const usage = (await response.text())
      .split('\n\n')
      .filter((event) => event.startsWith('data: {'))
      .map((event) => JSON.parse(event.slice(6)) as { usage?: Record<string, unknown> | null })
      .find((chunk) => chunk.usage)?.usage;
    expect(usage).to.include({ cost: COST, charged_usd: Math.round(COST * 1.5 * 1e9) / 1e9 });
  });

  it('reports no charge of its own without a markup', async () => {
    const { url } = await gateway(undefined);
    const response = await ask(url);
    expect(response.headers.get('x-switchyard-charged-usd')).to.equal(null);
    const body = (await response.json()) as { usage: Record<string, unknown> };
    expect(body.usage.cost).to.equal(COST);
    expect(body.usage).to.not.have.property('charged_usd');
  });
});
