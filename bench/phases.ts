/**
 * Where time to first token goes, `npm run bench:phases`: sequential streaming requests against
 * the paced upstream (as the TTFT part of `npm run bench`), through the bare proxy and through
 * Switchyard, each server timestamping its own sockets (bench/socket-marks.ts). Per request:
 *
 * - pre-send: the request's headers parsed → the upstream request written (reading the body,
 *   validation, the stage chain, building the upstream request, the HTTP client);
 * - upstream: that write → the first upstream read with content (the mock's pacing and loopback);
 * - content out: that read → the client write carrying it (parsing, committing the stream,
 *   the rest of the chain, headers, the writer).
 *
 * A gateway's own share of time to first token is pre-send plus content out. At concurrency 1
 * with pauses between requests every step runs with cold caches, so these are larger than the
 * CPU per request the throughput runs show. Environment: BENCH_PHASE_REQUESTS (200).
 */
import { readFile, rm, mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Client } from 'undici';
import { buildForBench } from './build.js';
import { startServer, stopAll, type ServerProcess } from './processes.js';
import { chatBody, PACED_MODEL } from './protocol.js';
import { phasesOf, type Phases } from './phase-split.js';
import type { SocketMark } from './socket-marks.js';
import { checkStream, timeStream } from './ttft.js';

const REQUESTS = Math.max(20, Number(process.env.BENCH_PHASE_REQUESTS ?? '200') || 200);
const WARMUP = 50;
const OUT = resolve('.bench-out');
const BUILD = resolve(OUT, 'build');
const here = (file: string): string => resolve(BUILD, 'bench', file.replace(/\.ts$/, '.js'));

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function collectMarks(server: ServerProcess, file: string): Promise<SocketMark[]> {
  await rm(file, { force: true });
  process.kill(server.pid, 'SIGUSR2');
  for (let waited = 0; waited < 5_000; waited += 50) {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as SocketMark[];
    } catch {
      await new Promise((done) => setTimeout(done, 50));
    }
  }
  throw new Error(`${server.name} wrote no marks to ${file}`);
}

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  console.log('compiling the servers to plain JavaScript in .bench-out/build');
  await buildForBench(process.cwd(), BUILD);
  const preload = `--import ${here('./socket-marks.ts')}`;
  const marksFile = (name: string): string => resolve(OUT, `marks-${name}.json`);

  const mock = await startServer('mock-upstream', here('./mock-upstream-server.ts'), { stdout: 'ignore' });
  const upstreams = JSON.stringify(mock.urls);
  const marked = (name: string) => ({
    NODE_OPTIONS: preload,
    BENCH_MARKS_FILE: marksFile(name),
    BENCH_UPSTREAMS: upstreams,
  });
  const [proxy, switchyard] = await Promise.all([
    startServer('bare-proxy', here('./bare-proxy.ts'), { env: marked('proxy'), stdout: 'ignore' }),
    startServer('switchyard', here('./gateway-server.ts'), {
      env: { ...marked('switchyard'), BENCH_LOG_LEVEL: 'warn' },
      stdout: 'ignore',
    }),
  ]);
  const body = chatBody(PACED_MODEL, true);
  const targets = [
    { name: 'direct', url: mock.urls.paced ?? '', server: undefined },
    { name: 'proxy', url: proxy.urls.paced ?? '', server: proxy },
    { name: 'switchyard', url: switchyard.urls.paced ?? '', server: switchyard },
  ];
  for (const target of targets) await checkStream(target.url, body);

  console.log(`${WARMUP} warm-up and ${REQUESTS} measured streaming requests per target, taking turns`);
  const clients = targets.map((target) => new Client(target.url, { pipelining: 1 }));
  const ttft = targets.map((): number[] => []);
  for (let round = 0; round < WARMUP + REQUESTS; round++) {
    if (round === WARMUP) {
      // Drop the warm-up's marks.
      for (const target of targets)
        if (target.server) await collectMarks(target.server, marksFile(target.name));
    }
    for (let i = 0; i < targets.length; i++) {
      const timing = await timeStream(clients[i] as Client, body);
      if (round >= WARMUP) ttft[i]?.push(timing.ttftMs * 1000);
    }
  }
  await Promise.all(clients.map((client) => client.close()));

  const rows: string[] = [];
  const line = (cells: (string | number)[]) => rows.push(`| ${cells.join(' | ')} |`);
  line([
    'target',
    'requests',
    'pre-send µs p50 / p90',
    'upstream µs p50',
    'content out µs p50 / p90',
    'own share µs p50',
    'TTFT µs p50',
  ]);
  line(['---', '---:', '---:', '---:', '---:', '---:', '---:']);
  for (const [i, target] of targets.entries()) {
    const ttftP50 = percentile(ttft[i] ?? [], 50).toFixed(0);
    if (!target.server) {
      line([target.name, REQUESTS, '', '', '', '', ttftP50]);
      continue;
    }
    const port = Number(new URL(target.url).port);
    const phases = phasesOf(await collectMarks(target.server, marksFile(target.name)), port);
    const pick = (key: keyof Phases) => phases.map((phase) => phase[key]);
    const own = phases.map((phase) => phase.preSend + phase.contentOut);
    line([
      target.name,
      phases.length,
      `${percentile(pick('preSend'), 50).toFixed(0)} / ${percentile(pick('preSend'), 90).toFixed(0)}`,
      percentile(pick('upstream'), 50).toFixed(0),
      `${percentile(pick('contentOut'), 50).toFixed(0)} / ${percentile(pick('contentOut'), 90).toFixed(0)}`,
      percentile(own, 50).toFixed(0),
      ttftP50,
    ]);
  }
  const report = `# Time to first token, phase by phase\n\n${rows.join('\n')}\n`;
  await writeFile(resolve(OUT, 'phases.md'), report);
  console.log(`\n${report}\nwrote .bench-out/phases.md`);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => stopAll());
