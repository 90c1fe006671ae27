import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createGateway, createSilentLogger, type Gateway } from '../../../index.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../../../core/testing/index.js';
import { accountingConfig, ask, REPLY, startGateway } from './fixtures/setup.js';

/** Requests with `x-tier: batch` match the rule `batch`, which names the given profiles. */
function policyFile(settings: string): string {
  return [
    'version: 1',
    'facts: { headers: [x-tier] }',
    'rules:',
    '  - name: batch',
    '    when: { "==": [{ var: request.headers.x-tier }, batch] }',
    `    ${settings}`,
  ].join('\n');
}

describe('budget and rate-limit profiles named by policy rules', () => {
  let upstream: MockOpenAIUpstream;
  let dir: string;
  const gateways: Gateway[] = [];
  const batch = { 'x-tier': 'batch' };

  before(async () => {
    upstream = await startMockOpenAIUpstream({ record: false, defaultBehaviour: { reply: REPLY } });
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-profiles-'));
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
    rmSync(dir, { recursive: true, force: true });
  });
  after(async () => {
    await upstream.close();
  });

  async function start(settings: string, profiles: Record<string, unknown>): Promise<string> {
    writeFileSync(join(dir, 'p.yaml'), policyFile(settings));
    const { gateway, url } = await startGateway(
      accountingConfig(upstream, { ...profiles, policies: { include: [dir] } }),
    );
    gateways.push(gateway);
    return url;
  }

  it('refuses with 402 once the rule’s budget profile is spent; other requests are unaffected', async () => {
    // Each request costs $0.0037: two fit under $0.01 a day, the third does not.
    const url = await start('budget: tight', { budgets: { profiles: { tight: { day: 0.01 } } } });
    for (let i = 0; i < 2; i++) {
      const response = await ask(url, undefined, {}, batch);
      expect(response.status).to.equal(200);
      expect(response.headers.get('x-switchyard-rule')).to.equal('batch');
      await response.arrayBuffer();
    }
    const refused = await ask(url, undefined, {}, batch);
    expect(refused.status).to.equal(402);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).to.equal('SY_ERR_BUDGET_EXCEEDED');
    expect(body.error.message).to.include("budget profile 'tight' for team 'acme'");
    for (let i = 0; i < 3; i++) {
      const other = await ask(url);
      expect(other.status).to.equal(200);
      await other.arrayBuffer();
    }
  });

  it('refuses with 429 once the rule’s rate-limit profile is reached; other requests are unaffected', async () => {
    const url = await start('rateLimit: slow', { limits: { profiles: { slow: { rpm: 2 } } } });
    for (let i = 0; i < 2; i++) {
      const response = await ask(url, undefined, {}, batch);
      expect(response.status).to.equal(200);
      expect(response.headers.get('x-ratelimit-limit-requests')).to.equal('2');
      await response.arrayBuffer();
    }
    const refused = await ask(url, undefined, {}, batch);
    expect(refused.status).to.equal(429);
    expect(refused.headers.get('retry-after')).to.equal('60');
    const body = (await refused.json()) as { error: { code: string } };
    expect(body.error.code).to.equal('SY_ERR_RATE_LIMITED');
    for (let i = 0; i < 3; i++) {
      const other = await ask(url);
      expect(other.status).to.equal(200);
      expect(other.headers.get('x-ratelimit-limit-requests')).to.equal(null);
      await other.arrayBuffer();
    }
  });

  it('refuses to boot when a rule names a profile the configuration does not define', async () => {
    writeFileSync(join(dir, 'p.yaml'), policyFile('budget: nope\n    rateLimit: slow'));
    const error = await createGateway(
      accountingConfig(upstream, {
        limits: { profiles: { slow: { rpm: 2 } } },
        policies: { include: [dir] },
      }),
      { logger: createSilentLogger() },
    ).then(
      (gateway) => gateway.close().then(() => undefined),
      (e: unknown) => e as { code: string; issues: { path: string; message: string }[] },
    );
    expect(error?.code).to.equal('SY_ERR_CONFIG_INVALID');
    expect(error?.issues.map((issue) => issue.path)).to.deep.equal(['/rules/0/budget']);
    expect(error?.issues[0]?.message).to.include("budget profile 'nope'");
  });
});
