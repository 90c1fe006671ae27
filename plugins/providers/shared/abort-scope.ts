/**
 * One signal per upstream call that fires on the caller's abort or on the total timeout, and
 * remembers which of the two it was so the failure can be reported correctly.
 *
 * Hand-rolled rather than AbortSignal.any so the caller listener and the timer are released the
 * moment the call ends, instead of living as long as the caller's signal.
 */
export interface AbortScope {
  readonly signal: AbortSignal;
  /** The caller gave up (client gone, deadline, gateway shutdown). */
  readonly callerAborted: boolean;
  readonly callerReason: unknown;
  /** The total timeout fired first. */
  readonly timedOut: boolean;
  /** Idempotent; stops the timer and detaches from the caller's signal. */
  dispose(): void;
}

export function createAbortScope(caller: AbortSignal, totalMs: number): AbortScope {
  const controller = new AbortController();
  let timedOut = false;
  let disposed = false;
  const onCallerAbort = (): void => controller.abort(caller.reason);
  let timer: NodeJS.Timeout | undefined;

  if (caller.aborted) {
    controller.abort(caller.reason);
  } else {
    caller.addEventListener('abort', onCallerAbort, { once: true });
    if (totalMs > 0) {
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new Error(`total timeout of ${totalMs} ms`));
      }, totalMs);
      // The socket keeps the process alive while the call is live; the timer alone must not.
      timer.unref();
    }
  }

  return {
    signal: controller.signal,
    get callerAborted() {
      return caller.aborted && !timedOut;
    },
    get callerReason() {
      return caller.reason;
    },
    get timedOut() {
      return timedOut;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      if (timer !== undefined) clearTimeout(timer);
      caller.removeEventListener('abort', onCallerAbort);
    },
  };
}
