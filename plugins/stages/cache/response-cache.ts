/**
 * The exact-match response cache behind the `cache` stage: which requests it may answer, the
 * lookup with single-flight (in this process and, on a shared store, across instances), serving
 * a hit as JSON or as a replayed stream, and storing a complete answer or a complete stream.
 */
import {
  answerUsage,
  cacheControls,
  cacheNamespace,
  ChatStream,
  entryKey,
  parseAnswer,
  pollForEntry,
  providerUsage,
  replayStream,
  requestDigest,
  serializeAnswer,
  SingleFlight,
  StreamAccumulator,
  waitForFlight,
  type CacheBackend,
  type CacheControls,
  type CacheSettings,
  type CatalogEntry,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatContext,
  type GatewayServices,
} from '../../../core/index.js';
import type { AccountingState } from '../accounting/index.js';

/** What one request does with the cache, decided before the lookup. */
export interface CachePlan {
  key: string;
  controls: CacheControls;
  ttlMs: number;
}

type Outcome = 'hit' | 'miss' | 'bypass';

export class ResponseCache {
  private readonly flights = new SingleFlight<string>();
  private readonly byRef = new Map<string, CatalogEntry>();

  constructor(
    private readonly settings: CacheSettings,
    private readonly backend: CacheBackend,
    private readonly services: GatewayServices,
  ) {
    for (const entry of services.catalog.entries) this.byRef.set(entry.ref, entry);
  }

  /** The request's cache plan, undefined when the cache is off for it (and why, in the header). */
  plan(ctx: ChatContext): CachePlan | undefined {
    const policy = ctx.plan?.cache;
    const on = this.settings.allowed && (policy?.enabled ?? this.settings.byDefault);
    if (!on) return undefined;
    const controls = cacheControls(ctx.headers);
    const refs = ctx.plan?.candidates.map((candidate) => candidate.entry.ref) ?? [];
    const deterministic =
      policy?.enabled === true || this.settings.cacheableWhen === 'always' || ctx.request.temperature === 0;
    const ttlSeconds = Math.min(
      policy?.ttlSeconds ?? this.settings.defaultTtlSeconds,
      controls.maxAgeSeconds ?? Infinity,
    );
    if (
      (!controls.read && !controls.write) ||
      !deterministic ||
      refs.length === 0 ||
      ctx.state.zeroRetention === true ||
      ctx.state.doNotCache !== undefined
    ) {
      return this.mark(ctx, 'bypass');
    }
    const shared = policy?.shared ?? this.settings.shared;
    const key = entryKey(cacheNamespace(ctx.caller, shared), requestDigest(ctx.request, refs));
    return { key, controls, ttlMs: ttlSeconds * 1000 };
  }

  /**
   * Answers from the cache or from an identical request in flight; otherwise `proceed` produces
   * the answer (through route), which is then stored and handed to the requests that waited.
   */
  async run(ctx: ChatContext, plan: CachePlan, proceed: () => Promise<void>): Promise<void> {
    const { key, controls } = plan;
    const timeoutMs = this.settings.singleFlightTimeoutMs;
    if (controls.read) {
      if (this.serve(ctx, await this.read(ctx, key), controls)) return;
      const flight = this.flights.find(key);
      if (flight) {
        const shared = await waitForFlight(flight.promise, timeoutMs, ctx.signal);
        if (this.serve(ctx, shared, controls)) return;
      }
    }
    // Lead: a refresh does not lead (it must not hand a follower anything but a fresh answer).
    const flight = controls.read ? this.flights.start(key, timeoutMs) : undefined;
    const lockKey = `${key}:lock`;
    let locked = false;
    const release = () => {
      if (locked) void this.backend.unlock(lockKey, ctx.requestId).catch(() => undefined);
      locked = false;
    };
    try {
      if (flight) {
        const again = await this.read(ctx, key);
        if (this.serve(ctx, again, controls)) return flight.settle(again);
        if (this.backend.shared) {
          locked = await this.backend.lock(lockKey, ctx.requestId, timeoutMs).catch(() => false);
          const remote = locked
            ? await this.read(ctx, key)
            : await pollForEntry({
                backend: this.backend,
                entryKey: key,
                lockKey,
                timeoutMs,
                signal: ctx.signal,
                read: (text) => text,
              }).catch((error: unknown) => {
                if (ctx.signal.aborted) throw error;
                return undefined;
              });
          if (this.serve(ctx, remote, controls)) {
            release();
            return flight.settle(remote);
          }
        }
      }
      this.mark(ctx, 'miss');
      await proceed();
    } catch (error) {
      flight?.settle(undefined);
      release();
      throw error;
    }
    const finish = async (answer: ChatCompletion | undefined): Promise<void> => {
      const text = answer ? await this.write(ctx, key, answer, plan.ttlMs) : undefined;
      flight?.settle(text);
      release();
    };
    if (ctx.stream) ctx.stream = this.capture(ctx.stream, finish);
    else await finish(ctx.response);
  }

  private mark(ctx: ChatContext, outcome: Outcome): undefined {
    ctx.responseHeaders['x-switchyard-cache'] = outcome;
    if (outcome !== 'bypass') ctx.services.metrics?.cacheLookup(outcome);
    return undefined;
  }

  private async read(ctx: ChatContext, key: string): Promise<string | undefined> {
    try {
      return await this.backend.get(key);
    } catch (err) {
      ctx.log.debug({ err }, 'cache read failed; treated as a miss');
      return undefined;
    }
  }

  /** Serves stored text as the answer; false when there is none or it is too old for the caller. */
  private serve(ctx: ChatContext, text: string | undefined, controls: CacheControls): boolean {
    if (text === undefined) return false;
    const entry = parseAnswer(text);
    if (!entry) return false;
    const ageMs = Math.max(0, this.services.now() - entry.storedAt);
    if (controls.maxAgeSeconds !== undefined && ageMs > controls.maxAgeSeconds * 1000) return false;
    const served = this.byRef.get(entry.ref);
    ctx.served = served;
    const accounting: AccountingState = { ...ctx.state.accounting, cacheHit: true, savedUsd: entry.costUsd };
    ctx.state.accounting = accounting;
    const headers = ctx.responseHeaders;
    this.mark(ctx, 'hit');
    headers['x-switchyard-cache-age'] = String(Math.floor(ageMs / 1000));
    if (served) {
      headers['x-switchyard-provider'] = served.provider;
      headers['x-switchyard-model'] = served.model;
    }
    if (ctx.request.stream === true) ctx.stream = replayStream(entry.response);
    else ctx.response = entry.response;
    return true;
  }

  /** Stores a complete answer; returns its text (for the followers), undefined when not stored. */
  private async write(
    ctx: ChatContext,
    key: string,
    answer: ChatCompletion,
    ttlMs: number,
  ): Promise<string | undefined> {
    const served = ctx.served;
    if (!served || ttlMs <= 0 || ctx.state.doNotCache !== undefined || ctx.state.zeroRetention) return;
    if (answer.choices.length === 0 || answer.choices.some((choice) => choice.finish_reason === null)) return;
    // Output guardrails check answers only after this stage returns: ask them first, so an
    // answer they would deny or redact is never stored.
    const gate = ctx.state.answerGate;
    if (gate && !(await gate(answer))) return;
    const response: ChatCompletion = { ...answer };
    const usage = providerUsage(answer.usage);
    if (usage) response.usage = usage;
    else delete response.usage;
    const costUsd = (await answerUsage(ctx.request, response, served.pricing))?.costUsd ?? 0;
    const text = serializeAnswer({ v: 1, response, ref: served.ref, costUsd, storedAt: this.services.now() });
    if (text.length * 2 > this.settings.maxEntryBytes) return undefined;
    try {
      await this.backend.set(key, text, ttlMs);
    } catch (err) {
      ctx.log.debug({ err }, 'cache write failed');
    }
    return text;
  }

  /** Passes the stream through; stores the answer it spelled once it ended complete. */
  private capture(
    stream: AsyncIterable<ChatCompletionChunk>,
    finish: (answer: ChatCompletion | undefined) => Promise<void>,
  ): AsyncIterable<ChatCompletionChunk> {
    const accumulator = new StreamAccumulator();
    return ChatStream.from(stream).use({
      chunk(piece) {
        accumulator.observe(piece.chunk);
        return piece;
      },
      finally: (outcome) =>
        finish(outcome === 'ok' && accumulator.complete ? accumulator.answer() : undefined),
    });
  }
}
