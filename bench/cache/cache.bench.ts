/**
 * Response-cache latency over loopback HTTP: a cache hit against a direct upstream call, and
 * what the lookup adds to a miss. Three server processes (the mock upstream, Switchyard without
 * a cache, Switchyard with the memory cache); this process is the client, one request at a time
 * on a keep-alive connection, the four kinds interleaved round by round so drift hits all alike.
 * Reports medians and p99 in milliseconds and the ratios from the same run. Run:
 *
 *   node --import tsx bench/cache/cache.bench.ts            # CACHE_BENCH_ROUNDS=3000 by default
 *
 * Figures and the machine they came from: docs/cache.md#performance.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertWrkInstalled, checkClean, runWrk } from '../wrk.js';

const WRK_SECONDS = Number(process.env.CACHE_BENCH_WRK_SECONDS ?? '5');
const WORKER = fileURLToPath(new URL('./cache-worker.ts', import.meta.url));
const ROUNDS = Number(process.env.CACHE_BENCH_ROUNDS ?? 3_000);
const WARMUP = 300;
const children: ChildProcess[] = [];

function startWorker(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^ready (\S+)\n/m.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One POST; resolves with the milliseconds to the complete answer. */
function post(url: string, body: string): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/chat/completions`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
          else resolve(Number(process.hrtime.bigint() - started) / 1e6);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const body = (model: string, content: string) =>
  JSON.stringify({ model, temperature: 0, messages: [{ role: 'user', content }] });

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const upstream = await startWorker({ CACHE_BENCH_ROLE: 'upstream' });
  const [plain, cached] = await Promise.all([
    startWorker({ CACHE_BENCH_ROLE: 'gateway', CACHE_BENCH_UPSTREAM: upstream }),
    startWorker({ CACHE_BENCH_ROLE: 'gateway', CACHE_BENCH_UPSTREAM: upstream, CACHE_BENCH_CACHE: '1' }),
  ]);
  const kinds = {
    'upstream direct': (i: number) => post(upstream, body('gpt-4o-mini', `q${i}`)),
    'gateway, no cache': (i: number) => post(plain, body('bench-model', `q${i}`)),
    'gateway, cache miss': (i: number) => post(cached, body('bench-model', `q${i}`)),
    'gateway, cache hit': () => post(cached, body('bench-model', 'the same question')),
  };
  const samples = Object.fromEntries(Object.keys(kinds).map((k) => [k, [] as number[]]));
  for (let i = -WARMUP; i < ROUNDS; i++) {
    for (const [name, run] of Object.entries(kinds)) {
      const ms = await run(i);
      if (i >= 0) samples[name]?.push(ms);
    }
  }
  const medians: Record<string, number> = {};
  console.log(`cache benchmark: ${ROUNDS} rounds, node ${process.version}, ${cpus()[0]?.model ?? 'cpu'}`);
  for (const [name, values] of Object.entries(samples)) {
    values.sort((a, b) => a - b);
    medians[name] = quantile(values, 0.5);
    console.log(
      `${name.padEnd(22)} median ${quantile(values, 0.5).toFixed(3)} ms   p99 ${quantile(values, 0.99).toFixed(3)} ms`,
    );
  }
  const m = (name: string) => medians[name] ?? NaN;
  await wrkHits(upstream, cached);
  console.log(`hit / direct upstream call: ${(m('gateway, cache hit') / m('upstream direct')).toFixed(2)}x`);
  console.log(
    `hit / gateway without cache: ${(m('gateway, cache hit') / m('gateway, no cache')).toFixed(2)}x`,
  );
  console.log(
    `miss overhead (lookup + store): ${((m('gateway, cache miss') - m('gateway, no cache')) * 1000).toFixed(0)} µs ` +
      `(${(m('gateway, cache miss') / m('gateway, no cache')).toFixed(3)}x)`,
  );
}

/**
 * The same comparison with wrk as the client (microsecond latencies, no Node client on the
 * measured path): one connection, the same question every time, so after the first request every
 * answer through the gateway is a cache hit. Needs `wrk` (apt-get install -y wrk).
 */
async function wrkHits(upstream: string, cached: string): Promise<void> {
  assertWrkInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'cache-bench-'));
  const direct = join(dir, 'direct.json');
  const hit = join(dir, 'hit.json');
  writeFileSync(direct, body('gpt-4o-mini', 'the same question'));
  writeFileSync(hit, body('bench-model', 'the same question'));
  const run = (url: string, bodyFile: string) =>
    runWrk({
      url: `${url}/chat/completions`,
      bodyFile,
      connections: 1,
      seconds: WRK_SECONDS,
      apiKey: 'sk-bench',
    });
  const upstreamRun = await run(upstream, direct);
  const hitRun = await run(cached, hit);
  checkClean(upstreamRun, 'upstream direct (wrk)');
  checkClean(hitRun, 'gateway cache hit (wrk)');
  console.log(`wrk, c=1, ${WRK_SECONDS} s each (latency p50 / p99):`);
  console.log(`  upstream direct      ${upstreamRun.p50.toFixed(3)} / ${upstreamRun.p99.toFixed(3)} ms`);
  console.log(`  gateway, cache hit   ${hitRun.p50.toFixed(3)} / ${hitRun.p99.toFixed(3)} ms`);
  console.log(
    `  hit median ${hitRun.p50 < 0.3 ? 'meets' : 'misses'} the < 0.3 ms target; ` +
      `${(hitRun.p50 / upstreamRun.p50).toFixed(2)}x a direct call to the (instant) mock upstream`,
  );
}

try {
  await main();
} finally {
  agent.destroy();
  for (const child of children) child.stdin?.end();
}
