/** The periods a budget can reset over; `total` never resets. */
export type BudgetWindow = 'day' | 'month' | 'total';

/**
 * The store key of one budget period, e.g. `budget:team:acme:2026-11`. Periods are UTC calendar
 * days and months whatever the server's time zone, so every instance computes the same key at the
 * same instant; a new period is simply a new key that starts at zero.
 *
 * @example
 * budgetKey('team', 'acme', 'month', new Date('2026-11-30T23:30:00Z')); // 'budget:team:acme:2026-11'
 */
export function budgetKey(
  scope: string,
  id: string,
  window: BudgetWindow,
  now: Date | number = Date.now(),
): string {
  const date = new Date(now);
  const month = `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
  const period =
    window === 'total'
      ? 'total'
      : window === 'month'
        ? month
        : `${month}-${String(date.getUTCDate()).padStart(2, '0')}`;
  return `budget:${scope}:${id}:${period}`;
}
