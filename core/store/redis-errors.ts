import { SwitchyardError } from '../errors/switchyard-error.js';
import { StoreUnavailableError } from './store-unavailable-error.js';

// Replies that mean "Redis is there but cannot serve now" (starting up, failing over, a script
// stuck, out of memory): the store is unavailable, not broken.
const UNAVAILABLE_REPLIES = new Set([
  'LOADING',
  'READONLY',
  'MASTERDOWN',
  'CLUSTERDOWN',
  'TRYAGAIN',
  'BUSY',
  'NOREPLICAS',
  'MISCONF',
  'OOM',
]);

/**
 * Maps what ioredis throws onto Switchyard errors. Anything that is not a Redis reply comes from
 * the connection (refused, reset, timed out, offline, closed): StoreUnavailableError. Other
 * replies mean a bug (wrong type, script error): SY_ERR_INTERNAL. Our own errors pass through.
 */
export function translateRedisError(operation: string, error: unknown): Error {
  if (error instanceof RangeError || SwitchyardError.isInstance(error)) return error;
  const cause = error instanceof Error ? error : new Error(String(error));
  if (cause.name === 'ReplyError') {
    const word = cause.message.split(' ', 1)[0] ?? '';
    if (UNAVAILABLE_REPLIES.has(word))
      return new StoreUnavailableError(`redis ${operation}: ${cause.message}`, cause);
    return new SwitchyardError('SY_ERR_INTERNAL', `redis ${operation} failed: ${cause.message}`, { cause });
  }
  return new StoreUnavailableError(`redis ${operation}: ${cause.message}`, cause);
}

export function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
