/**
 * A benchmark server run under valgrind's callgrind, which counts the instructions a process
 * executes: the same count for the same work, whatever else the machine is doing. This VM exposes
 * no hardware performance counters, and its wall-clock figures move by ±25 % between runs, so a
 * change worth a few percent shows only here (docs/benchmarks.md, "Running it", "Eleventh session").
 *
 * Counting starts switched off (`--instr-atstart=no`) and is switched on for the measured window
 * only, with `callgrind_control`; each thread is counted on its own (`--separate-threads`), since
 * Switchyard is bound by its main thread while V8 compiles and collects on others.
 * With `profile`, node writes a perf map (`--perf-basic-prof`) so that the JIT-compiled functions
 * in the counts can be named (summariseCallgrind).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isChildMessage } from './protocol.js';
import { track } from './processes.js';

export interface CallgrindServer {
  readonly pid: number;
  readonly urls: Record<string, string>;
  /** Starts counting, from zero. */
  start(): void;
  /** Stops counting and writes the counts, one file per thread and window. */
  stop(): Promise<CountedWindow>;
  kill(): void;
}

export interface CountedWindow {
  /** Instructions per thread, the main thread first. */
  perThread: number[];
  /** The main thread's counts file (summariseCallgrind reads it). */
  mainThreadFile: string;
}

export function assertValgrindInstalled(): void {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('valgrind is not installed (Debian: apt-get install -y valgrind)');
  }
}

/** Starts `script` under callgrind, its counts written to `dir/<name>.<pid>…`; resolves when it is ready. */
export async function startUnderCallgrind(
  name: string,
  script: string,
  env: Record<string, string>,
  dir: string,
  profile: boolean,
): Promise<CallgrindServer> {
  const args = [
    '--tool=callgrind',
    '--instr-atstart=no',
    '--separate-threads=yes',
    // V8 writes and then runs machine code: valgrind must watch for it.
    '--smc-check=all-non-file',
    `--callgrind-out-file=${join(dir, `${name}.%p`)}`,
    process.execPath,
    ...(profile ? ['--perf-basic-prof'] : []),
    script,
  ];
  const child: ChildProcess = spawn('valgrind', args, {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, ...env },
  });
  track(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
  const urls = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: not ready under valgrind in 120 s`)), 120_000);
    child.on('message', (message) => {
      if (isChildMessage(message) && message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.urls);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited under valgrind (${code}):\n${stderr}`));
    });
  });
  const pid = child.pid as number;
  const control = (...command: string[]) =>
    execFileSync('callgrind_control', [...command, String(pid)], { stdio: 'ignore' });
  let window = 0;
  return {
    pid,
    urls,
    start() {
      control('--zero');
      control('--instr=on');
    },
    async stop() {
      control('--instr=off');
      control('--dump');
      window++;
      // Each dump is a numbered part, one file per thread: `<name>.<pid>.<part>-<thread>`.
      const prefix = `${name}.${pid}.${window}-`;
      // The process writes the dump itself, as it gets to it.
      for (let tries = 0; tries < 100; tries++) {
        const files = (await readdir(dir)).filter((file) => file.startsWith(prefix)).sort();
        if (files.length > 0) {
          const perThread = await Promise.all(files.map((file) => fileTotal(join(dir, file))));
          return { perThread, mainThreadFile: join(dir, files[0] as string) };
        }
        await sleep(100);
      }
      throw new Error(`${name}: callgrind wrote no counts`);
    },
    kill: () => child.kill('SIGKILL'),
  };
}

async function fileTotal(path: string): Promise<number> {
  const text = await readFile(path, 'utf8');
  const match = /^totals:\s+(\d+)/m.exec(text) ?? /^summary:\s+(\d+)/m.exec(text);
  return match ? Number(match[1]) : 0;
}

/**
 * The functions that executed most instructions (self, per request), JIT-compiled ones named from
 * node's perf map: a deterministic profile. `callgrind_annotate` ships with valgrind.
 */
export async function summariseCallgrind(
  countsFile: string,
  pid: number,
  requests: number,
  limit = 40,
): Promise<{ name: string; perRequest: number }[]> {
  const map = await readPerfMap(`/tmp/perf-${pid}.map`);
  const text = execFileSync('callgrind_annotate', ['--threshold=100', countsFile], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const totals = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^\s*([\d,]+) \([^)]*\)\s+(.*)$/.exec(line);
    if (!match || (match[2] as string).includes('PROGRAM TOTALS')) continue;
    const count = Number((match[1] as string).replaceAll(',', ''));
    const name = functionName(match[2] as string, map);
    totals.set(name, (totals.get(name) ?? 0) + count);
  }
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, count]) => ({ name, perRequest: count / requests }));
}

export interface PerfMap {
  starts: number[];
  entries: { start: number; size: number; name: string }[];
}

async function readPerfMap(path: string): Promise<PerfMap> {
  try {
    return parsePerfMap(await readFile(path, 'utf8'));
  } catch {
    // No map (profile off): JIT-compiled code stays an address.
    return parsePerfMap('');
  }
}

/** node's perf map (`--perf-basic-prof`): `<start> <size> <name>` per line, hexadecimal. */
export function parsePerfMap(text: string): PerfMap {
  const entries = text
    .split('\n')
    .map((line) => /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({
      start: parseInt(match[1] as string, 16),
      size: parseInt(match[2] as string, 16),
      name: match[3] as string,
    }))
    .sort((a, b) => a.start - b.start);
  return { starts: entries.map((entry) => entry.start), entries };
}

/**
 * A function as callgrind_annotate names it, made readable: code it has no symbols for is
 * `???:0x<address>`, looked up in the perf map; the rest loses its `???:` and `[object file]`.
 */
export function functionName(raw: string, map: PerfMap): string {
  const address = /^\?\?\?:0x([0-9a-f]+)/.exec(raw);
  if (!address) return raw.replace(/\s*\[.*$/, '').replace('???:', '');
  const at = parseInt(address[1] as string, 16);
  let low = 0;
  let high = map.starts.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if ((map.starts[mid] as number) <= at) low = mid + 1;
    else high = mid - 1;
  }
  const entry = map.entries[high];
  return entry && at < entry.start + entry.size
    ? entry.name.replace(/file:\/\/\S*?\/(?=core|plugins|bench)/, '')
    : raw;
}
