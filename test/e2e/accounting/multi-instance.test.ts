import { expect } from 'chai';
import { budgetKey, createRedisStore } from '../../../index.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../../../core/testing/index.js';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../../core/store/fixtures/redis-test-env.js';
import { accountingConfig, burst, COST_MICROS, lastServerError, REPLY, tally } from './fixtures/setup.js';
import { spawnGateway, type GatewayProcess } from './fixtures/spawn-gateway.js';

const WARM_KEY = 'sk-warm-up-static-key-0001';

describe('budgets across two gateway processes sharing Redis', () => {
  let upstream: MockOpenAIUpstream;
  const processes: GatewayProcess[] = [];
  const prefix = uniquePrefix('two-gateways');

  before(async () => {
    upstream = await startMockOpenAIUpstream({ record: false, defaultBehaviour: { reply: REPLY } });
  });
  after(async () => {
    await Promise.all(processes.splice(0).map((process) => process.stop()));
    await upstream.close();
    await deleteKeys(prefix);
  });

  it('serves exactly 270 of 1,000 requests split over both, and settles to $0.999', async function () {
    this.timeout(60_000);
    const base = accountingConfig(upstream);
    const config = accountingConfig(upstream, {
      // A fresh process taking 500 requests at once can lag its event loop past the 500 ms
      // default; the bound must exceed the worst lag (docs/accounting.md, failure bounds).
      store: { kind: 'redis', url: REDIS_URL, prefix, commandTimeoutMs: 5_000 },
      teams: { acme: { budgets: { total: 1 } } },
      auth: { keys: [...(base.auth?.keys ?? []), { key: WARM_KEY, team: 'warm-up', id: 'key_warm' }] },
    });
    processes.push(...(await Promise.all([spawnGateway(config), spawnGateway(config)])));
    const [a, b] = processes as [GatewayProcess, GatewayProcess];
    // Warm both processes' request path first (a team without a budget), so that a process still
    // compiling its code cannot lose the whole race to the other one.
    await Promise.all([burst(a.url, 50, WARM_KEY), burst(b.url, 50, WARM_KEY)]);
    const callsBefore = upstream.calls;
    const [fromA, fromB] = await Promise.all([burst(a.url, 500), burst(b.url, 500)]);
    const counts = tally([...fromA, ...fromB]);
    expect(counts, `${JSON.stringify(counts)} ${lastServerError}`).to.deep.equal({ 200: 270, 402: 730 });
    expect(upstream.calls - callsBefore).to.equal(270);
    // Both instances served some: the race was real.
    expect(fromA.filter((status) => status === 200).length).to.be.greaterThan(0);
    expect(fromB.filter((status) => status === 200).length).to.be.greaterThan(0);

    const store = createRedisStore({ url: REDIS_URL, prefix });
    try {
      expect(await store.budgetState(budgetKey('team', 'acme', 'total'))).to.deep.equal({
        spentMicros: 270 * COST_MICROS,
        reservedMicros: 0,
      });
    } finally {
      await store.close();
    }
  });
});
