import { setTimeout as delay } from 'node:timers/promises';

/** Full-jitter exponential backoff: a random wait in [0, min(max, base × 2^retry)). */
export function backoffMs(
  retry: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Sleeps, waking early (rejecting) when the signal aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return;
  await delay(ms, undefined, { signal });
}
