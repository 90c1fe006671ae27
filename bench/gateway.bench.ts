/**
 * The gateway benchmark, `npm run bench` (needs wrk: `apt-get install -y wrk`). In one run:
 *
 * 1. starts the mock upstream, the bare proxy and Switchyard, each in its own process;
 * 2. checks that every target answers 200 with a completion and streams down to `data: [DONE]`;
 * 3. in rounds (so a noisy minute on a shared machine hits every target alike), for
 *    non-streaming then streaming, for each concurrency, for each target in turn: a bounded wrk
 *    run (after a warm-up in the first round), reading the measured process's CPU time and peak
 *    RSS from /proc around it; a row shows the medians of its rounds;
 * 4. measures time to first token with sequential streaming requests against a paced upstream;
 * 5. profiles fresh Switchyard and bare-proxy processes under wrk at the highest concurrency,
 *    non-streaming, and compares where each spends CPU per request;
 * 6. prints the figures, the verdict against the targets and the profile summary, and writes
 *    them to .bench-out/ (report.md, results.json, *.cpuprofile).
 *
 * Environment: BENCH_SECONDS (2 per round), BENCH_ROUNDS (3), BENCH_WARMUP_SECONDS (1),
 * BENCH_CONCURRENCY ("1,16,64"), BENCH_TTFT_REQUESTS (200), BENCH_PROFILE_SECONDS (5; 0 skips
 * the profiles), BENCH_INFO_LOG (1; 0 skips the Switchyard-with-info-logging target),
 * BENCH_CHUNK_DELAY_MS (1, the paced upstream's pause between stream chunks).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { buildForBench } from './build.js';
import { median } from './compare-rounds.js';
import { profileGateway } from './profile-run.js';
import { cpuSeconds, runBenchmark, memory, startServer, type ServerProcess } from './processes.js';
import { API_KEY, CHAT_PATH, chatBody, MODEL, PACED_MODEL } from './protocol.js';
import {
  figuresTable,
  TARGET_LABELS,
  ttftTable,
  verdicts,
  verdictTable,
  type CellResult,
  type Mode,
  type TargetName,
} from './report.js';
import { checkJson, checkStream, measureTtft, type StreamTarget } from './ttft.js';
import { assertWrkInstalled, checkClean, runWrk } from './wrk.js';

function numberEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return value;
}

const SECONDS = Math.max(1, Math.round(numberEnv('BENCH_SECONDS', 2)));
const ROUNDS = Math.max(1, Math.round(numberEnv('BENCH_ROUNDS', 3)));
const WARMUP_SECONDS = Math.max(1, Math.round(numberEnv('BENCH_WARMUP_SECONDS', 1)));
const TTFT_REQUESTS = numberEnv('BENCH_TTFT_REQUESTS', 200);
const PROFILE_SECONDS = Math.round(numberEnv('BENCH_PROFILE_SECONDS', 5));
const INFO_LOG = process.env.BENCH_INFO_LOG !== '0';
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,16,64')
  .split(',')
  .map((text) => Number(text.trim()))
  .filter((value) => Number.isInteger(value) && value > 0);
const OUT = resolve('.bench-out');
const BUILD = resolve(OUT, 'build');
/** A server script, compiled: `here('./bare-proxy.ts')` is .bench-out/build/bench/bare-proxy.js. */
const here = (file: string): string => resolve(BUILD, 'bench', file.replace(/\.ts$/, '.js'));

const log = (text: string): void => void process.stderr.write(`${text}\n`);

interface Target {
  name: TargetName;
  /** The process whose CPU and memory the row reports. */
  process: ServerProcess;
  fast: string;
  paced: string;
}

interface Round {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  requests: number;
  cpuSeconds: number;
}

/** One bounded wrk run against a target, with the measured process's CPU time around it. */
async function measureRound(
  target: Target,
  mode: Mode,
  connections: number,
  bodyFile: string,
  warmUp: boolean,
) {
  const run = { url: `${target.fast}${CHAT_PATH}`, bodyFile, connections, apiKey: API_KEY };
  const what = `${mode} c=${connections} ${target.name}`;
  if (warmUp) checkClean(await runWrk({ ...run, seconds: WARMUP_SECONDS }), `${what} (warm-up)`);
  const cpuBefore = await cpuSeconds(target.process.pid);
  const result = await runWrk({ ...run, seconds: SECONDS });
  const cpuAfter = await cpuSeconds(target.process.pid);
  checkClean(result, what);
  const round: Round = {
    rps: result.rps,
    p50: result.p50,
    p90: result.p90,
    p99: result.p99,
    requests: result.requests,
    cpuSeconds: cpuAfter - cpuBefore,
  };
  log(
    `  ${what.padEnd(30)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50.toFixed(3)} ms  ` +
      `p99 ${result.p99.toFixed(3)} ms  cpu ${((round.cpuSeconds * 1e6) / result.requests).toFixed(0)} µs/req`,
  );
  return round;
}

/** Rounds of one cell into its row: medians of the rounds, CPU over all requests of all rounds. */
function cellOf(
  target: TargetName,
  mode: Mode,
  connections: number,
  rounds: Round[],
  peakRssMb: number,
): CellResult {
  const requests = rounds.reduce((sum, r) => sum + r.requests, 0);
  return {
    target,
    mode,
    connections,
    requests,
    rps: median(rounds.map((r) => r.rps)),
    p50: median(rounds.map((r) => r.p50)),
    p90: median(rounds.map((r) => r.p90)),
    p99: median(rounds.map((r) => r.p99)),
    cpuUsPerRequest: (rounds.reduce((sum, r) => sum + r.cpuSeconds, 0) * 1e6) / requests,
    peakRssMb,
  };
}

async function main(): Promise<void> {
  assertWrkInstalled();
  await mkdir(OUT, { recursive: true });
  log('compiling the servers to plain JavaScript in .bench-out/build');
  await buildForBench(process.cwd(), BUILD);
  const jsonFile = resolve(OUT, 'body-json.json');
  const streamFile = resolve(OUT, 'body-stream.json');
  await writeFile(jsonFile, chatBody(MODEL, false));
  await writeFile(streamFile, chatBody(MODEL, true));
  const logFile = (name: string): string => resolve(OUT, `${name}.log`);
  const loadBefore = loadavg();
  const started = Date.now();

  log('starting the mock upstream, the bare proxy and Switchyard (one process each)');
  const mock = await startServer('mock-upstream', here('./mock-upstream-server.ts'), {
    stdout: logFile('mock-upstream'),
  });
  const upstreams = JSON.stringify(mock.urls);
  const [proxy, switchyard, switchyardInfo] = await Promise.all([
    startServer('bare-proxy', here('./bare-proxy.ts'), {
      env: { BENCH_UPSTREAMS: upstreams },
      stdout: logFile('bare-proxy'),
    }),
    startServer('switchyard', here('./gateway-server.ts'), {
      env: { BENCH_UPSTREAMS: upstreams, BENCH_LOG_LEVEL: 'warn' },
      stdout: logFile('switchyard'),
    }),
    INFO_LOG
      ? startServer('switchyard-info', here('./gateway-server.ts'), {
          env: { BENCH_UPSTREAMS: upstreams, BENCH_LOG_LEVEL: 'info' },
          stdout: 'ignore',
        })
      : Promise.resolve(undefined),
  ]);
  const targets: Target[] = [
    { name: 'direct', process: mock, fast: mock.urls.fast ?? '', paced: mock.urls.paced ?? '' },
    { name: 'proxy', process: proxy, fast: proxy.urls.fast ?? '', paced: proxy.urls.paced ?? '' },
    {
      name: 'switchyard',
      process: switchyard,
      fast: switchyard.urls.fast ?? '',
      paced: switchyard.urls.paced ?? '',
    },
  ];
  if (switchyardInfo) {
    targets.push({
      name: 'switchyard-info',
      process: switchyardInfo,
      fast: switchyardInfo.urls.fast ?? '',
      paced: switchyardInfo.urls.paced ?? '',
    });
  }
  const idleRss = new Map<TargetName, number>();
  for (const target of targets) idleRss.set(target.name, (await memory(target.process.pid)).rssMb);

  log('checking answers: 200 with content, streams ending with data: [DONE]');
  for (const target of targets) {
    await checkJson(target.fast, chatBody(MODEL, false));
    const events = await checkStream(target.fast, chatBody(MODEL, true));
    if (events !== 20) throw new Error(`${target.name}: expected 20 content events, got ${events}`);
    await checkStream(target.paced, chatBody(PACED_MODEL, true));
  }

  const cells: CellResult[] = [];
  const rounds = new Map<string, Round[]>();
  const key = (target: TargetName, mode: Mode, connections: number) => `${target} ${mode} ${connections}`;
  const peakAfter = new Map<string, number>();
  const total = 2 * CONCURRENCY.length * targets.length;
  log(
    `measuring ${total} cells, ${ROUNDS} round(s) of ${SECONDS} s each (${WARMUP_SECONDS} s warm-up before ` +
      'the first), targets taking turns, wrk -t1',
  );
  for (let round = 0; round < ROUNDS; round++) {
    log(`round ${round + 1} of ${ROUNDS}`);
    for (const mode of ['json', 'stream'] as const) {
      for (const connections of CONCURRENCY) {
        for (const target of targets) {
          const file = mode === 'json' ? jsonFile : streamFile;
          const measured = await measureRound(target, mode, connections, file, round === 0);
          const list = rounds.get(key(target.name, mode, connections)) ?? [];
          list.push(measured);
          rounds.set(key(target.name, mode, connections), list);
          peakAfter.set(key(target.name, mode, connections), (await memory(target.process.pid)).peakRssMb);
        }
      }
    }
  }
  for (const mode of ['json', 'stream'] as const) {
    for (const connections of CONCURRENCY) {
      for (const target of targets) {
        const k = key(target.name, mode, connections);
        cells.push(cellOf(target.name, mode, connections, rounds.get(k) ?? [], peakAfter.get(k) ?? NaN));
      }
    }
  }
  const peakRss = new Map<TargetName, number>();
  for (const target of targets) peakRss.set(target.name, (await memory(target.process.pid)).peakRssMb);

  let ttft: Awaited<ReturnType<typeof measureTtft>> = [];
  if (TTFT_REQUESTS > 0) {
    log(`time to first token: ${TTFT_REQUESTS} sequential streaming requests per target, paced upstream`);
    const streamTargets: StreamTarget[] = targets.map((target) => ({
      name: target.name,
      url: target.paced,
      body: chatBody(PACED_MODEL, true),
    }));
    ttft = await measureTtft(streamTargets, TTFT_REQUESTS, Math.min(20, TTFT_REQUESTS));
    for (const result of ttft) {
      log(
        `  ${result.name.padEnd(16)} TTFT p50 ${result.ttftP50.toFixed(3)} ms, whole stream p50 ${result.totalP50.toFixed(2)} ms`,
      );
      // A gateway that buffered the stream would deliver the first token with the last one.
      if (result.ttftP50 > result.totalP50 * 0.5) {
        throw new Error(`${result.name} does not stream: the first token arrives with the last one`);
      }
    }
  }
  await Promise.all(targets.filter((t) => t.name !== 'direct').map((t) => t.process.stop()));

  const profile = await profileGateway(
    {
      connections: Math.max(...CONCURRENCY),
      seconds: CONCURRENCY.length === 0 ? 0 : PROFILE_SECONDS,
      upstreams,
      out: OUT,
      scripts: { gateway: here('./gateway-server.ts'), proxy: here('./bare-proxy.ts') },
    },
    { json: jsonFile, stream: streamFile },
  );
  await mock.stop();
  const loadAfter = loadavg();

  const concurrency = { low: Math.min(...CONCURRENCY), high: Math.max(...CONCURRENCY) };
  // Throughput is judged round by round: the proxy and Switchyard run back to back in each round,
  // so each round's own ratio cancels the machine's drift between rounds.
  const roundRatios = new Map<string, number[]>();
  for (const target of ['switchyard', 'switchyard-info'] as const) {
    for (const mode of ['json', 'stream'] as const) {
      const gateway = rounds.get(key(target, mode, concurrency.high));
      const proxy = rounds.get(key('proxy', mode, concurrency.high));
      if (gateway && proxy) {
        roundRatios.set(
          `${target} ${mode}`,
          gateway.map((round, index) => round.rps / (proxy[index]?.rps ?? NaN)),
        );
      }
    }
  }
  const verdictList = verdicts(cells, ttft, peakRss, concurrency, roundRatios);
  const cpu = cpus();
  let revision = 'unknown revision';
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', 'core', 'plugins', 'index.ts'], {
      encoding: 'utf8',
    });
    revision = `commit ${head}${dirty.trim() === '' ? '' : ' with uncommitted changes in core/ or plugins/'}`;
  } catch {
    // Not a git checkout.
  }
  const machine =
    `${revision}; ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ` +
    `load average ${loadBefore[0]?.toFixed(2)} before / ${loadAfter[0]?.toFixed(2)} after, ` +
    `${ROUNDS} round(s) of ${SECONDS} s per cell (medians of the rounds shown) after ${WARMUP_SECONDS} s warm-up, ` +
    `${((Date.now() - started) / 1000).toFixed(0)} s in all` +
    (process.env.BENCH_PROXY_CLIENT !== 'request'
      ? "; bare proxy on undici's dispatch()"
      : process.env.BENCH_PROXY_FORWARD === 'pipeline'
        ? "; bare proxy on undici's request(), forwarding with stream.pipeline() (BENCH_PROXY_CLIENT=request BENCH_PROXY_FORWARD=pipeline)"
        : "; bare proxy on undici's request(), forwarding with data events (BENCH_PROXY_CLIENT=request)");
  const rssLine = targets
    .map(
      (t) =>
        `${TARGET_LABELS[t.name]} ${idleRss.get(t.name)?.toFixed(0)} → ${peakRss.get(t.name)?.toFixed(0)} MB`,
    )
    .join('; ');
  const report = [
    `# Switchyard benchmark, ${new Date().toISOString()}`,
    '',
    machine,
    '',
    '## Throughput and latency (wrk)',
    '',
    figuresTable(cells),
    '',
    `RSS after start-up → peak over the run: ${rssLine}.`,
    '',
    '## Time to first token',
    '',
    ttftTable(ttft),
    '',
    '## Verdict',
    '',
    verdictTable(verdictList),
    '',
    '## Profile',
    '',
    profile ?? 'Skipped (BENCH_PROFILE_SECONDS=0).',
    '',
  ].join('\n');
  process.stdout.write(report);
  await writeFile(resolve(OUT, 'report.md'), report);
  await writeFile(
    resolve(OUT, 'results.json'),
    JSON.stringify(
      {
        machine,
        cells,
        rounds: Object.fromEntries(rounds),
        ttft,
        verdicts: verdictList,
        idleRss: Object.fromEntries(idleRss),
      },
      null,
      2,
    ),
  );
  log(`wrote ${resolve(OUT, 'report.md')} and results.json`);
}

await runBenchmark('benchmark', main, log);
