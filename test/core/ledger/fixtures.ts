import type { LedgerRecord } from '../../../core/ledger/index.js';

export const PG_URL = process.env.SWITCHYARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function record(i: number, overrides: Partial<LedgerRecord> = {}): LedgerRecord {
  return {
    id: `req_${i}`,
    time: new Date(Date.parse('2026-11-30T12:00:00Z') + i).toISOString(),
    operation: 'chat',
    callerId: `key_${i % 3}`,
    keyId: `key_${i % 3}`,
    team: i % 2 === 0 ? 'acme' : 'globex',
    model: 'test-model',
    provider: 'p0',
    servedModel: 'test-model',
    attempts: [{ provider: 'p0', model: 'test-model', outcome: 'ok', durationMs: 5 }],
    status: 200,
    outcome: 'ok',
    stream: false,
    promptTokens: 10,
    completionTokens: 100,
    cachedTokens: 0,
    reasoningTokens: 0,
    estimated: false,
    costUsd: 0.0037,
    chargedUsd: 0.0037,
    latencyMs: 12,
    cacheHit: false,
    savedUsd: 0,
    byok: false,
    findings: [],
    ...overrides,
  };
}
