import { expect } from 'chai';
import fc from 'fast-check';
import { expectRangeError } from './counters.js';
import { type ContractHarness, createFakeClock, sleep } from './harness.js';

const MINUTE = 60_000;

export function rateLimitContract(h: ContractHarness): void {
  describe('rateLimitHit', () => {
    it('admits up to the limit, then refuses without counting the refusals', async () => {
      const clock = createFakeClock();
      const store = await h.store({ now: clock.now });
      const remaining = [];
      for (let i = 0; i < 3; i += 1) remaining.push((await store.rateLimitHit('k', 3, MINUTE)).remaining);
      expect(remaining).to.deep.equal([2, 1, 0]);
      expect(await store.rateLimitHit('k', 3, MINUTE)).to.deep.equal({
        allowed: false,
        remaining: 0,
        resetMs: MINUTE,
        retryAfterMs: MINUTE,
      });
      clock.advance(MINUTE / 2);
      expect((await store.rateLimitHit('k', 3, MINUTE)).retryAfterMs).to.equal(MINUTE / 2);
      clock.advance(MINUTE / 2); // the three admitted hits leave; counted refusals would still block
      expect(await store.rateLimitHit('k', 3, MINUTE)).to.deep.equal({
        allowed: true,
        remaining: 2,
        resetMs: MINUTE,
        retryAfterMs: 0,
      });
    });

    it('weighs hits by cost and refuses one that does not fit although some remains', async () => {
      const clock = createFakeClock();
      const store = await h.store({ now: clock.now });
      expect((await store.rateLimitHit('tokens', 10, MINUTE, 6)).remaining).to.equal(4);
      expect(await store.rateLimitHit('tokens', 10, MINUTE, 5)).to.include({ allowed: false, remaining: 4 });
      expect(await store.rateLimitHit('tokens', 10, MINUTE, 4)).to.include({ allowed: true, remaining: 0 });
    });

    it('admits no burst across a fixed-window boundary', async () => {
      const clock = createFakeClock(); // starts on a minute boundary
      const store = await h.store({ now: clock.now });
      clock.advance(MINUTE - 1);
      for (let i = 0; i < 5; i += 1)
        expect((await store.rateLimitHit('k', 5, MINUTE)).allowed).to.equal(true);
      clock.advance(1); // a new fixed window would start here and admit five more
      expect(await store.rateLimitHit('k', 5, MINUTE)).to.include({
        allowed: false,
        retryAfterMs: MINUTE - 1,
      });
      clock.advance(MINUTE - 2);
      expect(await store.rateLimitHit('k', 5, MINUTE)).to.include({ allowed: false, retryAfterMs: 1 });
      clock.advance(1);
      expect((await store.rateLimitHit('k', 5, MINUTE)).allowed).to.equal(true);
    });

    it('gives a retryAfterMs that is exactly when the same cost is admitted', async () => {
      const clock = createFakeClock();
      const store = await h.store({ now: clock.now });
      await store.rateLimitHit('k', 10, MINUTE, 4);
      clock.advance(10_000);
      await store.rateLimitHit('k', 10, MINUTE, 4);
      clock.advance(10_000);
      const refused = await store.rateLimitHit('k', 10, MINUTE, 7); // needs both earlier hits gone
      expect(refused).to.include({ allowed: false, retryAfterMs: 50_000 });
      clock.advance(refused.retryAfterMs - 1);
      expect((await store.rateLimitHit('k', 10, MINUTE, 7)).allowed).to.equal(false);
      clock.advance(1);
      expect((await store.rateLimitHit('k', 10, MINUTE, 7)).allowed).to.equal(true);
    });

    it('matches an exact sliding-window model on random traffic and never exceeds the limit', async () => {
      const clock = createFakeClock();
      const store = await h.store({ now: clock.now });
      const limit = 7;
      let run = 0;
      const step = fc.record({
        advance: fc.integer({ min: 0, max: 25_000 }),
        cost: fc.integer({ min: 1, max: limit }),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
          const key = `prop${(run += 1)}`;
          const admitted: Array<{ at: number; cost: number }> = [];
          for (const { advance, cost } of steps) {
            clock.advance(advance);
            const now = clock.now();
            const live = admitted.filter((hit) => hit.at > now - MINUTE);
            const used = live.reduce((sum, hit) => sum + hit.cost, 0);
            const result = await store.rateLimitHit(key, limit, MINUTE, cost);
            expect(result.allowed, `cost ${cost} with ${used} used`).to.equal(used + cost <= limit);
            if (result.allowed) admitted.push({ at: now, cost });
            else expect(result.retryAfterMs).to.equal(modelRetryAfter(live, used + cost - limit, now));
            expect(result.remaining).to.equal(limit - used - (result.allowed ? cost : 0));
          }
          for (const hit of admitted) {
            const inWindow = admitted.filter((other) => other.at <= hit.at && other.at > hit.at - MINUTE);
            expect(inWindow.reduce((sum, other) => sum + other.cost, 0)).to.be.at.most(limit);
          }
        }),
        { numRuns: 25 },
      );
    });

    it('admits exactly the limit out of 50 simultaneous hits', async () => {
      const store = await h.store();
      const results = await Promise.all(
        Array.from({ length: 50 }, () => store.rateLimitHit('burst', 10, MINUTE)),
      );
      expect(results.filter((result) => result.allowed)).to.have.length(10);
    });

    (h.shared ? it : it.skip)('admits exactly the limit across two instances', async () => {
      const [a, b] = await h.pair();
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a : b).rateLimitHit('burst', 10, MINUTE)),
      );
      expect(results.filter((result) => result.allowed)).to.have.length(10);
    });

    it('works on the real clock: refuses, then admits once retryAfterMs has passed', async () => {
      const store = await h.store();
      expect((await store.rateLimitHit('real', 2, 200)).allowed).to.equal(true);
      expect((await store.rateLimitHit('real', 2, 200)).allowed).to.equal(true);
      const refused = await store.rateLimitHit('real', 2, 200);
      expect(refused.allowed).to.equal(false);
      expect(refused.retryAfterMs).to.be.within(1, 200);
      await sleep(refused.retryAfterMs + 20);
      expect((await store.rateLimitHit('real', 2, 200)).allowed).to.equal(true);
    });

    it('rejects a cost above the limit or a non-integer argument with a RangeError', async () => {
      const store = await h.store();
      await expectRangeError(store.rateLimitHit('k', 5, MINUTE, 6));
      await expectRangeError(store.rateLimitHit('k', 5, MINUTE, 0));
      await expectRangeError(store.rateLimitHit('k', 5.5, MINUTE));
      await expectRangeError(store.rateLimitHit('k', 5, 0));
    });
  });
}

function modelRetryAfter(live: Array<{ at: number; cost: number }>, need: number, now: number): number {
  let freed = 0;
  for (const hit of live) {
    freed += hit.cost;
    if (freed >= need) return hit.at + MINUTE - now;
  }
  throw new Error('the model found no retry time');
}
