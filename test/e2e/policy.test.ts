import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGateway, createSilentLogger, type Gateway, type GatewayConfig } from '../../index.js';
import { policyEngineOf } from '../../plugins/stages/policy/index.js';
import { tempDir } from '../core/policy/fixtures.js';

const providers: GatewayConfig['providers'] = {
  m0: { plugin: 'mock', options: { latencyMs: 1 }, data: { regions: ['eu'] }, models: { 'mock-small': {} } },
  m1: { plugin: 'mock', options: { latencyMs: 1 }, data: { regions: ['us'] }, models: { 'mock-small': {} } },
};

const routeTo = (rule: string, provider: string) =>
  `version: 1\nrules:\n  - name: ${rule}\n    route: { candidates: [${provider}/mock-small] }\n`;

async function start(
  files: Record<string, string>,
  watch = false,
): Promise<{ gateway: Gateway; url: string; dir: string }> {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const gateway = await createGateway(
    { providers, policies: { include: [dir], watch } },
    { logger: createSilentLogger() },
  );
  const { url } = await gateway.listen(0, '127.0.0.1');
  return { gateway, url, dir };
}

const ask = (url: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'mock-small', messages: [{ role: 'user', content: 'hello' }], ...body }),
  });

describe('the policy stage over HTTP', () => {
  let gateway: Gateway | undefined;
  afterEach(async () => {
    if (gateway) policyEngineOf(gateway.services)?.close();
    await gateway?.close();
    gateway = undefined;
  });

  it('names the deciding rule and the policy revision on every response', async () => {
    const started = await start({ 'p.yaml': routeTo('to-m1', 'm1') });
    gateway = started.gateway;
    const response = await ask(started.url);
    expect(response.status).to.equal(200);
    expect(response.headers.get('x-switchyard-rule')).to.equal('to-m1');
    expect(response.headers.get('x-switchyard-provider')).to.equal('m1');
    expect(response.headers.get('x-switchyard-policy-revision')).to.equal(
      policyEngineOf(gateway.services)?.current.revision,
    );
    expect(response.headers.get('x-switchyard-decision')).to.equal(null);
  });

  it('returns a compact decision trace when asked with x-switchyard-explain: 1', async () => {
    const text = `version: 1\nrules:\n  - { name: eu-only, require: { regions: [eu] }, route: { candidates: [m1/mock-small, m0/mock-small] } }\n`;
    const started = await start({ 'p.yaml': text });
    gateway = started.gateway;
    const response = await ask(started.url, {}, { 'x-switchyard-explain': '1' });
    const trace = JSON.parse(response.headers.get('x-switchyard-decision') ?? 'null') as Record<
      string,
      unknown
    >;
    expect(trace).to.deep.include({
      rule: 'eu-only',
      outcome: 'route',
      rules: 'eu-only:1',
      plan: ['m0/mock-small'],
    });
    expect(trace.removed).to.deep.equal(['m1/mock-small:require:eu-only:processes in us, required eu']);
  });

  it('denies with 403 in the OpenAI error shape, naming the rule', async () => {
    const text = `version: 1\nrules:\n  - { name: no-streams, when: { var: request.stream }, deny: { message: Streaming is off } }\n`;
    const started = await start({ 'p.yaml': text });
    gateway = started.gateway;
    const response = await ask(started.url, { stream: true });
    expect(response.status).to.equal(403);
    const body = (await response.json()) as { error: { code: string; message: string; type: string } };
    expect(body.error).to.deep.include({ code: 'SY_ERR_POLICY_DENIED', type: 'permission_error' });
    expect(body.error.message).to.equal("Denied by policy rule 'no-streams': Streaming is off");
    expect((await ask(started.url)).status).to.equal(200);
  });

  it('feeds the latency tracker from the attempts after dispatch', async () => {
    const started = await start({ 'p.yaml': routeTo('to-m0', 'm0') });
    gateway = started.gateway;
    await ask(started.url);
    const stat = policyEngineOf(gateway.services)?.stats.get('m0/mock-small');
    expect(stat?.latencyMs).to.be.a('number');
    expect(stat?.inFlight).to.equal(0);
  });

  it('refuses to boot on an invalid policy, listing every error', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'p.yaml'),
      `version: 1\nrules:\n  - { name: r, when: { nope: [] }, route: { candidates: [m9/x] } }\n`,
    );
    const error = await createGateway({ providers, policies: [dir] }, { logger: createSilentLogger() }).then(
      () => undefined,
      (e: unknown) => e as { code: string; issues: { path: string; line: number }[] },
    );
    expect(error?.code).to.equal('SY_ERR_CONFIG_INVALID');
    expect(error?.issues.map((i) => `${i.path}@${i.line}`)).to.deep.equal([
      '/rules/0/when/nope@3',
      '/rules/0/route/candidates/0@3',
    ]);
  });

  it('hot-reloads under traffic: a broken file changes nothing, a good one swaps atomically', async function () {
    this.timeout(10_000);
    const started = await start({ 'p.yaml': routeTo('v1', 'm0') }, true);
    gateway = started.gateway;
    const engine = policyEngineOf(gateway.services);
    const seen: { status: number; rule: string | null; revision: string | null; provider: string | null }[] =
      [];
    let running = true;
    const worker = async () => {
      while (running) {
        const response = await ask(started.url);
        await response.arrayBuffer();
        seen.push({
          status: response.status,
          rule: response.headers.get('x-switchyard-rule'),
          revision: response.headers.get('x-switchyard-policy-revision'),
          provider: response.headers.get('x-switchyard-provider'),
        });
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    const until = async (check: () => boolean) => {
      for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
    };
    const first = engine?.current.revision;
    await until(() => seen.length > 20);
    writeFileSync(join(started.dir, 'p.yaml'), 'version: 1\nrules:\n  - name: [broken\n');
    await new Promise((r) => setTimeout(r, 300));
    expect(engine?.current.revision, 'the broken file must not replace the policy').to.equal(first);
    const beforeFix = seen.length;
    writeFileSync(join(started.dir, 'p.yaml'), routeTo('v2', 'm1'));
    await until(() => seen.slice(beforeFix).some((s) => s.rule === 'v2'));
    await new Promise((r) => setTimeout(r, 100));
    running = false;
    await Promise.all(workers);

    expect(
      seen.filter((s) => s.status !== 200),
      'no request failed',
    ).to.deep.equal([]);
    const pairs = new Set(seen.map((s) => `${s.rule} ${s.revision} ${s.provider}`));
    expect([...pairs].sort()).to.deep.equal([`v1 ${first} m0`, `v2 ${engine?.current.revision} m1`].sort());
    expect(engine?.current.revision).to.not.equal(first);
  });
});
