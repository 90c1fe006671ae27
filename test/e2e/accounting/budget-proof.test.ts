import { expect } from 'chai';
import { budgetKey, createRedisStore, type StateStore } from '../../../index.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../../../core/testing/index.js';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../../core/store/fixtures/redis-test-env.js';
import { accountingConfig, COST_MICROS, REPLY, startGateway, burst, tally, ask } from './fixtures/setup.js';

const TEAM_TOTAL = budgetKey('team', 'acme', 'total');

describe('budgets end to end through HTTP', () => {
  let upstream: MockOpenAIUpstream;

  beforeEach(async () => {
    upstream = await startMockOpenAIUpstream({ record: false, defaultBehaviour: { reply: REPLY } });
  });
  afterEach(async () => {
    await upstream.close();
  });

  async function proof(store: StateStore | undefined, storeConfig: Record<string, unknown> = {}) {
    const config = accountingConfig(upstream, { teams: { acme: { budgets: { total: 1 } } }, ...storeConfig });
    const { gateway, url } = await startGateway(config, store ? { store } : {});
    try {
      const statuses = await burst(url, 1000);
      const counts = tally(statuses);
      expect(counts, JSON.stringify(counts)).to.deep.equal({ 200: 270, 402: 730 });
      expect(upstream.calls, 'upstream calls').to.equal(270);
      const state = await gateway.services.store?.budgetState(TEAM_TOTAL);
      expect(state).to.deep.equal({ spentMicros: 270 * COST_MICROS, reservedMicros: 0 });
      expect(state?.spentMicros).to.be.at.most(1_000_000);
    } finally {
      await gateway.close();
    }
  }

  it('serves exactly 270 of 1,000 simultaneous $0.0037 requests under a $1.00 cap (memory store)', async function () {
    this.timeout(30_000);
    await proof(undefined);
  });

  it('serves exactly 270 of 1,000 simultaneous requests under a $1.00 cap (Redis store)', async function () {
    this.timeout(30_000);
    const prefix = uniquePrefix('budget-proof');
    const store = createRedisStore({ url: REDIS_URL, prefix });
    try {
      await proof(store);
    } finally {
      await store.close();
      await deleteKeys(prefix);
    }
  });

  it('answers 402 in the OpenAI error shape naming the cap, and reserves nothing for it', async () => {
    const config = accountingConfig(upstream, { teams: { acme: { budgets: { day: 0.005 } } } });
    const { gateway, url } = await startGateway(config);
    try {
      expect((await ask(url)).status).to.equal(200);
      const refused = await ask(url);
      expect(refused.status).to.equal(402);
      const body = (await refused.json()) as { error: { code: string; message: string; type: string } };
      expect(body.error.code).to.equal('SY_ERR_BUDGET_EXCEEDED');
      expect(body.error.message).to.include("team 'acme' daily cap of $0.01");
      expect(upstream.calls).to.equal(1);
      const state = await gateway.services.store?.budgetState(budgetKey('team', 'acme', 'day'));
      expect(state).to.deep.equal({ spentMicros: COST_MICROS, reservedMicros: 0 });
    } finally {
      await gateway.close();
    }
  });

  it('charges nothing for a failed request and releases its reservation', async () => {
    upstream.enqueue({ status: 400, error: { message: 'bad request' } });
    const config = accountingConfig(upstream, { teams: { acme: { budgets: { total: 1 } } } });
    const { gateway, url } = await startGateway(config);
    try {
      const response = await ask(url);
      expect(response.status).to.equal(400);
      expect(await gateway.services.store?.budgetState(TEAM_TOTAL)).to.deep.equal({
        spentMicros: 0,
        reservedMicros: 0,
      });
    } finally {
      await gateway.close();
    }
  });

  it('charges a stream cut by the upstream for what was streamed, estimated', async () => {
    upstream.enqueue({ cutAfterChunks: 3, chunkDelayMs: 1 });
    const config = accountingConfig(upstream, { teams: { acme: { budgets: { total: 1 } } } });
    const { gateway, url } = await startGateway(config);
    try {
      const response = await ask(url, undefined, { stream: true });
      await response.text();
      const state = await gateway.services.store?.budgetState(TEAM_TOTAL);
      expect(state?.reservedMicros).to.equal(0);
      expect(state?.spentMicros).to.be.greaterThan(0).and.lessThan(COST_MICROS);
    } finally {
      await gateway.close();
    }
  });
});
