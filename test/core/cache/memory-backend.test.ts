import { expect } from 'chai';
import { createMemoryCacheBackend, entryBytes } from '../../../core/cache/index.js';

describe('createMemoryCacheBackend', () => {
  it('is bounded by bytes, not entries: evicts the least recently used when full', async () => {
    const big = 'x'.repeat(1_000);
    const perEntry = entryBytes('k0', big);
    const backend = createMemoryCacheBackend({ maxBytes: perEntry * 3 });
    for (let i = 0; i < 3; i++) await backend.set(`k${i}`, big, 60_000);
    await backend.get('k0'); // k0 is now the most recently used
    await backend.set('k3', big, 60_000);
    expect(await backend.get('k1')).to.equal(undefined, 'the least recently used went');
    expect(await backend.get('k0')).to.equal(big);
    expect(await backend.get('k3')).to.equal(big);
  });

  it('holds many small entries within the same byte budget', async () => {
    const backend = createMemoryCacheBackend({ maxBytes: entryBytes('k0', 'x'.repeat(1_000)) * 3 });
    for (let i = 0; i < 100; i++) await backend.set(`s${i}`, 'y', 60_000);
    for (let i = 0; i < 100; i++) expect(await backend.get(`s${i}`)).to.equal('y');
  });

  it('does not store an entry larger than the whole budget', async () => {
    const backend = createMemoryCacheBackend({ maxBytes: 100 });
    await backend.set('huge', 'z'.repeat(1_000), 60_000);
    expect(await backend.get('huge')).to.equal(undefined);
  });

  it('expires entries after their TTL', async () => {
    const backend = createMemoryCacheBackend({ maxBytes: 10_000 });
    await backend.set('t', 'v', 20);
    expect(await backend.get('t')).to.equal('v');
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(await backend.get('t')).to.equal(undefined);
  });
});
