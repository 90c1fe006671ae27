import { SwitchyardError, toSwitchyardError } from '../errors/switchyard-error.js';
import type { Attempt } from '../context.js';
import type { SignalLike } from '../request-abort.js';

/**
 * Normalises what an attempt threw. An abort caused by the client or the deadline is reported as
 * such, whatever the provider made of it.
 */
export function attemptError(error: unknown, clientSignal: SignalLike, deadlineAt: number, now: number) {
  if (clientSignal.aborted) return abortedError(clientSignal, error);
  if (now >= deadlineAt && !(SwitchyardError.isInstance(error) && error.code !== 'SY_ERR_UPSTREAM_TIMEOUT')) {
    return new SwitchyardError(
      'SY_ERR_DEADLINE_EXCEEDED',
      'The request deadline passed before a provider answered.',
      {
        cause: error,
      },
    );
  }
  return toSwitchyardError(error);
}

export function recordAttempt(
  attempts: Attempt[],
  provider: string,
  model: string,
  startedAt: number,
  now: number,
  error?: SwitchyardError,
): void {
  attempts.push({
    provider,
    model,
    startedAt,
    durationMs: now - startedAt,
    outcome: error ? 'error' : 'ok',
    ...(error && {
      error: { code: error.code, status: error.status, message: error.message, retryable: error.retryable },
    }),
  });
}

/** Why the request's signal fired: the deadline (when the dispatcher aborted it), else the client. */
export function abortedError(signal: SignalLike, cause?: unknown): SwitchyardError {
  const reason: unknown = signal.reason;
  if (SwitchyardError.isInstance(reason) && reason.code === 'SY_ERR_DEADLINE_EXCEEDED') {
    return new SwitchyardError(
      'SY_ERR_DEADLINE_EXCEEDED',
      'The request deadline passed before a provider answered.',
      {
        cause: cause ?? reason,
      },
    );
  }
  return new SwitchyardError('SY_ERR_CLIENT_CLOSED', 'The client closed the connection.', { cause });
}
