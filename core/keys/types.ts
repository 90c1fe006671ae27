import type { BudgetCaps, RateLimitConfig } from '../config/accounting-types.js';

/** What a key grants; set at creation, changed only by rotation, disable or delete. */
export interface KeyAttributes {
  /** A human label (`ci-bot`). */
  name?: string;
  team?: string;
  project?: string;
  user?: string;
  labels?: Record<string, string>;
  /** Epoch ms after which the key is refused. */
  expiresAt?: number;
  /** Model globs the key may use; absent means all. */
  models?: string[];
  /** Provider globs the key may use; absent means all. */
  providers?: string[];
  /** This key's own rate limits (override `limits.keys`). */
  limits?: RateLimitConfig;
  /** This key's own spend caps in USD (override `budgets.keys`). */
  budgets?: BudgetCaps;
}

/** A key as stored: never the key itself, only its digest and lookup prefix. */
export interface KeyRecord extends KeyAttributes {
  id: string;
  /** `sy-` + lookup id for admin keys; `static` for keys from the configuration. */
  prefix: string;
  /** SHA-256 hex of the full key. */
  hash: string;
  /** The replaced secret during a rotation's grace period. */
  previous?: { prefix: string; hash: string; until: number };
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
  source: 'config' | 'admin';
}

/** A key record as the admin API shows it: everything but the digests. */
export type KeyView = Omit<KeyRecord, 'hash' | 'previous'> & { rotatingUntil?: number };

export function keyView(record: KeyRecord): KeyView {
  const { hash: _hash, previous, ...rest } = record;
  return previous ? { ...rest, rotatingUntil: previous.until } : rest;
}
