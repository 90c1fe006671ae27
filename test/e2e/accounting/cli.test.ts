import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Gateway } from '../../../index.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../../../core/testing/index.js';
import { accountingConfig, ask, startGateway } from './fixtures/setup.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ADMIN = 'cli-admin-key-0123456789';

function cli(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, SWITCHYARD_ADMIN_KEY: ADMIN },
  });
}

describe('switchyard keys and switchyard usage', () => {
  let upstream: MockOpenAIUpstream;
  let gateway: Gateway;
  let url: string;
  let dir: string;

  before(async () => {
    upstream = await startMockOpenAIUpstream({ record: false });
    dir = await mkdtemp(join(tmpdir(), 'switchyard-cli-'));
    ({ gateway, url } = await startGateway(
      accountingConfig(upstream, {
        admin: { keys: [ADMIN] },
        ledger: { sinks: [{ kind: 'jsonl', path: join(dir, 'ledger.jsonl') }], flushIntervalMs: 10 },
      }),
    ));
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a key over HTTP, which then works, and reports usage by team', async function () {
    this.timeout(20_000);
    const created = await cli(['keys', 'create', '--team', 'web', '--url', url]);
    const key = created.stdout.split('\n')[0] ?? '';
    expect(key).to.match(/^sy-/);
    expect((await ask(url, key)).status).to.equal(200);
    const listed = await cli(['keys', 'list', '--url', url, '--team', 'web']);
    expect(listed.stdout).to.include('\tweb\tactive');
    const usage = await cli(['usage', '--by', 'team', '--since', '1d', '--url', url, '--json']);
    const report = JSON.parse(usage.stdout) as { by: string; data: { group: string; requests: number }[] };
    expect(report.by).to.equal('team');
    expect(report.data.find((row) => row.group === 'web')?.requests).to.equal(1);
  });

  it('exits 1 with the error when the admin key is wrong', async function () {
    this.timeout(20_000);
    const failed = await run(
      process.execPath,
      ['--import', 'tsx', 'cli/main.ts', 'keys', 'list', '--url', url],
      {
        cwd: ROOT,
        env: { ...process.env, SWITCHYARD_ADMIN_KEY: 'not-the-admin-key' },
      },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(failed).to.include({ code: 1 });
    expect((failed as { stderr: string }).stderr).to.include('SY_ERR_AUTH_UNAUTHORIZED');
  });
});
