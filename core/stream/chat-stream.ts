/**
 * A streamed answer with the stages' work attached as synchronous hooks instead of one async
 * generator per stage.
 *
 * Every stage that watches a stream (commit, tracing, policy statistics, budgets, accounting,
 * host events) used to wrap it in its own async generator: five promise hops per chunk, per
 * request, before the writer saw it. Here the writer pulls a *batch* (every chunk one upstream
 * read carried) and each hook runs over it in a plain loop, so a stream costs a few awaits per
 * network read instead of several per chunk.
 *
 * It is still an `AsyncIterable<ChatCompletionChunk>`: a third-party stage may keep wrapping
 * `ctx.stream` in a generator, and `ChatStream.from` turns any such iterable back into one.
 *
 * Semantics, as with nested generators: hooks run in the order they were added (innermost stage
 * first), so a hook sees what the hooks before it produced. An error from the source or from hook
 * `i` passes through the `error` mappers of the hooks after `i`. At a clean end the `end` hooks
 * run in order, and what one adds passes through the hooks after it. Then every `finally` hook
 * runs with the outcome — `ok`, `error` or `closed` (the consumer left early, or a failure says
 * the client went away: SY_ERR_CLIENT_CLOSED) — and the stream reports its end only after they
 * all settled.
 */
import type { ChatCompletionChunk } from '../types/openai.js';
import { isClientClosed } from '../errors/switchyard-error.js';
import { StreamChunk } from './stream-chunk.js';

export type StreamOutcome = 'ok' | 'error' | 'closed';

export interface StreamHooks {
  /**
   * Each chunk, in order. Returns it, a replacement (`StreamChunk.of`), several, or `[]` to drop
   * it. Runs on the stream's hot path: keep it cheap, and read `piece.chunk` only when needed.
   */
  chunk?(piece: StreamChunk): StreamChunk | readonly StreamChunk[];
  /**
   * The stream ended cleanly: throw if the answer is incomplete; return chunks to add at the end.
   * May be async (a usage chunk counted off the main thread): the end waits for it.
   */
  end?(): readonly StreamChunk[] | void | Promise<readonly StreamChunk[] | void>;
  /** Maps a failure from the source or an earlier hook; returns what to throw instead. */
  error?(error: unknown): unknown;
  /** The stream is over. May be async: the stream's end waits for it. */
  finally?(outcome: StreamOutcome, error: unknown): void | Promise<void>;
}

/** Where chunks come from: batches in order, `undefined` at the clean end. */
export interface ChunkSource {
  pull(): Promise<readonly StreamChunk[] | undefined>;
  /** Stops early and releases the upstream; idempotent. */
  cancel(): void;
}

/** A failure raised by hook `origin` (-1: the source). */
class HookFailure {
  constructor(
    readonly error: unknown,
    readonly origin: number,
  ) {}
}

export class ChatStream implements AsyncIterable<ChatCompletionChunk> {
  readonly #source: ChunkSource;
  readonly #hooks: StreamHooks[] = [];
  #readAhead: StreamChunk[] = [];
  #state: 'open' | 'ended' | 'done' = 'open';

  constructor(source: ChunkSource) {
    this.#source = source;
  }

  /** `stream` as a ChatStream: itself when it is one, else adapted chunk by chunk. */
  static from(stream: AsyncIterable<ChatCompletionChunk>): ChatStream {
    return stream instanceof ChatStream ? stream : new ChatStream(iterableSource(stream));
  }

  /** A stream of chunks already known (a cached answer): one batch. */
  static ofChunks(chunks: readonly ChatCompletionChunk[]): ChatStream {
    let sent = false;
    return new ChatStream({
      pull: async () => {
        if (sent) return undefined;
        sent = true;
        return chunks.map((chunk) => StreamChunk.of(chunk));
      },
      cancel: () => undefined,
    });
  }

  /** Adds hooks after the ones already there (an outer stage). */
  use(hooks: StreamHooks): this {
    this.#hooks.push(hooks);
    return this;
  }

  /**
   * Reads ahead, without running hooks, until `found` says yes (true) or the source ended
   * (false). What was read is replayed through the hooks later. Errors are thrown as they come.
   */
  async peekUntil(found: (piece: StreamChunk) => boolean): Promise<boolean> {
    while (true) {
      const batch = await this.#source.pull();
      if (batch === undefined) {
        return false;
      }
      // The first batch is copied whole (one array of the right size, not one grown piece by piece).
      if (this.#readAhead.length === 0) this.#readAhead = batch.slice();
      else for (const piece of batch) this.#readAhead.push(piece);
      for (const piece of batch) if (found(piece)) return true;
    }
  }

  /** Stops reading the source (before anyone consumed the stream). */
  cancel(): void {
    this.#source.cancel();
  }

  /**
   * The next chunks after the hooks ran: a non-empty batch, or `undefined` once the stream
   * ended cleanly. Throws the (mapped) failure.
   */
  async nextBatch(): Promise<readonly StreamChunk[] | undefined> {
    if (this.#state !== 'open') {
      if (this.#state === 'ended') await this.#settle('ok', undefined);
      return undefined;
    }
    try {
      while (true) {
        let batch: readonly StreamChunk[] | undefined;
        if (this.#readAhead.length > 0) {
          batch = this.#readAhead;
          this.#readAhead = [];
        } else {
          try {
            batch = await this.#source.pull();
          } catch (error) {
            throw new HookFailure(error, -1);
          }
        }
        if (batch === undefined) {
          // Hooks are usually synchronous: no promise is made (or awaited) for them then.
          const ending = this.#runEnds();
          const tail = ending instanceof Promise ? await ending : ending;
          if (tail.length > 0) {
            this.#state = 'ended';
            return tail;
          }
          const settling = this.#settle('ok', undefined);
          if (settling !== undefined) await settling;
          return undefined;
        }
        const out = this.#apply(batch, 0);
        if (out.length > 0) return out;
      }
    } catch (failure) {
      const error = this.#mapped(failure);
      this.#source.cancel();
      // The consumer's own hang-up reaches the source first (its abort cancels the upstream
      // read): that stream was closed, not failed.
      const closed = isClientClosed(error);
      const settling = this.#settle(closed ? 'closed' : 'error', closed ? undefined : error);
      if (settling !== undefined) await settling;
      throw error;
    }
  }

  /** The consumer leaves before the end: releases the upstream and runs the `finally` hooks. */
  async close(): Promise<void> {
    if (this.#state === 'done') return;
    this.#source.cancel();
    await this.#settle('closed', undefined);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ChatCompletionChunk> {
    let batch: readonly StreamChunk[] = [];
    let index = 0;
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      next: async () => {
        while (index >= batch.length) {
          const next = await this.nextBatch();
          if (next === undefined) return { done: true, value: undefined };
          batch = next;
          index = 0;
        }
        const piece = batch[index++] as StreamChunk;
        return { done: false, value: piece.chunk };
      },
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  /**
   * Runs `batch` through the hooks from index `from` on. A hook that hands every chunk back as it
   * came (the usual case: most hooks only watch) costs no new array.
   */
  #apply(batch: readonly StreamChunk[], from: number): readonly StreamChunk[] {
    let current = batch;
    const hooks = this.#hooks;
    for (let i = from; i < hooks.length; i++) {
      const hook = (hooks[i] as StreamHooks).chunk;
      if (hook === undefined) continue;
      // Made at the first chunk the hook changed, dropped or multiplied.
      let next: StreamChunk[] | undefined;
      try {
        for (let at = 0; at < current.length; at++) {
          const piece = current[at] as StreamChunk;
          const result = hook(piece);
          if (next === undefined) {
            if (result === piece) continue;
            next = current.slice(0, at);
          }
          if (result instanceof StreamChunk) next.push(result);
          else for (const extra of result) next.push(extra);
        }
      } catch (error) {
        throw new HookFailure(error, i);
      }
      if (next !== undefined) current = next;
    }
    return current;
  }

  /**
   * The end hooks in order; what each adds goes through the chunk hooks after it, then on.
   * Synchronous until a hook returns a promise; from there on it continues asynchronously.
   */
  #runEnds(): StreamChunk[] | Promise<StreamChunk[]> {
    const tail: StreamChunk[] = [];
    const hooks = this.#hooks;
    for (let i = 0; i < hooks.length; i++) {
      let added: readonly StreamChunk[] | void | Promise<readonly StreamChunk[] | void>;
      try {
        added = (hooks[i] as StreamHooks).end?.();
      } catch (error) {
        throw new HookFailure(error, i);
      }
      if (added instanceof Promise) return this.#runEndsFrom(i, added, tail);
      if (added && added.length > 0) tail.push(...this.#apply(added, i + 1));
    }
    return tail;
  }

  /** The rest of #runEnds once hook `at` returned a promise. */
  async #runEndsFrom(
    at: number,
    pending: Promise<readonly StreamChunk[] | void>,
    tail: StreamChunk[],
  ): Promise<StreamChunk[]> {
    const hooks = this.#hooks;
    for (let i = at; i < hooks.length; i++) {
      let added: readonly StreamChunk[] | void;
      try {
        added = i === at ? await pending : await (hooks[i] as StreamHooks).end?.();
      } catch (error) {
        throw new HookFailure(error, i);
      }
      if (added && added.length > 0) tail.push(...this.#apply(added, i + 1));
    }
    return tail;
  }

  #mapped(failure: unknown): unknown {
    if (!(failure instanceof HookFailure)) return failure;
    let error = failure.error;
    const hooks = this.#hooks;
    for (let i = failure.origin + 1; i < hooks.length; i++) {
      const map = (hooks[i] as StreamHooks).error;
      if (map) error = map(error);
    }
    return error;
  }

  /**
   * Runs every `finally` hook once; the first that throws decides what the stream throws.
   * Synchronous (returns undefined) unless a hook returns a promise.
   */
  #settle(outcome: StreamOutcome, error: unknown): Promise<void> | undefined {
    if (this.#state === 'done') return undefined;
    this.#state = 'done';
    const thrown: { error?: unknown; set: boolean } = { set: false };
    const hooks = this.#hooks;
    for (let i = 0; i < hooks.length; i++) {
      const settling = this.#runFinally(hooks[i] as StreamHooks, outcome, error, thrown);
      if (settling !== undefined) return this.#settleFrom(i + 1, settling, outcome, error, thrown);
    }
    if (thrown.set && outcome !== 'error') throw thrown.error;
    return undefined;
  }

  /** One `finally` hook; a throw is kept in `thrown` (the first one wins). */
  #runFinally(
    hooks: StreamHooks,
    outcome: StreamOutcome,
    error: unknown,
    thrown: { error?: unknown; set: boolean },
  ): Promise<void> | undefined {
    if (!hooks.finally) return undefined;
    try {
      const settling = hooks.finally(outcome, error);
      if (settling === undefined) return undefined;
      return settling.then(undefined, (failure: unknown) => keepFirst(thrown, failure));
    } catch (failure) {
      keepFirst(thrown, failure);
      return undefined;
    }
  }

  /** The rest of #settle once a hook returned a promise. */
  async #settleFrom(
    at: number,
    pending: Promise<void>,
    outcome: StreamOutcome,
    error: unknown,
    thrown: { error?: unknown; set: boolean },
  ): Promise<void> {
    await pending;
    const hooks = this.#hooks;
    for (let i = at; i < hooks.length; i++) {
      const settling = this.#runFinally(hooks[i] as StreamHooks, outcome, error, thrown);
      if (settling !== undefined) await settling;
    }
    if (thrown.set && outcome !== 'error') throw thrown.error;
  }
}

function keepFirst(thrown: { error?: unknown; set: boolean }, failure: unknown): void {
  if (thrown.set) return;
  thrown.set = true;
  thrown.error = failure;
}

function iterableSource(stream: AsyncIterable<ChatCompletionChunk>): ChunkSource {
  const iterator = stream[Symbol.asyncIterator]();
  let over = false;
  return {
    async pull() {
      const step = await iterator.next();
      if (step.done) {
        over = true;
        return undefined;
      }
      return [StreamChunk.of(step.value)];
    },
    cancel() {
      if (over) return;
      over = true;
      void iterator.return?.()?.catch(() => undefined);
    },
  };
}
