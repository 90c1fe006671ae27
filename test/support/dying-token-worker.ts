/**
 * A token-count worker that says ready, then dies on its first request: the counter must count
 * in the main thread what was pending and start another worker (test/core/token-counter.test.ts).
 */
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', () => process.exit(3));
parentPort?.postMessage({ ready: true });
