/**
 * SSE keep-alive comments for every open stream from one timer per interval length, instead of
 * one `setInterval` per stream (two, with the wait for the first token). A stream registers a
 * callback and says when it wrote something; a shared ticker calls back the streams that have
 * been quiet for the whole interval. Timers are cheap in bulk but not on an idle gateway's
 * request path, where creating and clearing them showed up in time to first token; the ticker
 * stays up while streams keep coming and stops after two idle ticks.
 */
import { LiveSet } from '../live-set.js';

export interface KeepAlive {
  /** What to send when the stream has been quiet for the interval. */
  onQuiet: () => void;
  /** Something was written: the quiet period starts again. */
  touch(): void;
  /** Unregisters the stream; idempotent. */
  stop(): void;
}

class Entry implements KeepAlive {
  active = false;
  quietSince: number;
  constructor(
    private readonly ticker: Ticker,
    public onQuiet: () => void,
    now: number,
  ) {
    this.quietSince = now;
  }
  touch(): void {
    this.active = true;
  }
  stop(): void {
    this.ticker.entries.delete(this);
  }
}

const tickers = new Map<number, Ticker>();

class Ticker {
  // Not a Set: streams come and go at request rate (../live-set.ts).
  readonly entries = new LiveSet<Entry>();
  private idleTicks = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly intervalMs: number) {
    this.timer = setInterval(() => this.tick(), Math.max(10, Math.floor(intervalMs / 2)));
    this.timer.unref();
  }

  private tick(): void {
    if (this.entries.size === 0) {
      if (++this.idleTicks >= 2) {
        clearInterval(this.timer);
        tickers.delete(this.intervalMs);
      }
      return;
    }
    this.idleTicks = 0;
    const now = Date.now();
    for (const entry of this.entries.snapshot()) {
      if (entry.active) {
        entry.active = false;
        entry.quietSince = now;
      } else if (now - entry.quietSince >= this.intervalMs) {
        entry.quietSince = now;
        entry.onQuiet();
      }
    }
  }
}

/** Registers a stream that wants `onQuiet` after `intervalMs` without writes. */
export function keepAlive(intervalMs: number, onQuiet: () => void): KeepAlive {
  let ticker = tickers.get(intervalMs);
  if (ticker === undefined) {
    ticker = new Ticker(intervalMs);
    tickers.set(intervalMs, ticker);
  }
  const entry = new Entry(ticker, onQuiet, Date.now());
  ticker.entries.add(entry);
  return entry;
}
