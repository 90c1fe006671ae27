/**
 * `npm run bench:compare -- [ref]`: the working tree's Switchyard against the one at `ref`
 * (default HEAD), and both against the bare proxy, in one run.
 *
 * `npm run bench` measures the targets one after the other; on a shared machine their throughput
 * drifts by ±20 % within minutes, more than most changes are worth. Here the bare proxy, the
 * baseline and the change run back to back in short rounds (the order reversed every other
 * round), each round gives its own ratios, and the report shows their medians and how many
 * rounds the change won. The baseline is `git archive` of `ref`, compiled like the working tree,
 * run with the same node_modules.
 *
 * Each build runs in BENCH_PROCESSES processes (2), measured in turn round by round: two processes of
 * one build can settle 15–20 % apart, and one process per build would let that luck pass for the
 * change's effect.
 *
 * Environment: BENCH_ROUNDS (8), BENCH_SECONDS per target and round (2), BENCH_CONNECTIONS (64),
 * BENCH_MODES (`stream,json`), BENCH_PROCESSES (2), BENCH_LEAN (`1` adds the lean reference
 * gateway, bench/lean-gateway.ts, to every round). Writes .bench-out/compare.md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buildBaseline, buildForBench } from './build.js';
import {
  compareRounds,
  processForRound,
  processMedians,
  roundOrder,
  type Comparison,
  type Round,
  type Sample,
} from './compare-rounds.js';
import { cpuSeconds, runBenchmark, startServer, type ServerProcess } from './processes.js';
import { API_KEY, CHAT_PATH, chatBody, MODEL } from './protocol.js';
import { assertWrkInstalled, checkClean, runWrk } from './wrk.js';

const ROUNDS = Math.max(2, Number(process.env.BENCH_ROUNDS ?? '8') || 8);
const SECONDS = Math.max(1, Number(process.env.BENCH_SECONDS ?? '2') || 2);
const CONNECTIONS = Math.max(1, Number(process.env.BENCH_CONNECTIONS ?? '64') || 64);
const MODES = (process.env.BENCH_MODES ?? 'stream,json')
  .split(',')
  .map((mode) => mode.trim())
  .filter((mode): mode is 'stream' | 'json' => mode === 'stream' || mode === 'json');
const LEAN = process.env.BENCH_LEAN === '1';
const PROCESSES = Math.max(1, Number(process.env.BENCH_PROCESSES ?? '2') || 2);
const OUT = resolve('.bench-out');
const BUILD = resolve(OUT, 'build');

const log = (message: string): void => console.log(message);
/** Each target's processes; a round measures one of each (processForRound). */
interface Targets {
  proxy: ServerProcess[];
  baseline: ServerProcess[];
  change: ServerProcess[];
  lean?: ServerProcess[];
}

async function measure(target: ServerProcess, bodyFile: string, seconds: number): Promise<Sample> {
  const before = await cpuSeconds(target.pid);
  const url = `${target.urls.fast}${CHAT_PATH}`;
  const result = await runWrk({ url, bodyFile, connections: CONNECTIONS, seconds, apiKey: API_KEY });
  checkClean(result, target.name);
  const cpu = (await cpuSeconds(target.pid)) - before;
  return { rps: result.rps, cpuUsPerRequest: (cpu * 1e6) / result.requests };
}

async function compareMode(
  targets: Targets,
  bodyFile: string,
): Promise<{ rounds: Round[]; result: Comparison }> {
  const names: (keyof Targets)[] = ['proxy', 'baseline', 'change'];
  if (targets.lean) names.push('lean');
  for (const name of names) for (const server of targets[name] ?? []) await measure(server, bodyFile, 1);
  const rounds: Round[] = [];
  for (let index = 0; index < ROUNDS; index++) {
    const samples: Partial<Record<keyof Targets, Sample>> = {};
    for (const name of roundOrder(names, index)) {
      const servers = targets[name] as ServerProcess[];
      const server = servers[processForRound(index, servers.length)] as ServerProcess;
      samples[name] = await measure(server, bodyFile, SECONDS);
    }
    rounds.push(samples as Round);
  }
  return { rounds, result: compareRounds(rounds) };
}

function report(
  ref: string,
  commit: string,
  results: Map<string, { rounds: Round[]; result: Comparison }>,
): string {
  const lines = [
    `# Switchyard: working tree against ${ref} (${commit})`,
    '',
    `${ROUNDS} rounds of ${SECONDS} s per target at c=${CONNECTIONS}; in each round the bare proxy, the baseline and the change ran back to back. Ratios are medians of each round's own ratio. Command: \`npm run bench:compare -- ${ref}\`.`,
    '',
    '| mode | baseline × proxy | change × proxy | change × baseline (req/s) | rounds the change won | CPU µs/req proxy / baseline / change | change ÷ baseline (CPU) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [mode, { result }] of results) {
    const { proxy, baseline, change } = result.medians;
    lines.push(
      `| ${mode} | ${result.baselineVsProxy.toFixed(3)} | ${result.changeVsProxy.toFixed(3)} | ${result.changeVsBaseline.toFixed(3)} | ${result.changeWins} of ${result.rounds} | ${proxy.cpuUsPerRequest.toFixed(0)} / ${baseline.cpuUsPerRequest.toFixed(0)} / ${change.cpuUsPerRequest.toFixed(0)} | ${result.cpuChangeVsBaseline.toFixed(3)} |`,
    );
  }
  if (LEAN) {
    lines.push(
      '',
      'The lean reference gateway (bench/lean-gateway.ts: the JSON work and no framework) in the same rounds:',
      '',
      '| mode | lean × proxy | change × lean | CPU µs/req lean |',
      '| --- | ---: | ---: | ---: |',
    );
    for (const [mode, { result }] of results) {
      const { lean } = result;
      if (lean)
        lines.push(
          `| ${mode} | ${lean.vsProxy.toFixed(3)} | ${lean.changeVsLean.toFixed(3)} | ${lean.median.cpuUsPerRequest.toFixed(0)} |`,
        );
    }
  }
  if (PROCESSES > 1) {
    lines.push('', `Each build ran in ${PROCESSES} processes, measured in turn; median req/s of each:`, '');
    for (const [mode, { rounds }] of results) {
      const of = (pick: (round: Round) => Sample) =>
        processMedians(rounds.map(pick), PROCESSES)
          .map((rps) => rps.toFixed(0))
          .join(' / ');
      lines.push(
        `- ${mode}: baseline ${of((round) => round.baseline)}; change ${of((round) => round.change)}`,
      );
    }
  }
  lines.push('', `Per round, req/s (proxy, baseline, change${LEAN ? ', lean' : ''}):`, '');
  for (const [mode, { rounds }] of results) {
    const each = rounds.map((round) =>
      [round.proxy, round.baseline, round.change, ...(round.lean ? [round.lean] : [])]
        .map((sample) => sample.rps.toFixed(0))
        .join('/'),
    );
    lines.push(`- ${mode}: ${each.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  assertWrkInstalled();
  const ref = process.argv[2] ?? 'HEAD';
  await mkdir(OUT, { recursive: true });
  log(`compiling the working tree and ${ref}`);
  const [baseline] = await Promise.all([
    buildBaseline(ref, resolve(OUT, 'compare')),
    buildForBench(process.cwd(), BUILD),
  ]);
  const bodies = { json: resolve(OUT, 'body-json.json'), stream: resolve(OUT, 'body-stream.json') };
  await writeFile(bodies.json, chatBody(MODEL, false));
  await writeFile(bodies.stream, chatBody(MODEL, true));

  const script = (name: string): string => resolve(BUILD, 'bench', name);
  const mock = await startServer('mock-upstream', script('mock-upstream-server.js'), { stdout: 'ignore' });
  const env = { BENCH_UPSTREAMS: JSON.stringify(mock.urls), BENCH_LOG_LEVEL: 'warn' };
  const start = (name: string, server: string, count: number): Promise<ServerProcess[]> =>
    Promise.all(
      Array.from({ length: count }, (_, index) =>
        startServer(count > 1 ? `${name} #${index + 1}` : name, server, { env, stdout: 'ignore' }),
      ),
    );
  const [proxy, baselineServers, change, lean] = await Promise.all([
    start('bare-proxy', script('bare-proxy.js'), 1),
    start(`switchyard@${baseline.commit}`, baseline.server, PROCESSES),
    start('switchyard (working tree)', script('gateway-server.js'), PROCESSES),
    LEAN ? start('lean gateway', script('lean-gateway.js'), 1) : undefined,
  ]);
  const targets: Targets = { proxy, baseline: baselineServers, change, ...(lean ? { lean } : {}) };
  const results = new Map<string, { rounds: Round[]; result: Comparison }>();
  for (const mode of MODES) {
    log(`${mode}: ${ROUNDS} rounds`);
    const measured = await compareMode(targets, bodies[mode]);
    results.set(mode, measured);
    const { result } = measured;
    log(
      `  × proxy: baseline ${result.baselineVsProxy.toFixed(3)}, change ${result.changeVsProxy.toFixed(3)}; ` +
        `change × baseline ${result.changeVsBaseline.toFixed(3)} (won ${result.changeWins} of ${result.rounds}), ` +
        `CPU per request × baseline ${result.cpuChangeVsBaseline.toFixed(3)}` +
        (result.lean ? `; lean × proxy ${result.lean.vsProxy.toFixed(3)}` : ''),
    );
  }
  const text = report(ref, baseline.commit, results);
  await writeFile(resolve(OUT, 'compare.md'), text);
  log(`wrote ${resolve(OUT, 'compare.md')}`);
}

await runBenchmark('comparison', main, log);
