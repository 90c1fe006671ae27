/**
 * Single-flight: concurrent identical cacheable requests make one upstream call. In a process,
 * the first request leads and the others await its flight. Across instances sharing a store,
 * the leaders race for a lock (`setIfAbsent`); the loser polls the store for the entry until the
 * lock goes away. Every wait is bounded: after `timeoutMs` a follower proceeds on its own, and a
 * leader that died leaves a lock that expires after the same time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CacheBackend } from './backend.js';

export interface Flight<T> {
  readonly promise: Promise<T | undefined>;
  /** Hands the answer (or undefined: the leader has none to share) to every follower. Idempotent. */
  settle(answer: T | undefined): void;
}

export class SingleFlight<T> {
  private readonly flights = new Map<string, Flight<T>>();

  /** The flight already under way for `key`, if any. */
  find(key: string): Flight<T> | undefined {
    return this.flights.get(key);
  }

  /**
   * Starts the flight for `key`; the caller leads it and must settle it. A flight its leader
   * never settles (a stream nobody read) settles empty after `maxMs`, so it cannot block the key.
   */
  start(key: string, maxMs: number): Flight<T> {
    let resolve!: (answer: T | undefined) => void;
    const promise = new Promise<T | undefined>((done) => (resolve = done));
    let settled = false;
    const flight: Flight<T> = {
      promise,
      settle: (answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (this.flights.get(key) === flight) this.flights.delete(key);
        resolve(answer);
      },
    };
    const timer = setTimeout(() => flight.settle(undefined), maxMs);
    timer.unref();
    this.flights.set(key, flight);
    return flight;
  }

  get size(): number {
    return this.flights.size;
  }
}

function aborted(signal: AbortSignal): never {
  throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/** The flight's answer, or undefined after `timeoutMs`; rejects when `signal` aborts. */
export async function waitForFlight<T>(
  promise: Promise<T | undefined>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<T | undefined> {
  if (signal.aborted) aborted(signal);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<undefined>((resolve, reject) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
    onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, stop]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

export interface PollOptions<T> {
  backend: CacheBackend;
  entryKey: string;
  lockKey: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Turns stored text into an answer (undefined when unusable). */
  read(text: string): T | undefined;
  /** First pause between polls; doubles up to `maxIntervalMs`. */
  intervalMs?: number;
  maxIntervalMs?: number;
}

/**
 * Waits for another instance's flight: polls the entry until it appears, the lock is released
 * (its leader finished without an entry, or died and the lock expired) or time runs out.
 */
export async function pollForEntry<T>(options: PollOptions<T>): Promise<T | undefined> {
  const { backend, signal } = options;
  const deadline = Date.now() + options.timeoutMs;
  let interval = options.intervalMs ?? 2;
  const maxInterval = options.maxIntervalMs ?? 50;
  const readEntry = async (): Promise<T | undefined> => {
    const text = await backend.get(options.entryKey);
    return text === undefined ? undefined : options.read(text);
  };
  while (Date.now() < deadline) {
    try {
      await sleep(Math.min(interval, Math.max(1, deadline - Date.now())), undefined, { signal });
    } catch {
      aborted(signal);
    }
    interval = Math.min(maxInterval, interval * 2);
    const answer = await readEntry();
    if (answer !== undefined) return answer;
    if (!(await backend.locked(options.lockKey))) return readEntry();
  }
  return undefined;
}
