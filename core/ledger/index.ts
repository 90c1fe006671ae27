/** The audit ledger: records, sinks (JSONL, PostgreSQL, your own) and usage reports. */
import type { ResolvedAccounting } from '../config/resolve-accounting.js';
import type { Logger } from '../logger.js';
import { createJsonlSink } from './jsonl-sink.js';
import { createLedger, type Ledger } from './ledger.js';
import { createPostgresSink } from './postgres-sink.js';
import type { LedgerSink } from './types.js';

export type * from './types.js';
export { createLedger, type Ledger, type LedgerOptions, type LedgerStats } from './ledger.js';
export { createJsonlSink, type JsonlSinkOptions } from './jsonl-sink.js';
export { createPostgresSink, type PostgresSinkOptions } from './postgres-sink.js';
export { aggregateUsage, parseSince } from './aggregate.js';
export { buildLedgerRecord } from './record.js';

/** The ledger of a configuration: its sinks plus any handed to createGateway. */
export function ledgerFromConfig(
  config: ResolvedAccounting['ledger'],
  extraSinks: readonly LedgerSink[],
  logger: Logger,
): Ledger {
  const sinks = config.sinks.map((sink) =>
    sink.kind === 'jsonl'
      ? createJsonlSink(sink)
      : createPostgresSink({ url: sink.url, ...(sink.schema ? { schema: sink.schema } : {}) }),
  );
  return createLedger({
    sinks: [...sinks, ...extraSinks],
    logger: logger.child({ component: 'ledger' }),
    bufferMax: config.bufferMax,
    batchSize: config.batchSize,
    flushIntervalMs: config.flushIntervalMs,
  });
}
