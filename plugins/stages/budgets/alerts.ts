import type { GatewayServices, SettleResult } from '../../../core/index.js';
import { describeCap, type Cap } from './caps.js';

const PERIOD_MS = { day: 2 * 86_400_000, month: 32 * 86_400_000, total: 3650 * 86_400_000 } as const;

/**
 * Soft-limit alerts: when committed spend crosses a threshold share of a cap, one alert per
 * threshold and period across all instances (deduplicated in the store): a warn log line and,
 * when configured, a webhook POST. Never throws.
 */
export async function alertThresholds(
  services: GatewayServices,
  cap: Cap,
  budgetKey: string,
  state: SettleResult,
): Promise<void> {
  const { thresholds, webhookUrl } = services.config.accounting.budgets.alerts;
  const store = services.store;
  if (!store || cap.capMicros <= 0) return;
  for (const threshold of thresholds) {
    if (state.spentMicros < cap.capMicros * threshold) continue;
    try {
      const first = await store.setIfAbsent(
        `alert:${budgetKey}:${threshold}`,
        services.now(),
        PERIOD_MS[cap.window],
      );
      if (!first) continue;
      const alert = {
        type: 'budget.threshold',
        scope: cap.scope,
        id: cap.id,
        window: cap.window,
        threshold,
        spentUsd: state.spentMicros / 1e6,
        capUsd: cap.capMicros / 1e6,
        budgetKey,
        at: new Date(services.now()).toISOString(),
      };
      services.logger.warn(
        alert,
        `budget alert: ${describeCap(cap)} is ${Math.round(threshold * 100)}% spent`,
      );
      if (webhookUrl) {
        const response = await fetch(webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(alert),
          signal: AbortSignal.timeout(5_000),
        });
        if (!response.ok)
          services.logger.error({ status: response.status, webhookUrl }, 'budget alert webhook failed');
      }
    } catch (error) {
      services.logger.error({ err: error, budgetKey }, 'budget alert failed');
    }
  }
}
