/**
 * Runs wrk against one URL for a bounded time and returns its figures. The Lua script
 * (wrk-post.lua) posts the body and prints wrk's own latency histogram percentiles in
 * microseconds; the `--latency` text and the `Non-2xx` line are kept as a cross-check.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { track } from './processes.js';

const LUA_SCRIPT = fileURLToPath(new URL('./wrk-post.lua', import.meta.url));

export interface WrkRun {
  url: string;
  bodyFile: string;
  connections: number;
  seconds: number;
  apiKey: string;
}

export interface WrkResult {
  requests: number;
  seconds: number;
  rps: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p75: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** Responses outside 2xx/3xx. */
  non2xx: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
}

interface WrkJson {
  requests: number;
  durationUs: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50: number;
  p75: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Throws a clear message when wrk is not installed. */
export function assertWrkInstalled(): void {
  const probe = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (probe.error) {
    throw new Error(
      'wrk is not installed or not on PATH. The benchmark drives load with wrk: ' +
        'install it with `apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk` (macOS).',
    );
  }
}

export function runWrk(run: WrkRun): Promise<WrkResult> {
  const args = [
    '-t1',
    `-c${run.connections}`,
    `-d${run.seconds}s`,
    '--timeout',
    '10s',
    '--latency',
    '-s',
    LUA_SCRIPT,
    run.url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BENCH_BODY_FILE: run.bodyFile, BENCH_API_KEY: run.apiKey },
    });
    track(child);
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (err += text));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.split('\n').find((text) => text.startsWith('WRK_JSON '));
      if (code !== 0 || line === undefined) {
        reject(new Error(`wrk ${args.join(' ')} failed (exit ${code}):\n${out}\n${err}`));
        return;
      }
      const json = JSON.parse(line.slice('WRK_JSON '.length)) as WrkJson;
      const textNon2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
      const seconds = json.durationUs / 1e6;
      resolve({
        requests: json.requests,
        seconds,
        rps: json.requests / seconds,
        p50: json.p50 / 1000,
        p75: json.p75 / 1000,
        p90: json.p90 / 1000,
        p99: json.p99 / 1000,
        max: json.max / 1000,
        mean: json.mean / 1000,
        non2xx: Math.max(json.status, textNon2xx),
        socketErrors: { connect: json.connect, read: json.read, write: json.write, timeout: json.timeout },
      });
    });
  });
}

/** Throws unless every response was 2xx and no socket failed: figures from a failing target are meaningless. */
export function checkClean(result: WrkResult, what: string): void {
  const { connect, read, write, timeout } = result.socketErrors;
  if (result.non2xx > 0 || connect + read + write + timeout > 0 || result.requests === 0) {
    throw new Error(
      `${what}: ${result.non2xx} non-2xx responses, socket errors ${JSON.stringify(result.socketErrors)}, ` +
        `${result.requests} requests. Figures from a failing target are meaningless; see .bench-out/*.log.`,
    );
  }
}
