/**
 * An upstream response body fed straight from undici's HTTP/1 parser (the dispatch handler in
 * http-client.ts) to one consumer, with no Node stream in between.
 *
 * undici's `request()` wraps every body in a Readable: a stream object per response, its buffer
 * and flowing-mode machinery per chunk, an async resource, and events for every consumer's
 * listeners. A gateway reads each body exactly once, from one place. Handing the parser's chunks
 * to one sink costs about 10–13 µs less per request on the bare proxy (docs/benchmarks.md,
 * "Seventh session").
 *
 * Backpressure is kept: while the consumer is paused, reads are buffered up to a high-water mark
 * (as a Readable buffers up to its own), then the parser stops reading the socket until
 * `resume()`.
 */
import { prematureClose } from './read-body.js';

/** Where a body's parts go; exactly one of `end` and `error` ends it. */
export interface BodySink {
  data(part: Buffer): void;
  end(): void;
  error(error: unknown): void;
}

/** What the body asks of the HTTP client: drop the connection, or read the socket again. */
export interface UpstreamControl {
  abort(reason: unknown): void;
  resume(): void;
}

/** undici's own default for a response body: what a Readable would buffer before it pushed back. */
const HIGH_WATER_BYTES = 64 * 1024;

export class UpstreamBody {
  #sink: BodySink | undefined = undefined;
  readonly #parts: Buffer[] = [];
  #buffered = 0;
  #paused = false;
  /** The parser was told to stop reading; `resume` must wake it. */
  #upstreamPaused = false;
  /** The whole body arrived (maybe not yet delivered). */
  #complete = false;
  /** A failure waiting for a consumer. */
  #failure: { error: unknown } | undefined = undefined;
  /** Delivery is over: ended, failed or destroyed. Nothing is delivered after this. */
  #over = false;
  /** The connection is done with this body (its close callbacks ran); the parser has no more. */
  #closed = false;
  #destroyed = false;
  #onClose: (() => void)[] | undefined = undefined;

  constructor(private readonly control: UpstreamControl) {}

  /** Dropped by `destroy()`, or by a failure. */
  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** Starts delivery to `sink`: what arrived so far, then the rest as it comes. Once per body. */
  consume(sink: BodySink): void {
    if (this.#sink !== undefined) throw new Error('An upstream body has one consumer.');
    this.#sink = sink;
    this.#flush();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#flush();
  }

  /**
   * Drops the rest of the body and, unless it had fully arrived, its connection. A consumer still
   * reading hears `reason`, or a premature close.
   */
  destroy(reason?: unknown): void {
    if (this.#closed) {
      // A failure still waiting for its consumer is dropped with the body.
      this.#failure = undefined;
      return;
    }
    this.#destroyed = true;
    this.#parts.length = 0;
    this.#buffered = 0;
    const error = reason ?? prematureClose();
    if (!this.#complete) this.control.abort(error);
    this.#finish({ error });
  }

  /** Runs `fn` once the body is over (ended, failed or destroyed); at once if it already is. */
  onClose(fn: () => void): void {
    if (this.#closed) fn();
    else (this.#onClose ??= []).push(fn);
  }

  /** From the parser: one read of the body. False asks the parser to stop reading. */
  push(part: Buffer): boolean {
    if (this.#closed) return true;
    if (this.#sink !== undefined && !this.#paused && this.#parts.length === 0) {
      // A consumer that pauses now gets what follows buffered here, up to the high-water mark:
      // stopping the parser at every read would cost a pause and a resume per read.
      this.#sink.data(part);
      return true;
    }
    this.#parts.push(part);
    this.#buffered += part.length;
    if (this.#buffered < HIGH_WATER_BYTES) return true;
    this.#upstreamPaused = true;
    return false;
  }

  /** From the parser: the body arrived whole. */
  complete(): void {
    if (this.#closed) return;
    this.#complete = true;
    this.#flush();
  }

  /** From the parser: the body failed; what was buffered is dropped, as a Readable does. */
  fail(error: unknown): void {
    if (this.#closed) return;
    this.#destroyed = true;
    this.#parts.length = 0;
    this.#buffered = 0;
    if (this.#sink === undefined) {
      this.#failure = { error };
      this.#close();
      return;
    }
    this.#finish({ error });
  }

  #flush(): void {
    const sink = this.#sink;
    if (sink === undefined) return;
    if (this.#failure !== undefined) {
      const { error } = this.#failure;
      this.#failure = undefined;
      this.#over = true;
      sink.error(error);
      return;
    }
    while (!this.#paused && !this.#over && this.#parts.length > 0) {
      const part = this.#parts.shift() as Buffer;
      this.#buffered -= part.length;
      sink.data(part);
    }
    if (this.#over || this.#parts.length > 0) return;
    if (this.#complete) {
      if (!this.#paused) this.#finish(undefined);
    } else if (this.#upstreamPaused) {
      // Nothing is buffered any more: the parser may read again, even for a consumer that paused.
      this.#upstreamPaused = false;
      this.control.resume();
    }
  }

  /** Ends delivery: `end` without a failure, else `error`; then the close callbacks. */
  #finish(failure: { error: unknown } | undefined): void {
    const sink = this.#sink;
    this.#over = true;
    if (sink !== undefined) {
      if (failure === undefined) sink.end();
      else sink.error(failure.error);
    }
    this.#close();
  }

  #close(): void {
    this.#closed = true;
    const callbacks = this.#onClose;
    this.#onClose = undefined;
    if (callbacks !== undefined) for (const fn of callbacks) fn();
  }
}
