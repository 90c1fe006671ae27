/**
 * A host's own identity through HTTP: `createGateway(config, { identify })` supplies the caller
 * (team, project, user, labels) instead of an API key. Such a request needs no key, and is limited,
 * budgeted and recorded as the identified team; returning undefined falls back to keys.
 */
import { expect } from 'chai';
import {
  budgetKey,
  type Caller,
  type Gateway,
  type GatewayContext,
  type LedgerRecord,
  type LedgerSink,
} from '../../../index.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../../../core/testing/index.js';
import { accountingConfig, COST_MICROS, REPLY, startGateway, TEAM_KEY } from './fixtures/setup.js';

/** The host's identity: headers its own front proxy sets after single sign-on. */
function identify(ctx: GatewayContext): Caller | undefined {
  const employee = ctx.headers['x-employee'];
  const team = ctx.headers['x-employee-team'];
  if (typeof employee !== 'string' || typeof team !== 'string') return undefined;
  return { id: `emp:${employee}`, team, project: 'atlas', user: employee, labels: { dept: 'ml' } };
}

describe('identify hook end to end through HTTP', () => {
  let upstream: MockOpenAIUpstream;
  let gateway: Gateway;
  let url: string;
  const records: LedgerRecord[] = [];
  const callers: (Caller | undefined)[] = [];

  before(async () => {
    upstream = await startMockOpenAIUpstream({ record: false, defaultBehaviour: { reply: REPLY } });
    const sink: LedgerSink = {
      name: 'memory',
      write: (batch) => {
        records.push(...batch);
        return Promise.resolve();
      },
    };
    // A static key is configured, so a request without a key or an identity is refused.
    const config = accountingConfig(upstream, {
      teams: {
        research: { budgets: { day: 1 } },
        labs: { budgets: { day: 2 * (COST_MICROS / 1e6) } },
        acme: { budgets: { day: 1 } },
      },
    });
    ({ gateway, url } = await startGateway(config, { identify, ledgerSinks: [sink] }));
    gateway.on('response', (event) => callers.push(event.caller));
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  const post = (headers: Record<string, string>) =>
    fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({
        model: 'test-model',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
  const spent = async (team: string) =>
    (await gateway.services.store?.budgetState(budgetKey('team', team, 'day')))?.spentMicros ?? 0;

  it('accepts a request without a key and bills it to the identified team, project and user', async () => {
    const response = await post({ 'x-employee': 'grace', 'x-employee-team': 'research' });
    expect(response.status).to.equal(200);
    await response.text();
    expect(await spent('research')).to.equal(COST_MICROS);
    expect(await spent('acme')).to.equal(0);

    await gateway.services.ledger?.flush();
    const record = records.at(-1);
    expect(record).to.include({ callerId: 'emp:grace', team: 'research', project: 'atlas', user: 'grace' });
    expect(record).to.not.have.property('keyId');
    expect(callers.at(-1)?.labels).to.deep.equal({ dept: 'ml' });
  });

  it("enforces the identified team's cap: 402 once it is spent", async () => {
    const calls = upstream.calls;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await post({ 'x-employee': 'alan', 'x-employee-team': 'labs' });
      statuses.push(response.status);
      await response.text();
    }
    // The cap of team labs holds exactly two answers; the third never reaches the provider.
    expect(statuses).to.deep.equal([200, 200, 402]);
    expect(upstream.calls - calls).to.equal(2);
    expect(await spent('labs')).to.equal(2 * COST_MICROS);
  });

  it('falls back to keys when the hook returns undefined', async () => {
    const anonymous = await post({});
    expect(anonymous.status).to.equal(401);
    await anonymous.text();

    const keyed = await post({ authorization: `Bearer ${TEAM_KEY}` });
    expect(keyed.status).to.equal(200);
    await keyed.text();
    expect(await spent('acme')).to.equal(COST_MICROS);
    await gateway.services.ledger?.flush();
    expect(records.at(-1)).to.include({ keyId: 'key_acme', team: 'acme' });
  });
});
