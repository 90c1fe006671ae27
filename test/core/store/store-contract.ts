import { budgetContract } from './contract/budgets.js';
import { counterContract } from './contract/counters.js';
import { createHarness, type StoreFactory } from './contract/harness.js';
import { keyValueContract } from './contract/key-value.js';
import { rateLimitContract } from './contract/rate-limit.js';

export type { StoreFactory } from './contract/harness.js';

/**
 * The StateStore contract, written once and run against every implementation (the
 * abstract-level way): `describeStoreContract('redis', { create, sharedAcrossInstances: true })`.
 * Groups that need state shared between instances are marked pending for stores without it.
 */
export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`StateStore contract: ${name}`, () => {
    const harness = createHarness(factory);
    counterContract(harness);
    rateLimitContract(harness);
    budgetContract(harness);
    keyValueContract(harness);
  });
}
