import { SwitchyardError } from '../errors/switchyard-error.js';

/**
 * The shared-state store could not answer in bounded time (Redis down, unreachable, hung, or the
 * store closed). Status 503: the gateway is degraded, not the client wrong. Not retryable for
 * failover, since another provider would meet the same store.
 */
export class StoreUnavailableError extends SwitchyardError {
  constructor(message: string, cause?: unknown) {
    super('SY_ERR_STORE_UNAVAILABLE', message, { cause });
    this.name = 'StoreUnavailableError';
  }
}
