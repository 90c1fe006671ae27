import { expect } from 'chai';
import { type ContractHarness, sleep } from './harness.js';

export function counterContract(h: ContractHarness): void {
  describe('incr', () => {
    it('returns the running total, adding `by` each time', async () => {
      const store = await h.store();
      expect(await store.incr('hits', 1, 60_000)).to.equal(1);
      expect(await store.incr('hits', 5, 60_000)).to.equal(6);
      expect(await store.incr('hits', -2, 60_000)).to.equal(4);
      expect(await store.incr('other', 1, 60_000)).to.equal(1);
    });

    it('loses no increment when 200 run at once', async () => {
      const store = await h.store();
      const values = await Promise.all(Array.from({ length: 200 }, () => store.incr('c', 1, 60_000)));
      expect([...values].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 200 }, (_, i) => i + 1));
    });

    (h.shared ? it : it.skip)('loses no increment across two instances', async () => {
      const [a, b] = await h.pair();
      await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? a : b).incr('c', 1, 60_000)));
      expect(await b.incr('c', 0, 60_000)).to.equal(100);
    });

    it('expires ttlMs after creation and later increments do not extend it', async () => {
      const store = await h.store();
      expect(await store.incr('window', 1, 100)).to.equal(1);
      await sleep(60);
      expect(await store.incr('window', 1, 100)).to.equal(2); // an extended ttl would now run to ~160 ms
      await sleep(60);
      expect(await store.incr('window', 1, 100)).to.equal(1);
    });

    it('rejects a non-integer step or ttl with a RangeError', async () => {
      const store = await h.store();
      await expectRangeError(store.incr('c', 0.5, 1000));
      await expectRangeError(store.incr('c', 1, 0));
      expect(await store.incr('c', 1, 1000)).to.equal(1);
    });
  });
}

export async function expectRangeError(promise: Promise<unknown>): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught).to.be.instanceOf(RangeError);
}
