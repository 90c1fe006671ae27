import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createLedger, createPostgresSink, createSilentLogger } from '../../../index.js';
import { createTcpProxy } from '../store/fixtures/tcp-proxy.js';
import { PG_URL, record } from './fixtures.js';

describe('createPostgresSink', () => {
  const schema = `sy_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new pg.Pool({ connectionString: PG_URL });

  after(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  async function count(): Promise<number> {
    const result = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.ledger`);
    return Number(result.rows[0]?.n);
  }

  it('creates its schema by migration, with indexes for reporting, and ignores a batch written twice', async () => {
    const sink = createPostgresSink({ url: PG_URL, schema });
    try {
      await sink.write([record(1), record(2)]);
      await sink.write([record(1), record(2), record(3)]);
      expect(await count()).to.equal(3);
      const indexes = await admin.query<{ indexname: string }>(
        'SELECT indexname FROM pg_indexes WHERE schemaname = $1',
        [schema],
      );
      expect(indexes.rows.map((row) => row.indexname)).to.include.members([
        'ledger_time',
        'ledger_team_time',
        'ledger_key_time',
        'ledger_model_time',
        'ledger_provider_time',
      ]);
      const byTeam = await sink.usage?.({ by: 'team', since: 0 });
      expect(byTeam?.map((row) => [row.group, row.requests])).to.deep.equal([
        ['globex', 2],
        ['acme', 1],
      ]);
    } finally {
      await sink.close?.();
    }
  });

  it('loses no record while PostgreSQL is unreachable for a while', async function () {
    this.timeout(20_000);
    const proxy = await createTcpProxy(PG_URL);
    const url = new URL(PG_URL);
    url.port = String(proxy.port);
    const sink = createPostgresSink({ url: url.toString(), schema, timeoutMs: 500 });
    const ledger = createLedger({
      sinks: [sink],
      logger: createSilentLogger(),
      batchSize: 10,
      flushIntervalMs: 20,
      maxBackoffMs: 200,
    });
    const before = await count();
    try {
      for (let i = 100; i < 130; i++) ledger.record(record(i));
      await ledger.flush();
      await proxy.stop();
      for (let i = 130; i < 200; i++) ledger.record(record(i));
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(ledger.stats()[sink.name]?.failures).to.be.greaterThan(0);
      await proxy.start();
      await ledger.close();
      expect(await count()).to.equal(before + 100);
    } finally {
      await proxy.stop();
    }
  });
});
