import { expect } from 'chai';
import { runWithFailover } from '../../../core/dispatch/failover.js';
import { SwitchyardError } from '../../../core/errors/switchyard-error.js';
import type { Attempt, Candidate } from '../../../core/context.js';
import type { CatalogEntry } from '../../../core/catalog.js';
import { DEFAULTS } from '../../../core/config/resolve.js';
import type { FailoverConfig } from '../../../core/config/types.js';

function candidate(provider: string): Candidate {
  const entry: CatalogEntry = {
    ref: `${provider}/m`,
    provider,
    model: 'm',
    upstreamModel: 'm',
    kind: 'chat',
    pricing: undefined,
    contextWindow: undefined,
    maxOutputTokens: undefined,
    capabilities: ['chat'],
  };
  return { entry };
}

type Script = Record<string, (SwitchyardError | string)[]>;

/** Runs failover over providers whose answers follow a script (an error or a value per call). */
async function run(
  script: Script,
  policy: Partial<Required<FailoverConfig>> = {},
  signal = new AbortController().signal,
) {
  const attempts: Attempt[] = [];
  const calls: string[] = [];
  const lasts: boolean[] = [];
  const result = runWithFailover<string>({
    candidates: Object.keys(script).map(candidate),
    policy: { ...DEFAULTS.failover, backoffBaseMs: 1, backoffMaxMs: 2, ...policy },
    signal,
    startedAt: Date.now(),
    now: Date.now,
    attempts,
    call: async (c, _signal, _observer, last) => {
      calls.push(c.entry.provider);
      lasts.push(last);
      const next = script[c.entry.provider]?.shift();
      if (next === undefined) throw new Error('script ran out');
      if (typeof next === 'string') return next;
      throw next;
    },
  });
  return { result, attempts, calls, lasts };
}

const overloaded = () => new SwitchyardError('SY_ERR_UPSTREAM_OVERLOADED', 'busy');
const badRequest = () => new SwitchyardError('SY_ERR_UPSTREAM_BAD_REQUEST', 'no');

describe('runWithFailover', () => {
  it('tells each attempt whether another one could follow it', async () => {
    const plain = await run({ a: [overloaded()], b: ['ok'] });
    await plain.result;
    expect(plain.lasts).to.deep.equal([false, true]);
    // A retry of the only candidate is still to come after its first attempt.
    const retried = await run({ a: [overloaded(), 'ok'] }, { retriesPerCandidate: 1 });
    await retried.result;
    expect(retried.lasts).to.deep.equal([false, true]);
    // maxAttempts ends the run at the third attempt, though b has a retry left.
    const capped = await run(
      { a: [overloaded(), overloaded()], b: [overloaded(), 'ok'] },
      { retriesPerCandidate: 1, maxAttempts: 3 },
    );
    const error = await capped.result.catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SwitchyardError);
    expect(capped.lasts).to.deep.equal([false, false, true]);
  });

  it("tells each attempt's observer how it ended, and hands the observer to the call", async () => {
    const seen: string[] = [];
    const failing = overloaded();
    const { value } = await runWithFailover<string>({
      candidates: ['a', 'b'].map(candidate),
      policy: { ...DEFAULTS.failover, retriesPerCandidate: 0 },
      signal: new AbortController().signal,
      startedAt: Date.now(),
      now: Date.now,
      attempts: [],
      observe: (c) => {
        seen.push(`start ${c.entry.provider}`);
        return {
          succeeded: () => seen.push(`ok ${c.entry.provider}`),
          failed: (error, signal) =>
            seen.push(`failed ${c.entry.provider} ${error === failing} aborted=${signal.aborted}`),
        };
      },
      call: async (c, _signal, observer) => {
        expect(observer).to.not.equal(undefined);
        if (c.entry.provider === 'a') throw failing;
        return 'from b';
      },
    });
    expect(value).to.equal('from b');
    expect(seen).to.deep.equal(['start a', 'failed a true aborted=false', 'start b', 'ok b']);
  });

  it('moves to the next candidate after a retryable failure and records both attempts', async () => {
    const { result, attempts, calls } = await run({ a: [overloaded()], b: ['from b'] });
    const { value, candidate: served } = await result;
    expect(value).to.equal('from b');
    expect(served.entry.provider).to.equal('b');
    expect(calls).to.deep.equal(['a', 'b']);
    expect(attempts.map((a) => [a.provider, a.outcome, a.error?.code])).to.deep.equal([
      ['a', 'error', 'SY_ERR_UPSTREAM_OVERLOADED'],
      ['b', 'ok', undefined],
    ]);
  });

  it('returns a non-retryable error at once, without trying further candidates', async () => {
    const { result, calls } = await run({ a: [badRequest()], b: ['never'] });
    const error = await result.catch((e: unknown) => e);
    expect((error as SwitchyardError).code).to.equal('SY_ERR_UPSTREAM_BAD_REQUEST');
    expect(calls).to.deep.equal(['a']);
  });

  it('fails with the last error, as not retryable, when every candidate failed', async () => {
    const { result, attempts } = await run({ a: [overloaded()], b: [overloaded()] });
    const error = (await result.catch((e: unknown) => e)) as SwitchyardError;
    expect(error.code).to.equal('SY_ERR_UPSTREAM_OVERLOADED');
    expect(error.message).to.match(/All 2 attempt/);
    expect(attempts).to.have.length(2);
  });

  it('retries the same candidate after its Retry-After when retries are allowed', async () => {
    const limited = new SwitchyardError('SY_ERR_UPSTREAM_RATE_LIMITED', 'wait', { retryAfterMs: 150 });
    const started = Date.now();
    const { result, calls } = await run({ a: [limited, 'second try'] }, { retriesPerCandidate: 1 });
    expect((await result).value).to.equal('second try');
    expect(Date.now() - started).to.be.at.least(140);
    expect(calls).to.deep.equal(['a', 'a']);
  });

  it('skips the retry when Retry-After exceeds the cap, moving on instead', async () => {
    const limited = new SwitchyardError('SY_ERR_UPSTREAM_RATE_LIMITED', 'wait', { retryAfterMs: 60_000 });
    const started = Date.now();
    const { result, calls } = await run(
      { a: [limited, 'never'], b: ['from b'] },
      { retriesPerCandidate: 1, retryAfterCapMs: 1000 },
    );
    expect((await result).value).to.equal('from b');
    expect(Date.now() - started).to.be.below(500);
    expect(calls).to.deep.equal(['a', 'b']);
  });

  it('stops at maxAttempts', async () => {
    const { result, calls } = await run(
      { a: [overloaded()], b: [overloaded()], c: ['never'] },
      { maxAttempts: 2 },
    );
    await result.catch(() => undefined);
    expect(calls).to.deep.equal(['a', 'b']);
  });

  it('gives up with SY_ERR_DEADLINE_EXCEEDED when the deadline passes during an attempt', async () => {
    const attempts: Attempt[] = [];
    const error = await runWithFailover({
      candidates: [candidate('slow'), candidate('b')],
      policy: { ...DEFAULTS.failover, deadlineMs: 50 },
      signal: new AbortController().signal,
      startedAt: Date.now(),
      now: Date.now,
      attempts,
      call: (_c, signal) =>
        new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    }).catch((e: unknown) => e);
    expect((error as SwitchyardError).code).to.equal('SY_ERR_DEADLINE_EXCEEDED');
    expect(attempts).to.have.length(1);
  });

  it('reports a client disconnect as SY_ERR_CLIENT_CLOSED and aborts the attempt', async () => {
    const client = new AbortController();
    let attemptAborted = false;
    const pending = runWithFailover({
      candidates: [candidate('a'), candidate('b')],
      policy: DEFAULTS.failover,
      signal: client.signal,
      startedAt: Date.now(),
      now: Date.now,
      attempts: [],
      call: (_c, signal) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => {
            attemptAborted = true;
            reject(new Error('aborted'));
          }),
        ),
    });
    setTimeout(() => client.abort(), 10);
    const error = (await pending.catch((e: unknown) => e)) as SwitchyardError;
    expect(error.code).to.equal('SY_ERR_CLIENT_CLOSED');
    expect(attemptAborted).to.equal(true);
  });

  it('refuses an empty plan with SY_ERR_ROUTING_NO_CANDIDATES', async () => {
    const { result } = await run({});
    expect(((await result.catch((e: unknown) => e)) as SwitchyardError).code).to.equal(
      'SY_ERR_ROUTING_NO_CANDIDATES',
    );
  });
});
