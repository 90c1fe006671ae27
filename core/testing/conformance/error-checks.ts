import { SwitchyardError } from '../../errors/switchyard-error.js';
import type { ErrorCode } from '../../errors/codes.js';
import { check, fail, pingRequest, PROVIDER_ID, type Suite } from './context.js';
import type { ConformanceFault, ConformanceRunner } from './types.js';

async function failure(promise: Promise<unknown>): Promise<SwitchyardError> {
  let error: unknown;
  try {
    await promise;
  } catch (thrown) {
    error = thrown;
  }
  if (error === undefined) fail('expected the call to fail');
  check(SwitchyardError.isInstance(error), `expected a SwitchyardError, got ${String(error)}`);
  check(error.provider === PROVIDER_ID, `the error names provider ${error.provider}, not ${PROVIDER_ID}`);
  return error;
}

/** Option values that look like credentials; none may appear in an error. */
function secrets(options: unknown): string[] {
  if (typeof options !== 'object' || options === null) return [];
  return Object.entries(options).flatMap(([key, value]) =>
    typeof value === 'string' && value.length >= 8 && /key|token|secret|password/i.test(key) ? [value] : [],
  );
}

const CASES: [string, ConformanceFault, readonly ErrorCode[], boolean, number | undefined][] = [
  [
    '429 with Retry-After',
    { type: 'status', status: 429, retryAfterSeconds: 2 },
    ['SY_ERR_UPSTREAM_RATE_LIMITED'],
    true,
    2000,
  ],
  ['500', { type: 'status', status: 500 }, ['SY_ERR_UPSTREAM_SERVER_ERROR'], true, undefined],
  [
    '503',
    { type: 'status', status: 503 },
    ['SY_ERR_UPSTREAM_OVERLOADED', 'SY_ERR_UPSTREAM_SERVER_ERROR'],
    true,
    undefined,
  ],
  [
    '400',
    { type: 'status', status: 400 },
    [
      'SY_ERR_UPSTREAM_BAD_REQUEST',
      'SY_ERR_UPSTREAM_CONTEXT_LENGTH_EXCEEDED',
      'SY_ERR_UPSTREAM_CONTENT_FILTERED',
    ],
    false,
    undefined,
  ],
];

export function errorChecks<O>(t: ConformanceRunner, s: Suite<O>, streaming: boolean): void {
  t.describe('error mapping', () => {
    for (const [name, fault, codes, retryable, retryAfterMs] of CASES) {
      t.it(`maps ${name} to ${codes[0]} (retryable: ${retryable})`, async () => {
        const attempts: (() => Promise<unknown>)[] = [() => s.provider().chat(pingRequest, s.call())];
        if (streaming)
          attempts.push(() => s.provider().chatStream({ ...pingRequest, stream: true }, s.call()));
        for (const attempt of attempts) {
          s.upstream().enqueue(fault);
          const error = await failure(attempt());
          check(codes.includes(error.code), `code ${error.code}, expected one of ${codes.join(', ')}`);
          check(error.retryable === retryable, `retryable is ${error.retryable}`);
          if (retryAfterMs !== undefined)
            check(
              error.retryAfterMs === retryAfterMs,
              `retryAfterMs is ${error.retryAfterMs}, expected ${retryAfterMs}`,
            );
        }
      });
    }

    t.it('keeps credentials out of error messages', async () => {
      s.upstream().enqueue({ type: 'status', status: 401 });
      const error = await failure(s.provider().chat(pingRequest, s.call()));
      for (const secret of secrets(s.options.options(s.upstream().url)))
        check(
          !error.message.includes(secret) && !String(error.cause).includes(secret),
          'a credential leaked into an error',
        );
    });
  });
}

async function disconnectSeen(s: Suite<unknown>, index: number, abortedAt: number): Promise<void> {
  const deadline = Date.now() + 1000;
  while (s.upstream().requests[index]?.aborted !== true) {
    if (Date.now() > deadline) fail('the upstream never saw the disconnect');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const lag = (s.upstream().requests[index]?.abortedAt ?? Date.now()) - abortedAt;
  check(lag <= 100, `the upstream saw the disconnect ${lag} ms after the abort (limit 100 ms)`);
}

export function abortChecks<O>(t: ConformanceRunner, s: Suite<O>, streaming: boolean): void {
  t.describe('caller abort', () => {
    t.it('rejects chat() with the caller’s reason and drops the upstream call within 100 ms', async () => {
      const index = s.upstream().requests.length;
      s.upstream().enqueue({ type: 'slow', text: 'too late', delayMs: 2000 });
      const controller = new AbortController();
      const pending = s.provider().chat(pingRequest, s.call(controller.signal));
      const outcome = pending.then(
        () => fail('chat() resolved after the abort'),
        (error: unknown) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      const reason = new Error('conformance: caller gone');
      const abortedAt = Date.now();
      controller.abort(reason);
      check((await outcome) === reason, 'chat() must reject with the signal’s reason');
      await disconnectSeen(s as Suite<unknown>, index, abortedAt);
    });

    if (!streaming) return;
    t.it('ends a stream with the caller’s reason and drops the upstream call within 100 ms', async () => {
      const index = s.upstream().requests.length;
      s.upstream().enqueue({ type: 'slow', text: 'a b c d e f g h i j', delayMs: 50 });
      const controller = new AbortController();
      const { chunks } = await s
        .provider()
        .chatStream({ ...pingRequest, stream: true }, s.call(controller.signal));
      const reason = new Error('conformance: caller gone');
      let abortedAt = 0;
      let thrown: unknown;
      try {
        for await (const _chunk of chunks) {
          if (abortedAt === 0) {
            abortedAt = Date.now();
            controller.abort(reason);
          }
        }
      } catch (error) {
        thrown = error;
      }
      check(thrown === reason, 'the stream must throw the signal’s reason');
      await disconnectSeen(s as Suite<unknown>, index, abortedAt);
    });
  });
}
