/**
 * Tracks in-flight requests so close() can drain them: stop taking new ones, wait for those
 * running (streams included) up to a grace period, then abort what is left.
 */
import { LiveSet } from '../live-set.js';

/** What the tracker can abort: an AbortController, or a request's RequestAbort. */
export interface Abortable {
  abort(reason?: unknown): void;
}

export class InflightTracker {
  // Not a Set: members come and go at request rate (../live-set.ts).
  private readonly running = new LiveSet<Abortable>();
  private idle: (() => void) | undefined;
  closing = false;

  /** Registers a request that aborts through `request` (no closure made per request). */
  add(request: Abortable): void {
    this.running.add(request);
  }

  /** Ends what `add` registered. */
  remove(request: Abortable): void {
    this.running.delete(request);
    if (this.running.size === 0) this.idle?.();
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves when no request is running, or after `graceMs` (then aborting the stragglers). */
  async drain(graceMs: number): Promise<void> {
    this.closing = true;
    if (this.running.size === 0) return;
    const idle = new Promise<void>((resolve) => (this.idle = resolve));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)),
    );
    const outcome = await Promise.race([idle, timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      for (const controller of this.running.snapshot()) controller.abort(new Error('gateway closed'));
      await Promise.race([idle, new Promise((resolve) => setTimeout(resolve, 1_000))]);
    }
  }
}
