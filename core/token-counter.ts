/**
 * Token counts off the main event loop: a worker thread (core/token-count-worker.ts) loads the
 * encodings and counts, so neither the first load of an encoding (about 0.3 s for o200k_base)
 * nor a long prompt pauses the requests in flight.
 *
 * Lifecycle: one worker per process, started by the first count. It is unref'd while idle, so it
 * never keeps a process alive, and ref'd while a count is pending, so a host awaiting one is not
 * cut short. Its heap holds the encodings it loaded.
 *
 * Fallback, so that no count is lost: counts pending when a worker dies are counted in the main
 * thread, and the next count starts a new worker. A worker that dies before it ever said ready
 * (its script missing, a thread that cannot load it) is not retried: the process counts in the
 * main thread from then on, as it did before the worker, and a warning says so.
 */
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CountReply, CountRequest } from './token-count-worker.js';
import { countTexts, type EncodingName } from './token-encodings.js';

export interface TokenCounter {
  /** One count per text, in order. Never rejects unless counting in the main thread fails too. */
  count(texts: string[], encoding: EncodingName): Promise<number[]>;
  /** Stops the worker; pending counts finish in the main thread, a later count starts a new one. */
  close(): Promise<void>;
}

export interface TokenCounterOptions {
  /** The worker script (tests point it at a missing file to see the fallback). */
  workerUrl?: URL;
  /** Told why counting moved to the main thread; a process warning by default. */
  warn?: (message: string) => void;
}

interface Pending {
  texts: string[];
  encoding: EncodingName;
  resolve: (counts: number[]) => void;
  reject: (error: unknown) => void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
  ready: boolean;
  stopping: boolean;
  error?: unknown;
}

// The same extension as this module: .js from dist/, .ts from source (tests, under tsx).
const WORKER_URL = new URL(`./token-count-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

function spawn(url: URL): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url);
  // From source: on Node 20 a worker gets no loader hooks (tsx registers its own in the main
  // thread only), so the thread registers tsx before it imports the TypeScript script.
  const boot = `import(${JSON.stringify(tsxApiUrl())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(boot, { eval: true });
}

/** tsx's ESM register API, found through its package's exports (its CommonJS twin is broken). */
function tsxApiUrl(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('tsx/package.json');
  const manifest = require(manifestPath) as { exports: { './esm/api': { import: { default: string } } } };
  return new URL(manifest.exports['./esm/api'].import.default, pathToFileURL(manifestPath)).href;
}

function countHere(entry: Pending): void {
  try {
    entry.resolve(countTexts(entry.texts, entry.encoding));
  } catch (error) {
    entry.reject(error);
  }
}

export function createTokenCounter(options: TokenCounterOptions = {}): TokenCounter {
  const url = options.workerUrl ?? WORKER_URL;
  const warn = options.warn ?? ((message: string) => process.emitWarning(message, 'SwitchyardWarning'));
  let current: Thread | undefined;
  let unavailable = false;
  let nextId = 0;

  function start(): Thread | undefined {
    let worker: Worker;
    try {
      worker = spawn(url);
    } catch (error) {
      unavailable = true;
      warn(`token counting runs in the main thread: the worker did not start (${String(error)})`);
      return undefined;
    }
    worker.unref();
    const thread: Thread = { worker, pending: new Map(), ready: false, stopping: false };
    worker.on('message', (reply: CountReply) => {
      if ('ready' in reply) {
        thread.ready = true;
        return;
      }
      const entry = thread.pending.get(reply.id);
      if (!entry) return;
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) worker.unref();
      if ('counts' in reply) entry.resolve(reply.counts);
      else countHere(entry);
    });
    // An uncaught error in the worker (or its script failing to load); the exit follows.
    worker.on('error', (error) => (thread.error = error));
    worker.on('exit', (code) => {
      if (current === thread) current = undefined;
      if (!thread.stopping) {
        const reason = thread.error === undefined ? `exit code ${code}` : String(thread.error);
        if (!thread.ready) unavailable = true;
        warn(
          thread.ready
            ? `the token-count worker stopped (${reason}); the next count starts another`
            : `token counting runs in the main thread: the worker did not start (${reason})`,
        );
      }
      const orphans = [...thread.pending.values()];
      thread.pending.clear();
      for (const entry of orphans) countHere(entry);
    });
    return thread;
  }

  return {
    count(texts, encoding) {
      // Nothing to count: no worker, no encoding.
      if (texts.every((text) => text.length === 0)) return Promise.resolve(texts.map(() => 0));
      return new Promise<number[]>((resolve, reject) => {
        const entry: Pending = { texts, encoding, resolve, reject };
        const thread = unavailable ? undefined : (current ??= start());
        if (!thread) return countHere(entry);
        const id = nextId++;
        thread.pending.set(id, entry);
        if (thread.pending.size === 1) thread.worker.ref();
        try {
          thread.worker.postMessage({ id, texts, encoding } satisfies CountRequest);
        } catch {
          thread.pending.delete(id);
          if (thread.pending.size === 0) thread.worker.unref();
          countHere(entry);
        }
      });
    },
    async close() {
      const thread = current;
      if (!thread) return;
      current = undefined;
      thread.stopping = true;
      await thread.worker.terminate();
    },
  };
}

let shared: TokenCounter | undefined;

/** The tokens of each text, counted in the process's token-count worker. */
export function countTokensOffThread(texts: string[], encoding: EncodingName): Promise<number[]> {
  shared ??= createTokenCounter();
  return shared.count(texts, encoding);
}
