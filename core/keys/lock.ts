import { randomUUID } from 'node:crypto';
import { SwitchyardError } from '../errors/switchyard-error.js';
import type { StateStore } from '../store/index.js';

/**
 * Runs `work` while holding a short lock in the store (setIfAbsent + compare-and-delete), for
 * the rare read-modify-write of shared lists. Gives up after `waitMs`.
 */
export async function withLock<T>(
  store: StateStore,
  name: string,
  work: () => Promise<T>,
  waitMs = 5_000,
): Promise<T> {
  const token = randomUUID();
  const deadline = Date.now() + waitMs;
  while (!(await store.setIfAbsent(name, token, 10_000))) {
    if (Date.now() > deadline) {
      throw new SwitchyardError('SY_ERR_STORE_UNAVAILABLE', `Could not take the lock ${name} in time.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
  }
  try {
    return await work();
  } finally {
    await store.delete(name, token);
  }
}
