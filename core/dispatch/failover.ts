/**
 * Failover: walks the routing plan until one candidate answers.
 *
 * - A retryable failure (the error's `retryable` flag, nothing else) moves on: to a retry of the
 *   same candidate when `retriesPerCandidate` allows, waiting its `Retry-After` (capped) or a
 *   jittered backoff, else straight to the next candidate (another provider need not wait).
 * - A non-retryable failure is returned at once.
 * - Every attempt, failed or not, is recorded; one overall deadline bounds them all.
 */
import type { FailoverConfig } from '../config/types.js';
import type { Attempt, Candidate } from '../context.js';
import { SwitchyardError } from '../errors/switchyard-error.js';
import { attemptError, recordAttempt } from './attempt-error.js';
import { backoffMs, sleep } from './timing.js';

export interface FailoverInput<T> {
  candidates: readonly Candidate[];
  policy: Required<FailoverConfig>;
  /** Aborted when the client leaves. */
  signal: AbortSignal;
  /** When the request arrived; the deadline counts from here. */
  startedAt: number;
  now: () => number;
  attempts: Attempt[];
  /** Makes one attempt. Its signal aborts on client disconnect, and on the deadline until it resolves. */
  call(candidate: Candidate, signal: AbortSignal): Promise<T>;
}

export interface FailoverResult<T> {
  value: T;
  candidate: Candidate;
}

export async function runWithFailover<T>(input: FailoverInput<T>): Promise<FailoverResult<T>> {
  const { candidates, policy, signal, now, attempts } = input;
  if (candidates.length === 0) {
    throw new SwitchyardError(
      'SY_ERR_ROUTING_NO_CANDIDATES',
      'No provider in the routing plan can serve this request.',
    );
  }
  const deadlineAt = input.startedAt + policy.deadlineMs;
  let lastError: SwitchyardError | undefined;

  outer: for (const candidate of candidates) {
    for (let retry = 0; retry <= policy.retriesPerCandidate; retry++) {
      if (attempts.length >= policy.maxAttempts) break outer;
      if (retry > 0 && lastError) {
        const wait = retryWait(lastError, retry, policy);
        // A Retry-After beyond the cap, or past the deadline, means: give up on this candidate.
        if (wait === undefined || now() + wait >= deadlineAt) continue outer;
        try {
          await sleep(wait, signal);
        } catch {
          throw new SwitchyardError('SY_ERR_CLIENT_CLOSED', 'The client closed the connection.');
        }
      }
      if (now() >= deadlineAt) break outer;

      const startedAt = now();
      const attempt = startAttempt(signal, deadlineAt - startedAt);
      try {
        const value = await input.call(candidate, attempt.signal);
        attempt.settle();
        recordAttempt(attempts, candidate.entry.provider, candidate.entry.model, startedAt, now());
        return { value, candidate };
      } catch (thrown) {
        attempt.dispose();
        const error = attemptError(thrown, signal, deadlineAt, now());
        recordAttempt(attempts, candidate.entry.provider, candidate.entry.model, startedAt, now(), error);
        if (error.code === 'SY_ERR_CLIENT_CLOSED' || error.code === 'SY_ERR_DEADLINE_EXCEEDED') throw error;
        if (!error.retryable) throw error;
        lastError = error;
      }
    }
  }

  if (!lastError) {
    throw new SwitchyardError('SY_ERR_DEADLINE_EXCEEDED', 'The request deadline passed before any attempt.');
  }
  if (now() >= deadlineAt) {
    throw new SwitchyardError(
      'SY_ERR_DEADLINE_EXCEEDED',
      `The request deadline passed after ${attempts.length} attempt(s); last error: ${lastError.message}`,
      { cause: lastError },
    );
  }
  throw new SwitchyardError(
    lastError.code,
    `All ${attempts.length} attempt(s) failed; last error: ${lastError.message}`,
    { status: lastError.status, retryable: false, retryAfterMs: lastError.retryAfterMs, cause: lastError },
  );
}

function retryWait(
  error: SwitchyardError,
  retry: number,
  policy: Required<FailoverConfig>,
): number | undefined {
  if (error.retryAfterMs !== undefined) {
    return error.retryAfterMs > policy.retryAfterCapMs ? undefined : error.retryAfterMs;
  }
  return backoffMs(retry, policy.backoffBaseMs, policy.backoffMaxMs);
}

/**
 * One attempt's signal: follows the client's signal always, and the deadline until the attempt
 * settles (a committed stream then runs on, bounded by the provider's idle timeout).
 */
function startAttempt(client: AbortSignal, remainingMs: number) {
  const controller = new AbortController();
  const onClientAbort = () => controller.abort(client.reason);
  client.addEventListener('abort', onClientAbort, { once: true });
  const timer = setTimeout(
    () => controller.abort(new SwitchyardError('SY_ERR_DEADLINE_EXCEEDED', 'The request deadline passed.')),
    Math.max(0, remainingMs),
  );
  timer.unref();
  return {
    signal: controller.signal,
    settle: () => clearTimeout(timer),
    dispose: () => {
      clearTimeout(timer);
      client.removeEventListener('abort', onClientAbort);
    },
  };
}
