/** Runs the real `switchyard` CLI in a child process (through tsx), for shutdown and reload tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface CliProcess {
  child: ChildProcess;
  /** Every stdout line parsed as JSON (pino), in order; non-JSON lines are kept as `{ raw }`. */
  readonly lines: Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the first log line matching `test` (rejects after `timeoutMs`). */
  waitForLine(
    test: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  kill(): void;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  let buffered = '';
  let errors = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    buffered += text;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ raw: line });
      }
    }
    for (const wake of waiters) wake();
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (errors += text));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child,
    lines,
    stderr: () => errors,
    exited,
    kill: () => void (child.exitCode === null && child.kill('SIGKILL')),
    waitForLine(test, timeoutMs = 10_000) {
      return new Promise((resolveLine, reject) => {
        const check = () => {
          const found = lines.find(test);
          if (!found) return;
          cleanup();
          resolveLine(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching log line in ${timeoutMs} ms; stderr: ${errors}`));
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(new Error(`the CLI exited before the line; stderr: ${errors}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
          child.off('exit', onExit);
        };
        waiters.add(check);
        child.once('exit', onExit);
        check();
      });
    },
  };
}
