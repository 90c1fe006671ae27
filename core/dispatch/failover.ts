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
import { abortedError, attemptError, recordAttempt } from './attempt-error.js';
import { backoffMs, sleep } from './timing.js';
import { realSignal, type SignalLike } from '../request-abort.js';

/** Watches one attempt (a trace span, a circuit breaker): made before the call, told how it ended. */
export interface AttemptObserver {
  succeeded(): void;
  /** `signal` is the attempt's: an attempt cut by the client or the deadline says nothing about the provider. */
  failed(error: unknown, signal: SignalLike): void;
}

export interface FailoverInput<
  T,
  S extends SignalLike = AbortSignal,
  O extends AttemptObserver = AttemptObserver,
> {
  candidates: readonly Candidate[];
  policy: Required<FailoverConfig>;
  /**
   * Aborted when the client leaves: the request's AbortSignal, or (the route stage) its
   * RequestAbort, which makes no AbortSignal unless one is needed.
   */
  signal: S;
  /**
   * Aborts `signal`. When given, the deadline aborts the request's own signal (one timer for the
   * whole run) rather than a controller made for every attempt.
   */
  abortRequest?: (reason: unknown) => void;
  /** When the request arrived; the deadline counts from here. */
  startedAt: number;
  now: () => number;
  attempts: Attempt[];
  /**
   * Makes one attempt. Its signal aborts on client disconnect, and on the deadline until it
   * resolves: `signal` itself when the deadline aborts the request (`abortRequest`), else one
   * made for the attempt. `last` says no attempt can follow this one (the last candidate with
   * its retries spent, or `maxAttempts` reached): what it answers, or how it fails, is the outcome.
   */
  call(candidate: Candidate, signal: S | AbortSignal, observer: O | undefined, last: boolean): Promise<T>;
  /**
   * Starts watching an attempt, just before `call` (which gets what it returns): told when the
   * attempt succeeded or failed. Here rather than in `call`, so that `call` need not be an async
   * function of its own to see its attempt end.
   */
  observe?(candidate: Candidate): O;
}

export interface FailoverResult<T> {
  value: T;
  candidate: Candidate;
}

export async function runWithFailover<
  T,
  S extends SignalLike = AbortSignal,
  O extends AttemptObserver = AttemptObserver,
>(input: FailoverInput<T, S, O>): Promise<FailoverResult<T>> {
  const { candidates, policy, signal, now, attempts } = input;
  if (candidates.length === 0) {
    throw new SwitchyardError(
      'SY_ERR_ROUTING_NO_CANDIDATES',
      'No provider in the routing plan can serve this request.',
    );
  }
  const deadlineAt = input.startedAt + policy.deadlineMs;
  let lastError: SwitchyardError | undefined;
  let deadline: ReturnType<typeof requestDeadline> | undefined;
  // One async function, not one per loop: the whole run settles the deadline on its way out.
  try {
    outer: for (let index = 0; index < candidates.length; index++) {
      const candidate = candidates[index] as Candidate;
      const lastCandidate = index === candidates.length - 1;
      for (let retry = 0; retry <= policy.retriesPerCandidate; retry++) {
        if (attempts.length >= policy.maxAttempts) break outer;
        if (retry > 0 && lastError) {
          const wait = retryWait(lastError, retry, policy);
          // A Retry-After beyond the cap, or past the deadline, means: give up on this candidate.
          if (wait === undefined || now() + wait >= deadlineAt) continue outer;
          try {
            await sleep(wait, realSignal(signal));
          } catch {
            throw abortedError(signal);
          }
        }
        if (now() >= deadlineAt) break outer;

        const startedAt = now();
        const attempt = input.abortRequest
          ? (deadline ??= requestDeadline(input.abortRequest, deadlineAt - startedAt))
          : startAttempt(signal, deadlineAt - startedAt);
        const attemptSignal = attempt.signal ?? signal;
        let observer: O | undefined;
        try {
          observer = input.observe?.(candidate);
          const last =
            attempts.length + 1 >= policy.maxAttempts ||
            (lastCandidate && retry === policy.retriesPerCandidate);
          const value = await input.call(candidate, attemptSignal, observer, last);
          observer?.succeeded();
          attempt.settle();
          recordAttempt(attempts, candidate.entry.provider, candidate.entry.model, startedAt, now());
          return { value, candidate };
        } catch (thrown) {
          observer?.failed(thrown, attemptSignal);
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
      throw new SwitchyardError(
        'SY_ERR_DEADLINE_EXCEEDED',
        'The request deadline passed before any attempt.',
      );
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
  } finally {
    deadline?.settle();
  }
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

const DEADLINE = () => new SwitchyardError('SY_ERR_DEADLINE_EXCEEDED', 'The request deadline passed.');

/**
 * The deadline of the whole run on the request's own signal: one timer, cleared once an attempt
 * succeeded (a committed stream then runs on, bounded by the provider's idle timeout).
 */
function requestDeadline(abortRequest: (reason: unknown) => void, remainingMs: number) {
  const timer = setTimeout(() => abortRequest(DEADLINE()), Math.max(0, remainingMs));
  timer.unref();
  return {
    signal: undefined,
    settle: () => clearTimeout(timer),
    // A failed attempt leaves the deadline running for the next one.
    dispose: () => undefined,
  };
}

/**
 * One attempt's signal: follows the client's signal always, and the deadline until the attempt
 * settles (a committed stream then runs on, bounded by the provider's idle timeout).
 */
function startAttempt(client: SignalLike, remainingMs: number) {
  const controller = new AbortController();
  const onClientAbort = () => controller.abort(client.reason);
  client.addEventListener('abort', onClientAbort, { once: true });
  const timer = setTimeout(
    () => controller.abort(new SwitchyardError('SY_ERR_DEADLINE_EXCEEDED', 'The request deadline passed.')),
    Math.max(0, remainingMs),
  );
  timer.unref();
  return {
    signal: controller.signal as AbortSignal | undefined,
    settle: () => clearTimeout(timer),
    dispose: () => {
      clearTimeout(timer);
      client.removeEventListener('abort', onClientAbort);
    },
  };
}
