/**
 * The profiling step of the gateway benchmark: fresh Switchyard and bare-proxy processes under
 * wrk, each CPU-profiled over the load window only, summarised per request and compared.
 */
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { compareAreas, formatProfile, readProfile, summariseProfile } from './profile-summary.js';
import { startServer } from './processes.js';
import { API_KEY, CHAT_PATH } from './protocol.js';
import type { Mode } from './report.js';
import { checkClean, runWrk } from './wrk.js';

export interface ProfileOptions {
  connections: number;
  /** Length of each profiled run; 0 skips profiling. */
  seconds: number;
  /** JSON `{ fast, paced }` origins of the mock upstreams. */
  upstreams: string;
  /** Where profiles and logs go. */
  out: string;
  /** The compiled server scripts. */
  scripts: { gateway: string; proxy: string };
}

const log = (text: string): void => void process.stderr.write(`${text}\n`);

/** Profiles one server under wrk at the highest concurrency. */
async function profileServer(options: ProfileOptions, name: string, script: string, bodyFile: string) {
  const { connections, seconds, upstreams, out } = options;
  const server = await startServer(name, script, {
    env: { BENCH_UPSTREAMS: upstreams, BENCH_LOG_LEVEL: 'warn', BENCH_PROFILE: '1' },
    stdout: resolve(out, `${name}.log`),
  });
  const run = { url: `${server.urls.fast}${CHAT_PATH}`, bodyFile, connections, apiKey: API_KEY };
  checkClean(await runWrk({ ...run, seconds: 2 }), `${name} profile warm-up`);
  server.send({ type: 'profile-start' });
  await sleep(100);
  const result = await runWrk({ ...run, seconds });
  const path = resolve(out, `${name}.cpuprofile`);
  server.send({ type: 'profile-stop', path });
  await server.next('profile-saved', 30_000);
  await server.stop();
  checkClean(result, `${name} profile run`);
  log(`  ${name}: ${result.rps.toFixed(0)} req/s under the profiler, ${path}`);
  return { profile: await readProfile(path), result };
}

export async function profileGateway(
  options: ProfileOptions,
  files: Record<Mode, string>,
): Promise<string | undefined> {
  const { connections, seconds } = options;
  if (seconds <= 0) return undefined;
  const sections: string[] = [
    `Fresh processes at c=${connections}, ${seconds} s each, sampling every 200 µs; the profiles are in ` +
      '.bench-out/*-profiled.cpuprofile (Chrome DevTools or speedscope open them). Inclusive times undercount ' +
      'async functions: the code after an `await` runs from the microtask queue, outside its caller.',
  ];
  for (const mode of ['json', 'stream'] as const) {
    const label = mode === 'json' ? 'non-streaming' : 'streaming';
    log(`profiling fresh Switchyard and bare proxy processes: ${label}, c=${connections}, ${seconds} s`);
    const gateway = await profileServer(
      options,
      `switchyard-${mode}-profiled`,
      options.scripts.gateway,
      files[mode],
    );
    const proxy = await profileServer(
      options,
      `bare-proxy-${mode}-profiled`,
      options.scripts.proxy,
      files[mode],
    );
    const all = Number.MAX_SAFE_INTEGER;
    sections.push(
      '',
      `### ${label[0]?.toUpperCase()}${label.slice(1)}: Switchyard ${gateway.result.rps.toFixed(0)} req/s, ` +
        `bare proxy ${proxy.result.rps.toFixed(0)} req/s under the profiler`,
      '',
      'Self time per request by area, Switchyard against the bare proxy:',
      '',
      compareAreas(
        summariseProfile(gateway.profile, all),
        gateway.result.requests,
        summariseProfile(proxy.profile, all),
        proxy.result.requests,
        15,
      ),
      '',
      formatProfile(summariseProfile(gateway.profile, 20), gateway.result.requests, false),
    );
  }
  return sections.join('\n');
}
