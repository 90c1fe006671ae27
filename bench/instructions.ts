/**
 * `npm run bench:instructions -- [ref]`: instructions per request, counted by valgrind
 * (bench/callgrind.ts), for the bare proxy, the lean gateway, Switchyard at `ref` (when given)
 * and the working tree's Switchyard, streaming and not.
 *
 * Wall-clock figures on this shared 2-core VM move by ±25 % between runs of one build, so
 * `bench:compare` needs many rounds to see 5 %; an instruction count repeats within a few percent.
 * It is not the target (req/s at c=64 is), and it leaves out what the kernel does (socket
 * writes and reads, about a quarter of a request's CPU here) and what memory stalls cost, but a
 * change that saves instructions on the main thread saves time on the thread Switchyard is bound by.
 *
 * Each server runs under callgrind (about 50 × slower), is warmed with BENCH_WARM_CYCLES runs of
 * wrk (5, BENCH_WARM_SECONDS 8 each: the first runs deoptimise and recompile much of the code),
 * then counted over BENCH_WINDOWS (3) runs of BENCH_SECONDS (20) at c=BENCH_CONNECTIONS (16: the
 * requests cut by the end of a run are about 1 % of its ~2,000). Reported: the lowest run's main
 * thread and all threads (V8 compiles and collects on others), thousands of instructions per
 * request, and the highest run's main thread: extra work (a full collection, recompiling) only
 * ever adds, so the lowest is the settled cost.
 *
 * Environment: BENCH_MODES (`stream,json`), BENCH_TARGETS (`proxy,lean,baseline,change`),
 * BENCH_INSTRUCTIONS_PROFILE (`1`: also the functions that ran most instructions, per target,
 * JIT-compiled code named from node's perf map). Writes .bench-out/instructions.md.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buildBaseline, buildForBench } from './build.js';
import { assertValgrindInstalled, startUnderCallgrind, summariseCallgrind } from './callgrind.js';
import { startServer, stopAll } from './processes.js';
import { API_KEY, CHAT_PATH, chatBody, MODEL } from './protocol.js';
import { assertWrkInstalled, checkClean, runWrk } from './wrk.js';

type Mode = 'stream' | 'json';
type TargetName = 'proxy' | 'lean' | 'baseline' | 'change';

const number = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const WARM_CYCLES = number('BENCH_WARM_CYCLES', 5);
const WARM_SECONDS = number('BENCH_WARM_SECONDS', 8);
const SECONDS = number('BENCH_SECONDS', 20);
const CONNECTIONS = number('BENCH_CONNECTIONS', 16);
const PROFILE = process.env.BENCH_INSTRUCTIONS_PROFILE === '1';
const WINDOWS = number('BENCH_WINDOWS', 3);
const list = (name: string, fallback: string) =>
  (process.env[name] ?? fallback)
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
const MODES = list('BENCH_MODES', 'stream,json').filter((m): m is Mode => m === 'stream' || m === 'json');
const OUT = resolve('.bench-out');
const COUNTS = resolve(OUT, 'callgrind');

interface Count {
  requests: number;
  mainThread: number;
  /** The main thread's count in the highest of the windows. */
  highest: number;
  allThreads: number;
  top?: { name: string; perRequest: number }[];
}

const log = (message: string): void => console.log(message);

async function count(
  name: string,
  script: string,
  upstreams: Record<string, string>,
  bodyFile: string,
): Promise<Count> {
  const server = await startUnderCallgrind(
    name,
    script,
    { BENCH_UPSTREAMS: JSON.stringify(upstreams), BENCH_LOG_LEVEL: 'warn' },
    COUNTS,
    PROFILE,
  );
  try {
    const run = {
      url: `${server.urls.fast}${CHAT_PATH}`,
      bodyFile,
      connections: CONNECTIONS,
      apiKey: API_KEY,
    };
    for (let cycle = 0; cycle < WARM_CYCLES; cycle++) await runWrk({ ...run, seconds: WARM_SECONDS });
    // Several windows, the lowest reported: extra work only ever adds (a window that holds a full
    // collection, or the recompiling of something deoptimised late, counts a few percent more
    // than its neighbours, and under valgrind a process can fall into minutes of recompiling).
    let counted: (Count & { file: string }) | undefined;
    let highest = 0;
    for (let window = 0; window < WINDOWS; window++) {
      server.start();
      const result = await runWrk({ ...run, seconds: SECONDS });
      const { perThread, mainThreadFile } = await server.stop();
      checkClean(result, name);
      const mainThread = (perThread[0] ?? 0) / result.requests;
      highest = Math.max(highest, mainThread);
      if (counted !== undefined && counted.mainThread <= mainThread) continue;
      counted = {
        requests: result.requests,
        mainThread,
        highest: 0,
        allThreads: perThread.reduce((sum, value) => sum + value, 0) / result.requests,
        file: mainThreadFile,
      };
    }
    if (counted === undefined) throw new Error(`${name}: no window counted (BENCH_WINDOWS)`);
    counted.highest = highest;
    if (PROFILE) counted.top = await summariseCallgrind(counted.file, server.pid, counted.requests);
    return counted;
  } finally {
    server.kill();
  }
}

const k = (value: number): string => (value / 1000).toFixed(1);

function report(
  ref: string | undefined,
  baseline: string | undefined,
  results: Map<Mode, Map<TargetName, Count>>,
): string {
  const lines = [
    `# Instructions per request${ref ? `: the working tree against ${ref} (${baseline})` : ''}`,
    '',
    `valgrind (callgrind), thousands of instructions per request; c=${CONNECTIONS}, the lowest of ${WINDOWS} runs of ${SECONDS} s after ` +
      `${WARM_CYCLES} warm-up runs of ${WARM_SECONDS} s. Command: \`npm run bench:instructions${ref ? ` -- ${ref}` : ''}\`.`,
    '',
    '| mode | target | requests counted | main thread (lowest run; highest) | all threads | main thread × proxy |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const [mode, targets] of results) {
    const proxy = targets.get('proxy');
    for (const [target, counted] of targets) {
      const ratio = proxy ? (counted.mainThread / proxy.mainThread).toFixed(2) : '—';
      lines.push(
        `| ${mode} | ${target} | ${counted.requests} | ${k(counted.mainThread)} (${k(counted.highest)}) | ${k(counted.allThreads)} | ${ratio} |`,
      );
    }
    const before = targets.get('baseline');
    const after = targets.get('change');
    if (before && after) {
      lines.push(
        `| ${mode} | change ÷ baseline | | ${(after.mainThread / before.mainThread).toFixed(3)} | ${(after.allThreads / before.allThreads).toFixed(3)} | |`,
      );
    }
  }
  for (const [mode, targets] of results) {
    for (const [target, counted] of targets) {
      if (!counted.top) continue;
      lines.push('', `## ${target}, ${mode}: main thread, self, thousands per request`, '');
      for (const row of counted.top) lines.push(`- ${k(row.perRequest)} ${row.name}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  assertWrkInstalled();
  assertValgrindInstalled();
  const ref = process.argv[2];
  const targets = list('BENCH_TARGETS', 'proxy,lean,baseline,change').filter(
    (t): t is TargetName =>
      ['proxy', 'lean', 'baseline', 'change'].includes(t) && (t !== 'baseline' || ref !== undefined),
  );
  await rm(COUNTS, { recursive: true, force: true });
  await mkdir(COUNTS, { recursive: true });
  log(`compiling the working tree${ref ? ` and ${ref}` : ''}`);
  const build = resolve(OUT, 'build');
  const [baseline] = await Promise.all([
    ref ? buildBaseline(ref, resolve(OUT, 'compare')) : undefined,
    buildForBench(process.cwd(), build),
  ]);
  const scripts: Record<TargetName, string> = {
    proxy: resolve(build, 'bench', 'bare-proxy.js'),
    lean: resolve(build, 'bench', 'lean-gateway.js'),
    baseline: baseline?.server ?? '',
    change: resolve(build, 'bench', 'gateway-server.js'),
  };
  const upstream = await startServer('mock-upstream', resolve(build, 'bench', 'mock-upstream-server.js'), {
    stdout: 'ignore',
  });
  const results = new Map<Mode, Map<TargetName, Count>>();
  for (const mode of MODES) {
    const bodyFile = resolve(OUT, `instructions-body-${mode}.json`);
    await writeFile(bodyFile, chatBody(MODEL, mode === 'stream'));
    const counts = new Map<TargetName, Count>();
    results.set(mode, counts);
    for (const target of targets) {
      const counted = await count(`${target}-${mode}`, scripts[target], upstream.urls, bodyFile);
      counts.set(target, counted);
      log(
        `${mode} ${target}: ${k(counted.mainThread)} k main thread, ${k(counted.allThreads)} k all threads per request (${counted.requests} requests; windows ${k(counted.mainThread)}–${k(counted.highest)})`,
      );
    }
  }
  const text = report(ref, baseline?.commit, results);
  await writeFile(resolve(OUT, 'instructions.md'), text);
  log(`\n${text}`);
}

try {
  await main();
} finally {
  await stopAll();
}
