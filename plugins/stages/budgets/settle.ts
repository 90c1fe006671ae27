import { StoreUnavailableError, type GatewayServices, type SettleResult } from '../../../core/index.js';

const RETRY_DELAYS_MS = [200, 1_000, 5_000, 15_000, 30_000];

/**
 * Settles (`micros` given) or releases (undefined) a reservation. When the store is away the
 * attempt is repeated in the background with growing pauses (about a minute in all), since
 * settles are idempotent; spend that still cannot be committed is logged as an error with its
 * amount. Never throws.
 */
export async function settleWithRetry(
  services: GatewayServices,
  budgetKey: string,
  reservationId: string,
  micros: number | undefined,
): Promise<SettleResult | undefined> {
  const store = services.store;
  if (!store) return undefined;
  const attempt = () =>
    micros === undefined
      ? store.release(budgetKey, reservationId)
      : store.settle(budgetKey, reservationId, micros);
  try {
    return await attempt();
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) {
      services.logger.error({ err: error, budgetKey, reservationId }, 'budget settle failed');
      return undefined;
    }
    void retry(services, attempt, budgetKey, reservationId, micros);
    return undefined;
  }
}

async function retry(
  services: GatewayServices,
  attempt: () => Promise<SettleResult>,
  budgetKey: string,
  reservationId: string,
  micros: number | undefined,
): Promise<void> {
  for (const delay of RETRY_DELAYS_MS) {
    await new Promise((resolve) => setTimeout(resolve, delay).unref());
    try {
      await attempt();
      return;
    } catch {
      // keep trying
    }
  }
  services.logger.error(
    { budgetKey, reservationId, micros },
    micros === undefined
      ? 'budget release failed; the reservation expires by itself'
      : 'budget settle failed: this spend is NOT committed',
  );
}
