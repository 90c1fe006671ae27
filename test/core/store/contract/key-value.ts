import { expect } from 'chai';
import { type ContractHarness, sleep } from './harness.js';

export function keyValueContract(h: ContractHarness): void {
  describe('get / set / setIfAbsent / delete', () => {
    it('round-trips JSON values and answers undefined for a missing key', async () => {
      const store = await h.store();
      const value = { model: 'gpt-4o', tokens: [1, 2, 3], cached: true, note: null, text: 'é "q"' };
      await store.set('obj', value);
      await store.set('str', 'plain');
      await store.set('num', 0);
      expect(await store.get('obj')).to.deep.equal(value);
      expect(await store.get('str')).to.equal('plain');
      expect(await store.get('num')).to.equal(0);
      expect(await store.get('missing')).to.equal(undefined);
    });

    it('replaces a value and forgets it after its ttl', async () => {
      const store = await h.store();
      await store.set('k', 'first', 60_000);
      await store.set('k', 'second', 80);
      expect(await store.get('k')).to.equal('second');
      await sleep(130);
      expect(await store.get('k')).to.equal(undefined);
    });

    it('lets exactly one of many concurrent setIfAbsent calls win, until the ttl passes', async () => {
      const store = await h.store();
      const wins = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store.setIfAbsent('lock', `o${i}`, 80)),
      );
      expect(wins.filter(Boolean)).to.have.length(1);
      expect(await store.get('lock')).to.equal(`o${wins.indexOf(true)}`);
      await sleep(130);
      expect(await store.setIfAbsent('lock', 'late', 1000)).to.equal(true);
    });

    (h.shared ? it : it.skip)('lets exactly one instance win setIfAbsent', async () => {
      const [a, b] = await h.pair();
      const wins = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).setIfAbsent('lock', i, 60_000)),
      );
      expect(wins.filter(Boolean)).to.have.length(1);
    });

    it('deletes, and with ifValue only when the stored value matches', async () => {
      const store = await h.store();
      await store.set('lock', { owner: 'a' }, 60_000);
      expect(await store.delete('lock', { owner: 'b' })).to.equal(false);
      expect(await store.get('lock')).to.deep.equal({ owner: 'a' });
      expect(await store.delete('lock', { owner: 'a' })).to.equal(true);
      expect(await store.get('lock')).to.equal(undefined);
      expect(await store.delete('lock')).to.equal(false);
      await store.set('plain', 1);
      expect(await store.delete('plain')).to.equal(true);
    });

    it('keeps key-values, counters, rate limits and budgets in separate key spaces', async () => {
      const store = await h.store();
      await store.set('x', 'value');
      expect(await store.incr('x', 1, 60_000)).to.equal(1);
      expect((await store.rateLimitHit('x', 1, 60_000)).allowed).to.equal(true);
      expect((await store.reserve('x', 5, 10, 'r', 60_000)).ok).to.equal(true);
      expect(await store.get('x')).to.equal('value');
    });
  });

  describe('ping / close', () => {
    it('answers ping while open, then rejects every call with StoreUnavailableError', async () => {
      const store = await h.store();
      await store.ping();
      await store.close();
      await store.close(); // idempotent
      for (const call of [() => store.ping(), () => store.get('k'), () => store.incr('c', 1, 1000)]) {
        const error = await call().then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(error).to.have.property('name', 'StoreUnavailableError');
        expect(error).to.have.property('status', 503);
      }
    });
  });
}
