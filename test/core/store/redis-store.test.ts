import { expect } from 'chai';
import { createRedisStore } from '../../../core/store/index.js';
import { deleteKeys, listKeys, REDIS_URL, uniquePrefix } from './fixtures/redis-test-env.js';
import { describeStoreContract } from './store-contract.js';

const prefix = uniquePrefix('contract');

describeStoreContract('redis', {
  create: ({ namespace, now }) => createRedisStore({ url: REDIS_URL, prefix: `${prefix}${namespace}:`, now }),
  sharedAcrossInstances: true,
});

describe('createRedisStore', () => {
  const layoutPrefix = uniquePrefix('layout');

  after(async () => {
    await deleteKeys(prefix);
    await deleteKeys(layoutPrefix);
  });

  it('keeps every Redis key of one budget under one hash tag, behind the prefix', async () => {
    const store = createRedisStore({ url: REDIS_URL, prefix: layoutPrefix });
    try {
      await store.reserve('budget:team:a{c}me:2026-11', 10, 100, 'held', 60_000);
      await store.reserve('budget:team:a{c}me:2026-11', 10, 100, 'done', 60_000);
      await store.settle('budget:team:a{c}me:2026-11', 'done', 10);
      await store.rateLimitHit('rl:key', 5, 60_000);
      const tag = '{budget:team:a%7Bc%7Dme:2026-11}';
      expect(await listKeys(layoutPrefix)).to.deep.equal(
        [
          `${layoutPrefix}budget:${tag}`,
          `${layoutPrefix}budget:${tag}:done`,
          `${layoutPrefix}budget:${tag}:exp`,
          `${layoutPrefix}budget:${tag}:held`,
          `${layoutPrefix}rl:{rl:key}:log`,
          `${layoutPrefix}rl:{rl:key}:meta`,
        ].sort(),
      );
    } finally {
      await store.close();
    }
  });

  it('refuses a prefix with braces, which would break the hash tags', () => {
    expect(() => createRedisStore({ url: REDIS_URL, prefix: 'a{b}:' })).to.throw(RangeError);
  });
});
