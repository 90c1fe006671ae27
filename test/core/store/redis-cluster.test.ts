import { expect } from 'chai';
import { createRedisStore } from '../../../core/store/index.js';
import { uniquePrefix } from './fixtures/redis-test-env.js';
import { startLocalCluster, type LocalCluster } from './fixtures/redis-cluster.js';
import { describeStoreContract } from './store-contract.js';

// Ports spread by pid so parallel runs on one machine do not collide (bus ports are +10000).
const BASE_PORT = 17_000 + (process.pid % 1_000) * 3;

describe('createRedisStore with a Redis Cluster', function () {
  this.timeout(20_000);
  let cluster: LocalCluster | undefined;
  const prefix = uniquePrefix('cluster');

  before(async () => {
    cluster = await startLocalCluster(BASE_PORT);
  });

  after(async () => {
    await cluster?.stop();
  });

  function nodes(): string[] {
    if (!cluster) throw new Error('the local Redis Cluster did not start');
    return cluster.urls;
  }

  describeStoreContract('redis cluster', {
    create: ({ namespace, now }) =>
      createRedisStore({ cluster: nodes(), prefix: `${prefix}${namespace}:`, now }),
    sharedAcrossInstances: true,
  });

  it('reserves and rate-limits keys that hash to many slots, each script within one', async () => {
    const store = createRedisStore({ cluster: nodes(), prefix: `${prefix}spread:` });
    try {
      for (let i = 0; i < 20; i += 1) {
        expect((await store.reserve(`budget:team:t${i}:2026-11`, 1, 10, 'r', 60_000)).ok).to.equal(true);
        expect((await store.rateLimitHit(`rl:key:k${i}:requests`, 5, 60_000)).allowed).to.equal(true);
      }
      await store.ping();
    } finally {
      await store.close();
    }
  });

  it('refuses both a url and a cluster, and neither', () => {
    expect(() => createRedisStore({ url: 'redis://127.0.0.1:1', cluster: nodes() })).to.throw(RangeError);
    expect(() => createRedisStore({})).to.throw(RangeError);
    expect(() => createRedisStore({ cluster: [] })).to.throw(RangeError);
  });
});
