import { expect } from 'chai';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../../core/testing/index.js';
import { startCli, type CliProcess } from '../support/cli-process.js';
import { tempDir } from '../core/policy/fixtures.js';

const CHUNKS = ['one ', 'two ', 'three ', 'four ', 'five ', 'six ', 'seven ', 'eight'];

function writeConfig(upstream: MockOpenAIUpstream, dir: string): string {
  const file = join(dir, 'switchyard.config.yaml');
  writeFileSync(
    file,
    [
      'server: { shutdownGraceMs: 10000 }',
      'providers:',
      `  up: { plugin: openai-compatible, options: { baseUrl: "${upstream.url}", apiKey: sk-upstream-0123456789 }, models: { test-model: { upstreamModel: gpt-4o-mini, pricing: { input: 1, output: 2 } } } }`,
      `ledger: { sinks: [{ kind: jsonl, path: "${join(dir, 'ledger.jsonl')}" }], flushIntervalMs: 60000 }`,
    ].join('\n'),
  );
  return file;
}

async function listening(cli: CliProcess): Promise<string> {
  const line = await cli.waitForLine((l) => typeof l.url === 'string' && l.msg !== undefined);
  return line.url as string;
}

describe('switchyard serve (the real CLI)', () => {
  let upstream: MockOpenAIUpstream;
  let cli: CliProcess | undefined;
  before(async () => (upstream = await startMockOpenAIUpstream({ chunkDelayMs: 120 })));
  after(() => upstream.close());
  afterEach(() => cli?.kill());

  it('on SIGTERM mid-stream lets the stream finish, refuses new connections, flushes the ledger and exits 0', async () => {
    const dir = tempDir();
    cli = startCli(['serve', '--config', writeConfig(upstream, dir), '--port', '0']);
    const url = await listening(cli);
    upstream.setDefault({ replyChunks: CHUNKS });
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'test-model',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(response.status).to.equal(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    // The first content chunk has arrived: the stream is live.
    while (!text.includes('one ')) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended early');
      text += decoder.decode(value, { stream: true });
    }
    cli.child.kill('SIGTERM');
    await cli.waitForLine((l) => l.signal === 'SIGTERM');
    // New connections are refused while the stream drains.
    const refused = await fetch(`${url}/health`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(refused).to.be.oneOf(['refused', 503]);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text).to.include('eight');
    expect(text).to.include('data: [DONE]');
    expect(await cli.exited).to.equal(0);
    const ledger = readFileSync(join(dir, 'ledger.jsonl'), 'utf8').trim().split('\n');
    expect(ledger).to.have.length(1);
    expect(JSON.parse(ledger[0] as string)).to.include({ outcome: 'ok' });
  });

  it('on SIGHUP swaps in the new configuration', async () => {
    const dir = tempDir();
    const policies = join(dir, 'policies');
    mkdirSync(policies);
    const rule = (name: string) =>
      writeFileSync(
        join(policies, 'p.yaml'),
        `version: 1\nrules:\n  - { name: ${name}, route: { candidates: [up/test-model] } }\n`,
      );
    rule('before');
    const file = writeConfig(upstream, dir);
    writeFileSync(file, `${readFileSync(file, 'utf8')}\npolicies: [policies]\n`);
    cli = startCli(['serve', '--config', file, '--port', '0']);
    const url = await listening(cli);
    upstream.setDefault({});
    const ruleOf = async () =>
      (
        await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content: 'hi' }] }),
        })
      ).headers.get('x-switchyard-rule');
    expect(await ruleOf()).to.equal('before');
    rule('after');
    cli.child.kill('SIGHUP');
    await cli.waitForLine((l) => l.msg === 'reload: configuration reloaded');
    expect(await ruleOf()).to.equal('after');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).to.include('switchyard_config_reloads_total{kind="config",result="success"} 1');
    cli.child.kill('SIGTERM');
    expect(await cli.exited).to.equal(0);
  });

  it('reloads when the configuration file changes, naming the sections that need a restart', async () => {
    const dir = tempDir();
    const file = writeConfig(upstream, dir);
    cli = startCli(['serve', '--config', file, '--port', '0']);
    const url = await listening(cli);
    upstream.setDefault({});
    const ask = (model: string) =>
      fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
      });
    expect((await ask('fast')).status).to.equal(404);
    // The alias is applied by the reload; the logging change needs a restart and is named.
    writeFileSync(
      file,
      `${readFileSync(file, 'utf8')}\naliases: { fast: [up/test-model] }\nlogging: { level: debug }\n`,
    );
    await cli.waitForLine((l) => l.msg === 'reload: configuration reloaded');
    expect(cli.lines.find((l) => Array.isArray(l.sections))?.sections).to.deep.equal(['logging']);
    expect((await ask('fast')).status).to.equal(200);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).to.equal(0);
  });

  it('answers --help at the top, for serve and for a nested command, and exits 0', async () => {
    // One process per command costs about two seconds; the top-level help lists every command.
    const commands = [[], ['serve'], ['keys', 'create']];
    const runs = await Promise.all(
      commands.map(async (command) => {
        const run = startCli([...command, '--help']);
        const code = await run.exited;
        return { command: command.join(' '), code, usage: run.lines.map((l) => l.raw).join('\n') };
      }),
    );
    for (const { command, code, usage } of runs) {
      expect(code, command).to.equal(0);
      expect(usage, command).to.match(/^Usage: switchyard/);
    }
    const [top, serve, create] = runs.map((r) => r.usage);
    for (const command of ['serve', 'validate', 'explain', 'test', 'keys', 'usage']) {
      expect(top).to.match(new RegExp(`^  ${command}\\b`, 'm'));
    }
    for (const flag of ['--config', '--port', '--host', '--log-level', '--pretty'])
      expect(serve).to.include(flag);
    expect(create).to.include('Usage: switchyard keys create');
  });

  it('exits 2 on an invalid configuration', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'providers: { x: { plugin: mock } }\n');
    cli = startCli(['serve', '--config', file, '--port', '0']);
    expect(await cli.exited).to.equal(2);
    expect(cli.stderr()).to.match(/models/);
  });
});
