import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { explainCommand, testCommand, validateCommand } from '../../cli/policy-commands.js';
import { tempDir } from '../core/policy/fixtures.js';

const EXAMPLE = 'examples/switchyard.config.yaml';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, o: (l: string) => out.push(l), e: (l: string) => err.push(l) };
}

/** A config dir with a policies/ folder; returns the config path. */
function project(policies: Record<string, string>, config = ''): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'policies'));
  for (const [name, text] of Object.entries(policies)) writeFileSync(join(dir, 'policies', name), text);
  const file = join(dir, 'switchyard.config.yaml');
  writeFileSync(
    file,
    config ||
      [
        'providers:',
        '  mock: { plugin: mock, models: { mock-small: {}, mock-large: {} } }',
        '  paid: { plugin: mock, requiresEnv: [SY_CLI_TEST_KEY], models: { gpt-4o: {} } }',
        'auth: { keys: [{ key: sk-team-b-000000, team: b }] }',
        'policies: [policies]',
      ].join('\n'),
  );
  return file;
}

const RULES = [
  'version: 1',
  'rules:',
  '  - { name: deny-b, when: { "==": [{ var: caller.team }, b] }, deny: { message: no } }',
  '  - { name: big, when: { ">": [{ var: request.estimatedPromptTokens }, 50] }, route: { candidates: [mock/mock-large, paid/gpt-4o] } }',
].join('\n');

describe('switchyard validate', () => {
  it('accepts the bundled example and its policies', async () => {
    const c = capture();
    expect(await validateCommand({ config: EXAMPLE }, c.o, c.e)).to.equal(0);
    expect(c.out[0]).to.match(
      /^ok: .*switchyard\.config\.yaml, 5 policy file\(s\), \d+ rule\(s\), revision sha256:/,
    );
  });

  it('prints every error with file:line:column and exits 2', async () => {
    const file = project({
      'a.yaml': 'version: 1\nrules:\n  - { name: r, when: { sy.nope: [] } }\n',
      'b.yaml': 'version: 1\nrules:\n  - { name: s, route: { candidates: [ghost/model] } }\n',
    });
    const c = capture();
    expect(await validateCommand({ config: file }, c.o, c.e)).to.equal(2);
    expect(c.err).to.have.length(3);
    expect(c.err[0]).to.match(
      /policies\/a\.yaml:3:\d+: \/rules\/0\/when\/sy\.nope uses unknown operator 'sy\.nope'/,
    );
    expect(c.err[1]).to.match(
      /policies\/b\.yaml:3:\d+: \/rules\/0\/route\/candidates\/0 names unknown model or provider 'ghost\/model'/,
    );
    expect(c.err[2]).to.equal('2 problem(s) found');
  });

  it('names a missing environment variable of an enabled provider', async () => {
    const file = project(
      {},
      'providers:\n  p: { plugin: mock, options: { key: "${SY_CLI_NOT_SET}" }, models: { m: {} } }\n',
    );
    const c = capture();
    expect(await validateCommand({ config: file, json: true }, c.o, c.e)).to.equal(2);
    const report = JSON.parse(c.out.join('\n')) as { ok: boolean; issues: { message: string }[] };
    expect(report.ok).to.equal(false);
    expect(report.issues[0]?.message).to.match(/Environment variable SY_CLI_NOT_SET is not set/);
  });
});

describe('switchyard explain', () => {
  const request = (content: string) => {
    const file = join(tempDir(), 'req.json');
    writeFileSync(file, JSON.stringify({ model: 'mock-small', messages: [{ role: 'user', content }] }));
    return file;
  };

  it('shows each condition with the values it read, the filters and the plan with costs', async () => {
    const file = project({ 'p.yaml': RULES });
    const c = capture();
    expect(
      await explainCommand({ config: file, request: request('x'.repeat(400)), team: 'a' }, c.o, c.e),
    ).to.equal(0);
    const text = c.out.join('\n');
    expect(text).to.include('✘ deny-b');
    expect(text).to.include('false {"==":[{"var":"caller.team"},"b"]}   reads caller.team="a"');
    expect(text).to.include('✔ big   ← decides');
    expect(text).to.match(
      /true {2}\{">":\[\{"var":"request\.estimatedPromptTokens"\},50\]\} {3}reads request\.estimatedPromptTokens=10\d/,
    );
    expect(text).to.include(
      "unavailable removed: paid/gpt-4o (provider 'paid' is out of service (environment variable SY_CLI_TEST_KEY not set))",
    );
    expect(text).to.match(/1\. mock\/mock-large {2}price unknown/);
  });

  it('looks the caller up by key and explains a deny, as JSON when asked', async () => {
    const file = project({ 'p.yaml': RULES });
    const c = capture();
    await explainCommand(
      { config: file, request: request('hi'), key: 'sk-team-b-000000', json: true },
      c.o,
      c.e,
    );
    const report = JSON.parse(c.out.join('\n')) as {
      trace: { outcome: string; decidedBy: string };
      facts: { caller: { team: string } };
    };
    expect(report.trace).to.deep.include({ outcome: 'deny', decidedBy: 'deny-b' });
    expect(report.facts.caller.team).to.equal('b');
    const unknown = capture();
    expect(
      await explainCommand({ config: file, request: request('hi'), key: 'sk-unknown' }, unknown.o, unknown.e),
    ).to.equal(2);
  });
});

describe('switchyard test', () => {
  it('passes every case of the bundled example policies', async () => {
    const c = capture();
    const code = await testCommand({ config: EXAMPLE }, c.o, c.e);
    expect(code, c.out.join('\n')).to.equal(0);
    expect(c.out.join('\n')).to.match(/\n(\d+) cases: \1 passed, 0 failed, 0 errors$/);
  });

  it('reports PASS, FAIL with a diff and ERROR per case, and exits 1', async () => {
    const file = project({
      'p.yaml': RULES,
      'p.test.yaml': [
        'cases:',
        '  - { name: small goes default, request: { model: mock-small, messages: [{ role: user, content: hi }] }, expect: { rule: default } }',
        '  - { name: wrong expectation, request: { model: mock-small, messages: [{ role: user, content: hi }] }, expect: { rule: big, candidates: [x/y] } }',
        '  - { name: unknown key, request: { model: mock-small }, caller: { key: nope }, expect: { deny: true } }',
        '  - { name: team b denied, request: { model: mock-small }, caller: { team: b }, expect: { deny: { message: no } } }',
      ].join('\n'),
    });
    const c = capture();
    expect(await testCommand({ config: file }, c.o, c.e)).to.equal(1);
    const text = c.out.join('\n');
    expect(text).to.include('PASS  p.test.yaml › small goes default');
    expect(text).to.include(
      'FAIL  p.test.yaml › wrong expectation\n      rule: expected "big", got "default"\n      candidates:\n      expected ["x/y"]\n      got      ["mock/mock-small"]',
    );
    expect(text).to.include(
      'ERROR p.test.yaml › unknown key\n      caller: the key is not among auth.keys of the configuration',
    );
    expect(text).to.include('PASS  p.test.yaml › team b denied');
    expect(text).to.match(/4 cases: 2 passed, 1 failed, 1 errors$/);
  });

  it('fails when no test ran, and reports a malformed test file as an ERROR, in JSON', async () => {
    const none = capture();
    expect(await testCommand({ config: project({ 'p.yaml': RULES }) }, none.o, none.e)).to.equal(1);
    expect(none.out.join('\n')).to.include('no test cases ran');
    const broken = capture();
    const file = project({ 'p.yaml': RULES, 'p.test.yaml': 'cases:\n  - { name: x }\n' });
    expect(await testCommand({ config: file, json: true }, broken.o, broken.e)).to.equal(1);
    const run = JSON.parse(broken.out.join('\n')) as {
      results: { status: string; messages: string[] }[];
      ok: boolean;
    };
    expect(run.ok).to.equal(false);
    expect(run.results[0]?.status).to.equal('ERROR');
    expect(run.results[0]?.messages[0]).to.match(
      /p\.test\.yaml:2:\d+: \/cases\/0 is missing required property 'request'/,
    );
  });
});
