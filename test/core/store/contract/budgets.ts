import { expect } from 'chai';
import type { StateStore } from '../../../../core/store/index.js';
import { expectRangeError } from './counters.js';
import { type ContractHarness, createFakeClock, sleep } from './harness.js';

const KEY = 'budget:team:acme:2026-11';
const TTL = 60_000;

export function budgetContract(h: ContractHarness): void {
  describe('reserve / settle / release / budgetState', () => {
    it('admits while spent + reserved + amount <= cap, to the exact micro', async () => {
      const store = await h.store();
      expect(await store.budgetState(KEY)).to.deep.equal({ spentMicros: 0, reservedMicros: 0 });
      expect(await store.reserve(KEY, 600, 1000, 'a', TTL)).to.deep.equal({
        ok: true,
        spentMicros: 0,
        reservedMicros: 600,
      });
      expect(await store.reserve(KEY, 401, 1000, 'b', TTL)).to.deep.equal({
        ok: false,
        spentMicros: 0,
        reservedMicros: 600,
      });
      await store.settle(KEY, 'a', 300);
      expect(await store.reserve(KEY, 700, 1000, 'c', TTL)).to.deep.equal({
        ok: true,
        spentMicros: 300,
        reservedMicros: 700,
      });
      expect((await store.reserve(KEY, 1, 1000, 'd', TTL)).ok).to.equal(false);
      expect((await store.reserve('budget:team:other:2026-11', 1000, 1000, 'a', TTL)).ok).to.equal(true);
    });

    it('settles the actual amount, lower or higher than reserved, and then refuses over the cap', async () => {
      const store = await h.store();
      await store.reserve(KEY, 500, 1000, 'low', TTL);
      await store.reserve(KEY, 500, 1000, 'high', TTL);
      expect(await store.settle(KEY, 'low', 120)).to.deep.equal({
        applied: true,
        spentMicros: 120,
        reservedMicros: 500,
      });
      expect(await store.settle(KEY, 'high', 950)).to.deep.equal({
        applied: true,
        spentMicros: 1070,
        reservedMicros: 0,
      });
      expect((await store.reserve(KEY, 0, 1000, 'next', TTL)).ok).to.equal(false);
    });

    it('treats a second settle, or a settle after release, as a no-op', async () => {
      const store = await h.store();
      await store.reserve(KEY, 500, 1000, 'r1', TTL);
      await store.reserve(KEY, 200, 1000, 'r2', TTL);
      await store.settle(KEY, 'r1', 400);
      expect(await store.settle(KEY, 'r1', 400)).to.deep.equal({
        applied: false,
        spentMicros: 400,
        reservedMicros: 200,
      });
      expect(await store.release(KEY, 'r2')).to.deep.equal({
        applied: true,
        spentMicros: 400,
        reservedMicros: 0,
      });
      expect((await store.release(KEY, 'r2')).applied).to.equal(false);
      expect((await store.settle(KEY, 'r2', 200)).applied).to.equal(false);
      expect((await store.release(KEY, 'never-made')).applied).to.equal(false);
      expect(await store.budgetState(KEY)).to.deep.equal({ spentMicros: 400, reservedMicros: 0 });
    });

    it('holds a repeated reserve once and refuses to reuse a finished id', async () => {
      const store = await h.store();
      await store.reserve(KEY, 300, 1000, 'same', TTL);
      expect(await store.reserve(KEY, 300, 1000, 'same', TTL)).to.deep.equal({
        ok: true,
        spentMicros: 0,
        reservedMicros: 300,
      });
      await store.settle(KEY, 'same', 300);
      expect(await store.reserve(KEY, 300, 1000, 'same', TTL)).to.deep.equal({
        ok: false,
        spentMicros: 300,
        reservedMicros: 0,
      });
    });

    it('stops counting a reservation when its ttl passes, and a late settle still commits', async () => {
      const clock = createFakeClock();
      const store = await h.store({ now: clock.now });
      await store.reserve(KEY, 800, 1000, 'dead', 30_000);
      clock.advance(29_999);
      expect(await store.budgetState(KEY)).to.deep.equal({ spentMicros: 0, reservedMicros: 800 });
      expect((await store.reserve(KEY, 800, 1000, 'blocked', 30_000)).ok).to.equal(false);
      clock.advance(1);
      expect(await store.budgetState(KEY)).to.deep.equal({ spentMicros: 0, reservedMicros: 0 });
      expect((await store.reserve(KEY, 800, 1000, 'next', 30_000)).ok).to.equal(true);
      expect(await store.settle(KEY, 'dead', 150)).to.deep.equal({
        applied: true,
        spentMicros: 150,
        reservedMicros: 800,
      });
      expect((await store.settle(KEY, 'dead', 150)).applied).to.equal(false);
    });

    it('expires reservations on the real clock too', async () => {
      const store = await h.store();
      await store.reserve(KEY, 800, 1000, 'dead', 50);
      await sleep(80);
      expect(await store.budgetState(KEY)).to.deep.equal({ spentMicros: 0, reservedMicros: 0 });
    });

    it('rejects floats and negative amounts with a RangeError, touching nothing', async () => {
      const store = await h.store();
      await expectRangeError(store.reserve(KEY, 0.5, 1000, 'f', TTL));
      await expectRangeError(store.reserve(KEY, -1, 1000, 'n', TTL));
      await expectRangeError(store.reserve(KEY, 1, 1000, 'z', 0));
      await expectRangeError(store.settle(KEY, 'f', 1.25));
      await expectRangeError(store.reserve(KEY, 1, 1000, '', TTL));
      expect(await store.budgetState(KEY)).to.deep.equal({ spentMicros: 0, reservedMicros: 0 });
    });

    it('admits exactly 270 of 1,000 simultaneous $0.0037 reservations against a $1.00 cap', async () => {
      const store = await h.store();
      await expectExactAdmission(() => store, store);
    });

    (h.shared ? it : it.skip)('admits exactly 270 when two instances race on one budget', async () => {
      const [a, b] = await h.pair();
      await expectExactAdmission((i) => (i % 2 === 0 ? a : b), b);
    });
  });
}

/** The concurrency proof: cap 1,000,000 micros, 1,000 x 3,700 at once, floor(1e6 / 3700) = 270. */
async function expectExactAdmission(storeFor: (i: number) => StateStore, reader: StateStore): Promise<void> {
  const ids = Array.from({ length: 1000 }, (_, i) => `req-${i}`);
  const results = await Promise.all(ids.map((id, i) => storeFor(i).reserve(KEY, 3700, 1_000_000, id, TTL)));
  const admitted = ids.filter((_, i) => results[i]?.ok);
  expect(admitted).to.have.length(270);
  for (const result of results) expect(result.spentMicros + result.reservedMicros).to.be.at.most(1_000_000);
  await Promise.all(admitted.map((id, i) => storeFor(i).settle(KEY, id, 3700)));
  expect(await reader.budgetState(KEY)).to.deep.equal({ spentMicros: 999_000, reservedMicros: 0 });
}
