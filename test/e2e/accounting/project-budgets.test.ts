/**
 * Project budgets through HTTP: a key's project has its own spend caps (`projects.<name>.budgets`,
 * defaulting to `budgets.projects`), shared by every key of the project and enforced beside the
 * team's: once spent, the project's requests get 402 without reaching a provider.
 */
import { expect } from 'chai';
import { budgetKey, type Gateway } from '../../../index.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../../../core/testing/index.js';
import { accountingConfig, ask, COST_MICROS, REPLY, startGateway, TEAM_KEY } from './fixtures/setup.js';

const APOLLO_KEY_1 = 'sk-acme-apollo-key-0001';
const APOLLO_KEY_2 = 'sk-acme-apollo-key-0002';
const ZEUS_KEY = 'sk-acme-zeus-key-0001';
const COST = COST_MICROS / 1e6;

describe('project budgets end to end through HTTP', () => {
  let upstream: MockOpenAIUpstream;
  let gateway: Gateway;
  let url: string;

  beforeEach(async () => {
    upstream = await startMockOpenAIUpstream({ record: false, defaultBehaviour: { reply: REPLY } });
    const config = accountingConfig(upstream, {
      auth: {
        keys: [
          { key: TEAM_KEY, team: 'acme', id: 'key_acme' },
          { key: APOLLO_KEY_1, team: 'acme', project: 'apollo', id: 'key_apollo_1' },
          { key: APOLLO_KEY_2, team: 'acme', project: 'apollo', id: 'key_apollo_2' },
          { key: ZEUS_KEY, team: 'acme', project: 'zeus', id: 'key_zeus' },
        ],
      },
      // Every project may spend one answer in total; apollo has its own cap of two.
      budgets: { projects: { total: COST } },
      projects: { apollo: { budgets: { total: 2 * COST } } },
      teams: { acme: { budgets: { total: 1 } } },
    });
    ({ gateway, url } = await startGateway(config));
  });
  afterEach(async () => {
    await gateway.close();
    await upstream.close();
  });

  const spent = async (scope: string, id: string) =>
    gateway.services.store?.budgetState(budgetKey(scope, id, 'total'));

  it("refuses with 402 once the project's cap is spent, by any of its keys, without calling the provider", async () => {
    expect((await ask(url, APOLLO_KEY_1)).status).to.equal(200);
    expect((await ask(url, APOLLO_KEY_2)).status).to.equal(200);
    const refused = await ask(url, APOLLO_KEY_1);
    expect(refused.status).to.equal(402);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).to.equal('SY_ERR_BUDGET_EXCEEDED');
    expect(body.error.message).to.include("project 'apollo' total cap");
    expect(upstream.calls).to.equal(2);
    expect(await spent('project', 'apollo')).to.deep.equal({
      spentMicros: 2 * COST_MICROS,
      reservedMicros: 0,
    });
    // The team's cap is far from spent: it was the project's that refused.
    expect(await spent('team', 'acme')).to.deep.equal({ spentMicros: 2 * COST_MICROS, reservedMicros: 0 });
  });

  it('applies the default project caps to a project without its own, and not to keys without a project', async () => {
    expect((await ask(url, ZEUS_KEY)).status).to.equal(200);
    expect((await ask(url, ZEUS_KEY)).status).to.equal(402);
    expect(await spent('project', 'zeus')).to.deep.equal({ spentMicros: COST_MICROS, reservedMicros: 0 });
    // The same team, no project: served.
    expect((await ask(url, TEAM_KEY)).status).to.equal(200);
    expect((await ask(url, TEAM_KEY)).status).to.equal(200);
  });
});
