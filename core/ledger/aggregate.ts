import type { LedgerRecord, UsageDimension, UsageQuery, UsageRow } from './types.js';

const FIELD: Record<UsageDimension, keyof LedgerRecord> = {
  team: 'team',
  key: 'keyId',
  model: 'model',
  provider: 'provider',
  project: 'project',
  user: 'user',
};

/** Groups records the way the SQL sink does, for sinks without a query engine (JSONL, memory). */
export function aggregateUsage(records: Iterable<LedgerRecord>, query: UsageQuery): UsageRow[] {
  const rows = new Map<string | null, UsageRow>();
  const field = FIELD[query.by];
  for (const record of records) {
    if (Date.parse(record.time) < query.since) continue;
    const value = record[field];
    const group = typeof value === 'string' ? value : null;
    let row = rows.get(group);
    if (!row) {
      row = {
        group,
        requests: 0,
        errors: 0,
        promptTokens: 0,
        completionTokens: 0,
        costUsd: 0,
        chargedUsd: 0,
      };
      rows.set(group, row);
    }
    row.requests++;
    if (record.outcome === 'error') row.errors++;
    row.promptTokens += record.promptTokens;
    row.completionTokens += record.completionTokens;
    row.costUsd += record.costUsd;
    row.chargedUsd += record.chargedUsd;
  }
  for (const row of rows.values()) {
    row.costUsd = round(row.costUsd);
    row.chargedUsd = round(row.chargedUsd);
  }
  return [...rows.values()].sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests);
}

function round(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}

/** `7d`, `24h`, `30m`, or an ISO date; returns epoch ms. */
export function parseSince(since: string, now = Date.now()): number {
  const match = /^(\d+)([dhm])$/.exec(since.trim());
  if (match) {
    const amount = Number(match[1]);
    const unit = match[2] === 'd' ? 86_400_000 : match[2] === 'h' ? 3_600_000 : 60_000;
    return now - amount * unit;
  }
  const at = Date.parse(since);
  if (Number.isNaN(at))
    throw new RangeError(`since must be like 7d, 24h, 30m or an ISO date, got '${since}'`);
  return at;
}
