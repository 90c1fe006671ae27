import net from 'node:net';
import { expect } from 'chai';
import { createRedisStore, type StateStore, StoreUnavailableError } from '../../../core/store/index.js';
import { sleep } from './contract/harness.js';
import { deleteKeys, REDIS_URL, uniquePrefix } from './fixtures/redis-test-env.js';
import { createTcpProxy, type TcpProxy } from './fixtures/tcp-proxy.js';

/** Runs `call` and returns what it rejected with and how long that took. */
async function failure(call: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    await call();
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
  throw new Error('expected the call to fail');
}

describe('createRedisStore when Redis is unavailable', () => {
  const prefix = uniquePrefix('outage');
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  const stores: StateStore[] = [];
  const cleanups: Array<() => Promise<void>> = [];

  before(() => process.on('unhandledRejection', onUnhandled));
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await sleep(20); // let any stray rejection surface before checking
    expect(unhandled, 'unhandled rejections').to.deep.equal([]);
  });
  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await deleteKeys(prefix);
  });

  function store(
    url: string,
    options: { connectTimeoutMs?: number; commandTimeoutMs?: number } = {},
  ): StateStore {
    const created = createRedisStore({ url, prefix, maxReconnectDelayMs: 100, ...options });
    stores.push(created);
    return created;
  }

  it('fails with StoreUnavailableError within 1 s on a closed port, with default bounds', async () => {
    const closed = createRedisStore({ url: 'redis://127.0.0.1:1', prefix });
    stores.push(closed);
    for (const call of [
      () => closed.ping(),
      () => closed.reserve('b', 1, 10, 'r', 1000),
      () => closed.get('k'),
    ]) {
      const { error, ms } = await failure(call);
      expect(error).to.be.instanceOf(StoreUnavailableError);
      expect(error).to.include({ status: 503, code: 'SY_ERR_STORE_UNAVAILABLE', retryable: false });
      expect(ms).to.be.below(1000);
    }
  });

  it('gives up within connectTimeoutMs on a server that accepts but never answers', async () => {
    const silent = net.createServer(() => undefined);
    const sockets = new Set<net.Socket>();
    silent.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const port = (silent.address() as net.AddressInfo).port;
    const { error, ms } = await failure(() =>
      store(`redis://127.0.0.1:${port}`, { connectTimeoutMs: 300 }).ping(),
    );
    expect(error).to.be.instanceOf(StoreUnavailableError);
    expect(ms).to.be.within(250, 800);
  });

  describe('behind a proxy that can cut or stall the real Redis', () => {
    let proxy: TcpProxy;

    beforeEach(async () => {
      proxy = await createTcpProxy(REDIS_URL);
      cleanups.push(() => proxy.stop());
    });

    it('times out a stalled command after commandTimeoutMs, then carries on when Redis answers', async () => {
      const stalled = store(`redis://127.0.0.1:${proxy.port}`, { commandTimeoutMs: 200 });
      expect(await stalled.incr('c', 1, 60_000)).to.equal(1);
      proxy.freeze();
      const { error, ms } = await failure(() => stalled.incr('c', 1, 60_000));
      expect(error).to.be.instanceOf(StoreUnavailableError);
      expect(ms).to.be.within(150, 600);
      proxy.thaw();
      // The timed-out increment did reach Redis: a timeout means "unknown", not "not applied".
      expect(await stalled.incr('c', 1, 60_000)).to.equal(3);
    });

    it('fails fast while Redis is gone and recovers by itself when it is back', async () => {
      const flaky = store(`redis://127.0.0.1:${proxy.port}`);
      await flaky.set('survives', 'yes', 60_000);
      await proxy.stop();
      await sleep(50); // let the client notice the cut connection
      const { error, ms } = await failure(() => flaky.get('survives'));
      expect(error).to.be.instanceOf(StoreUnavailableError);
      expect(ms).to.be.below(100);

      await proxy.start();
      const started = performance.now();
      let recovered: unknown;
      while (recovered === undefined && performance.now() - started < 3000) {
        recovered = await flaky.get('survives').catch(() => sleep(25).then(() => undefined));
      }
      expect(recovered).to.equal('yes');
      expect(performance.now() - started).to.be.below(1000); // backoff is capped at 100 ms here
    });
  });
});
