import { EventEmitter } from 'node:events';

/**
 * One signal per upstream call that fires on the caller's abort or on the total timeout, and
 * remembers which of the two it was so the failure can be reported correctly.
 *
 * Hand-rolled rather than AbortSignal.any so the caller listener and the timer are released the
 * moment the call ends, instead of living as long as the caller's signal. And an EventEmitter
 * rather than an AbortController: undici takes either, and on Node 20 creating an AbortSignal
 * costs about 4 µs, an EventEmitter about 0.2 µs — on every upstream call.
 */
export class CallSignal extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}

export interface AbortScope {
  readonly signal: CallSignal;
  /** The caller gave up (client gone, deadline, gateway shutdown). */
  readonly callerAborted: boolean;
  readonly callerReason: unknown;
  /** The total timeout fired first. */
  readonly timedOut: boolean;
  /** Idempotent; stops the timer and detaches from the caller's signal. */
  dispose(): void;
}

export function createAbortScope(caller: AbortSignal, totalMs: number): AbortScope {
  const controller = new CallSignal();
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
    signal: controller,
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
