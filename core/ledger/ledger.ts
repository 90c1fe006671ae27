/**
 * Batches records per sink off the request path: a bounded buffer, one write in flight per sink,
 * retry with backoff on failure (records stay queued, so a sink that is briefly down loses
 * nothing), a loud error when the buffer overflows, and a final flush on close().
 */
import type { Logger } from '../logger.js';
import type { LedgerRecord, LedgerSink, UsageQuery, UsageRow } from './types.js';

export interface LedgerOptions {
  sinks: readonly LedgerSink[];
  logger: Logger;
  bufferMax?: number;
  batchSize?: number;
  flushIntervalMs?: number;
  /** Longest pause between retries of a failing sink. Default 10 s. */
  maxBackoffMs?: number;
  /** How long close() keeps retrying before giving up on what is left. Default 10 s. */
  closeTimeoutMs?: number;
}

export interface LedgerStats {
  queued: number;
  written: number;
  dropped: number;
  failures: number;
}

export interface Ledger {
  /** False when there is no sink: callers skip building records nobody will write. */
  readonly enabled: boolean;
  /** Queues a record for every sink; never throws, never waits. */
  record(record: LedgerRecord): void;
  /** Resolves when everything queued so far is written (or fails after the retries of close()). */
  flush(): Promise<void>;
  usage(query: UsageQuery): Promise<UsageRow[]>;
  stats(): Record<string, LedgerStats>;
  close(): Promise<void>;
}

class SinkQueue {
  readonly buffer: LedgerRecord[] = [];
  readonly stats: LedgerStats = { queued: 0, written: 0, dropped: 0, failures: 0 };
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private backoffMs = 0;
  private lastOverflowLog = 0;
  closing = false;

  constructor(
    readonly sink: LedgerSink,
    private readonly options: Required<Omit<LedgerOptions, 'sinks' | 'logger'>>,
    private readonly logger: Logger,
  ) {}

  push(record: LedgerRecord): void {
    if (this.buffer.length >= this.options.bufferMax) {
      this.stats.dropped++;
      const now = Date.now();
      if (now - this.lastOverflowLog > 1_000) {
        this.lastOverflowLog = now;
        this.logger.error(
          { sink: this.sink.name, dropped: this.stats.dropped, bufferMax: this.options.bufferMax },
          'ledger buffer full: records are being DROPPED (sink down or too slow)',
        );
      }
      return;
    }
    this.buffer.push(record);
    this.stats.queued = this.buffer.length;
    if (this.buffer.length >= this.options.batchSize) this.kick(0);
    else this.kick(this.options.flushIntervalMs);
  }

  /** Schedules a write in `delayMs` unless one is already scheduled or running. */
  kick(delayMs: number): void {
    if (this.writing || (this.timer && delayMs > 0)) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.writing) void this.start();
    }, delayMs);
    this.timer.unref();
  }

  private start(): Promise<void> {
    const running = this.writeBatch().then((next) => {
      this.writing = undefined;
      if (next !== undefined && !this.closing) this.kick(next);
    });
    this.writing = running;
    return running;
  }

  /** Writes one batch; returns when to write next (undefined: nothing left). Never rejects. */
  private async writeBatch(): Promise<number | undefined> {
    const batch = this.buffer.slice(0, this.options.batchSize);
    if (batch.length === 0) return undefined;
    try {
      await this.sink.write(batch);
      this.buffer.splice(0, batch.length);
      this.stats.written += batch.length;
      this.stats.queued = this.buffer.length;
      this.backoffMs = 0;
      return this.buffer.length >= this.options.batchSize
        ? 0
        : this.buffer.length > 0
          ? this.options.flushIntervalMs
          : undefined;
    } catch (error) {
      this.stats.failures++;
      this.backoffMs = Math.min(Math.max(100, this.backoffMs * 2), this.options.maxBackoffMs);
      this.logger.warn(
        { sink: this.sink.name, err: error, queued: this.buffer.length, retryInMs: this.backoffMs },
        'ledger write failed; will retry',
      );
      return this.backoffMs;
    }
  }

  /** Writes until empty or the deadline passes; returns how many records are left. */
  async drain(deadline: number): Promise<number> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (true) {
      if (this.writing) await this.writing;
      if (this.buffer.length === 0 || Date.now() >= deadline) return this.buffer.length;
      const before = this.stats.failures;
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      await this.start();
      if (this.stats.failures > before) {
        const pause = Math.min(this.backoffMs, Math.max(0, deadline - Date.now()));
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }
}

export function createLedger(options: LedgerOptions): Ledger {
  const settings = {
    bufferMax: options.bufferMax ?? 100_000,
    batchSize: options.batchSize ?? 500,
    flushIntervalMs: options.flushIntervalMs ?? 1_000,
    maxBackoffMs: options.maxBackoffMs ?? 10_000,
    closeTimeoutMs: options.closeTimeoutMs ?? 10_000,
  };
  const queues = options.sinks.map((sink) => new SinkQueue(sink, settings, options.logger));
  let closed: Promise<void> | undefined;

  async function drainAll(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await Promise.all(queues.map((queue) => queue.drain(deadline)));
  }

  return {
    enabled: queues.length > 0,
    record(record) {
      if (closed) {
        options.logger.error({ id: record.id }, 'ledger record after close() was dropped');
        return;
      }
      for (const queue of queues) queue.push(record);
    },
    flush: () => drainAll(settings.closeTimeoutMs),
    async usage(query) {
      const sink = queues.find((queue) => queue.sink.usage)?.sink;
      if (!sink?.usage) return [];
      return sink.usage(query);
    },
    stats() {
      return Object.fromEntries(queues.map((queue) => [queue.sink.name, { ...queue.stats }]));
    },
    close() {
      closed ??= (async () => {
        for (const queue of queues) queue.closing = true;
        await drainAll(settings.closeTimeoutMs);
        for (const queue of queues) {
          if (queue.buffer.length > 0) {
            options.logger.error(
              { sink: queue.sink.name, lost: queue.buffer.length },
              'ledger closed with records that could not be written',
            );
          }
        }
        await Promise.all(queues.map((queue) => queue.sink.close?.()));
      })();
      return closed;
    },
  };
}
