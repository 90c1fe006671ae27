import type { StateStore } from '../../../../core/store/index.js';

/** How the contract makes stores of one implementation. */
export interface StoreFactory {
  /**
   * A new store instance. Instances made with the same namespace must share state when
   * `sharedAcrossInstances` is true (two gateways on one Redis); different namespaces never do.
   */
  create(options: { namespace: string; now?: () => number }): StateStore | Promise<StateStore>;
  /** Capability flag: whether two instances see each other's state. The memory store does not. */
  sharedAcrossInstances: boolean;
}

export interface ContractHarness {
  readonly shared: boolean;
  /** A store in a namespace of its own; closed after the test. */
  store(options?: { now?: () => number }): Promise<StateStore>;
  /** Two instances on one namespace, as two gateway processes would be. Shared stores only. */
  pair(options?: { now?: () => number }): Promise<[StateStore, StateStore]>;
}

let namespaces = 0;

/** Call inside a `describe`: it registers the hook that closes every store a test made. */
export function createHarness(factory: StoreFactory): ContractHarness {
  const open: StateStore[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
  });
  async function make(namespace: string, now?: () => number): Promise<StateStore> {
    const store = await factory.create({ namespace, now });
    open.push(store);
    return store;
  }
  return {
    shared: factory.sharedAcrossInstances,
    store: (options = {}) => make(`ns${(namespaces += 1)}`, options.now),
    async pair(options = {}) {
      const namespace = `ns${(namespaces += 1)}`;
      return [await make(namespace, options.now), await make(namespace, options.now)];
    },
  };
}

/** A clock tests move by hand; starts on a round minute so window boundaries are easy to name. */
export function createFakeClock(start = 1_700_000_040_000): { now: () => number; advance(ms: number): void } {
  let time = start;
  return {
    now: () => time,
    advance(ms) {
      time += ms;
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
