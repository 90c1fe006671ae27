import { expect } from 'chai';
import { createMemoryStore } from '../../../core/store/index.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('memory', {
  create: ({ now }) => createMemoryStore({ now }),
  sharedAcrossInstances: false,
});

describe('createMemoryStore', () => {
  it('evicts the least recently used key-values beyond maxEntries', async () => {
    const store = createMemoryStore({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) await store.set(key, key);
    await store.get('a'); // now b is the least recently used
    await store.set('d', 'd');
    expect(await store.get('b')).to.equal(undefined);
    expect(await Promise.all(['a', 'c', 'd'].map((key) => store.get(key)))).to.deep.equal(['a', 'c', 'd']);
  });

  it('evicts key-values beyond maxSizeBytes', async () => {
    const store = createMemoryStore({ maxSizeBytes: 1_000 });
    await store.set('big1', 'x'.repeat(300));
    await store.set('big2', 'y'.repeat(300));
    expect(await store.get('big1')).to.equal(undefined);
    expect(await store.get('big2')).to.equal('y'.repeat(300));
  });

  it('hands out copies, so mutating a value read or written does not change the stored one', async () => {
    const store = createMemoryStore();
    const value = { n: 1 };
    await store.set('k', value);
    value.n = 2;
    const read = (await store.get('k')) as { n: number };
    read.n = 3;
    expect(await store.get('k')).to.deep.equal({ n: 1 });
  });

  it('restarts an expired counter on the injected clock', async () => {
    let now = 0;
    const store = createMemoryStore({ now: () => now });
    await store.incr('c', 5, 1000);
    now = 999;
    expect(await store.incr('c', 1, 1000)).to.equal(6);
    now = 1000;
    expect(await store.incr('c', 1, 1000)).to.equal(1);
  });
});
