import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { createRedisStore } from '../../../core/store/index.js';
import { deleteKeys, REDIS_URL, uniquePrefix } from './fixtures/redis-test-env.js';

const WORKER = fileURLToPath(new URL('./fixtures/reserve-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  result: Promise<{ admitted: number; highestSeen: number }>;
}

function startWorker(config: Record<string, unknown>): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(config)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const result = new Promise<{ admitted: number; highestSeen: number }>((resolve, reject) => {
    child.on('close', (code) => {
      const line = stdout.split('\n').find((text) => text.startsWith('{'));
      if (code === 0 && line !== undefined)
        resolve(JSON.parse(line) as { admitted: number; highestSeen: number });
      else reject(new Error(`worker exited with ${code}: ${stderr}`));
    });
  });
  // A worker that dies before `ready` must fail the test, not hang it.
  return { child, ready: Promise.race([ready, result.then(() => undefined)]), result };
}

describe('createRedisStore across two processes', () => {
  const prefix = uniquePrefix('processes');
  const workers: Worker[] = [];

  afterEach(() => {
    for (const { child } of workers.splice(0)) if (child.exitCode === null) child.kill();
  });
  after(async () => {
    await deleteKeys(prefix);
  });

  it('admits exactly 270 of 1,000 reservations raced by two processes on one $1.00 budget', async function () {
    this.timeout(20_000);
    const budgetKey = 'budget:team:acme:2026-11';
    const common = {
      url: REDIS_URL,
      prefix,
      budgetKey,
      count: 500,
      amountMicros: 3700,
      capMicros: 1_000_000,
    };
    workers.push(startWorker({ ...common, worker: 'a' }), startWorker({ ...common, worker: 'b' }));
    await Promise.all(workers.map((worker) => worker.ready));
    const startAt = Date.now() + 150;
    for (const { child } of workers) child.stdin?.end(`go ${startAt}\n`);
    const [a, b] = await Promise.all(workers.map((worker) => worker.result));

    expect((a?.admitted ?? 0) + (b?.admitted ?? 0)).to.equal(270);
    // Both really raced: neither process could take the whole budget alone before the other began.
    expect(a?.admitted).to.be.greaterThan(0);
    expect(b?.admitted).to.be.greaterThan(0);
    expect(Math.max(a?.highestSeen ?? 0, b?.highestSeen ?? 0)).to.be.at.most(1_000_000);

    const store = createRedisStore({ url: REDIS_URL, prefix });
    try {
      expect(await store.budgetState(budgetKey)).to.deep.equal({ spentMicros: 999_000, reservedMicros: 0 });
    } finally {
      await store.close();
    }
  });
});
