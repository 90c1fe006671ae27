import type { StaticKeyConfig } from '../config/types.js';
import { digestOf } from '../config/resolve-accounting.js';
import type { KeyRecord } from './types.js';

/** Key records for the keys listed in the configuration (`auth.keys`); they live in memory only. */
export function staticKeyRecords(keys: readonly StaticKeyConfig[], at: number): KeyRecord[] {
  return keys.map((key) => {
    const hash = key.keyHash ? digestOf(key.keyHash) : digestOf(key.key ?? '');
    const record: KeyRecord = {
      id: key.id ?? `key_${hash.slice(0, 12)}`,
      prefix: 'static',
      hash,
      labels: key.labels ?? {},
      disabled: key.disabled ?? false,
      createdAt: at,
      updatedAt: at,
      source: 'config',
    };
    if (key.team !== undefined) record.team = key.team;
    if (key.project !== undefined) record.project = key.project;
    if (key.user !== undefined) record.user = key.user;
    if (key.expiresAt !== undefined) record.expiresAt = Date.parse(key.expiresAt);
    if (key.models) record.models = key.models;
    if (key.providers) record.providers = key.providers;
    if (key.limits) record.limits = key.limits;
    if (key.budgets) record.budgets = key.budgets;
    return record;
  });
}
