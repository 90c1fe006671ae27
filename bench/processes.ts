/**
 * The orchestrator's side of the child processes: start a server script under tsx with an IPC
 * channel and wait for it to say it is ready; read its CPU time and resident memory from /proc;
 * stop every child (and every wrk run) on the way out, whatever the way out is.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isChildMessage, type ChildMessage, type ParentMessage } from './protocol.js';

const children = new Set<ChildProcess>();

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly urls: Record<string, string>;
  send(message: ParentMessage): void;
  /** Resolves with the first message of this type from the child. */
  next<T extends ChildMessage['type']>(
    type: T,
    timeoutMs?: number,
  ): Promise<Extract<ChildMessage, { type: T }>>;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process is gone. */
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Where the child's stdout goes: a file path, or 'ignore' for /dev/null. */
  stdout: string | 'ignore';
  readyTimeoutMs?: number;
}

/** Tracks a process so that `stopAll` ends it. */
export function track(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

export async function startServer(
  name: string,
  script: string,
  options: StartOptions,
): Promise<ServerProcess> {
  // Compiled servers run under plain node; a .ts script (for debugging the bench) under tsx.
  const args = script.endsWith('.ts') ? ['--import', 'tsx', script] : [script];
  const stdout = options.stdout === 'ignore' ? 'ignore' : openSync(options.stdout, 'w');
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', stdout, 'inherit', 'ipc'],
    env: { ...process.env, ...options.env },
  });
  // The child has its own copy of the descriptor.
  if (typeof stdout === 'number') closeSync(stdout);
  track(child);

  const next = <T extends ChildMessage['type']>(type: T, timeoutMs = 30_000) =>
    new Promise<Extract<ChildMessage, { type: T }>>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${name}: no '${type}' message within ${timeoutMs} ms`));
      }, timeoutMs);
      const onExit = (code: number | null, signal: string | null): void => {
        done();
        reject(new Error(`${name} (${script}) exited early: code ${code}, signal ${signal}`));
      };
      const onMessage = (message: unknown): void => {
        if (!isChildMessage(message)) return;
        if (message.type === 'failed') {
          done();
          reject(new Error(`${name}: ${message.message}`));
        } else if (message.type === type) {
          done();
          resolve(message as Extract<ChildMessage, { type: T }>);
        }
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });

  const ready = await next('ready', options.readyTimeoutMs ?? 60_000);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} has no pid`);
  return {
    name,
    pid,
    urls: ready.urls,
    send: (message) => void child.send(message),
    next,
    stop: () => stopChild(child),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Stops every tracked process still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((child) => stopChild(child)));
}

/** Last resort on process exit: synchronous, so only a signal. */
export function killAllNow(): void {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User + system CPU seconds the process has used so far (/proc/<pid>/stat utime + stime). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / clockTicks();
}

export interface Memory {
  /** Resident set size now, MB. */
  rssMb: number;
  /** Peak resident set size over the process's life (VmHWM), MB. */
  peakRssMb: number;
}

export async function memory(pid: number): Promise<Memory> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
}

/**
 * Runs a benchmark's `main` as the process's whole life: its child processes are stopped however
 * it ends (done, failed, Ctrl-C, SIGTERM), and a failure is logged as `<what> failed: …` with exit
 * code 1.
 */
export async function runBenchmark(
  what: string,
  main: () => Promise<void>,
  log: (message: string) => void,
): Promise<void> {
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping the benchmark's processes`);
      stopAll().finally(() => process.exit(130));
    });
  }
  try {
    await main();
  } catch (error) {
    log(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  } finally {
    await stopAll();
  }
}
