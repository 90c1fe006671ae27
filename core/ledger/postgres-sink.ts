/**
 * The PostgreSQL ledger sink. Migrations run on first use (so a gateway starts while Postgres is
 * down and catches up later); batches are one INSERT … SELECT from a JSON array, and
 * `ON CONFLICT (id) DO NOTHING` makes a retried batch harmless.
 */
import { createRequire } from 'node:module';
import type pg from 'pg';

// Loaded on first use: pg adds ~16 MB to a process that never writes to PostgreSQL.
const load = createRequire(import.meta.url);
const loadPg = () => load('pg') as typeof pg;
import { LEDGER_MIGRATIONS } from './postgres-migrations.js';
import type { LedgerSink, UsageDimension, UsageRow } from './types.js';

export interface PostgresSinkOptions {
  /** `postgres://user@host:5432/db`. */
  url: string;
  /** Schema holding the tables; created when missing. Default `switchyard`. */
  schema?: string;
  /** Bound on connecting and on each statement. Default 5000 ms. */
  timeoutMs?: number;
}

const COLUMN: Record<UsageDimension, string> = {
  team: 'team',
  key: 'key_id',
  model: 'model',
  provider: 'provider',
  project: 'project',
  user: 'user_id',
};

export function createPostgresSink(options: PostgresSinkOptions): LedgerSink {
  const schema = options.schema ?? 'switchyard';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new RangeError(`invalid schema name '${schema}'`);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const pool = new (loadPg().Pool)({
    connectionString: options.url,
    max: 4,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    idleTimeoutMillis: 10_000,
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  let migrated: Promise<void> | undefined;

  function migrate(): Promise<void> {
    migrated ??= runMigrations(pool, schema).catch((error: unknown) => {
      migrated = undefined;
      throw error;
    });
    return migrated;
  }

  return {
    name: `postgres:${schema}`,
    async write(records) {
      await migrate();
      await pool.query(
        `INSERT INTO ${schema}.ledger (id, time, operation, caller_id, key_id, team, project, user_id,
           model, provider, served_model, rule, policy_revision, status, outcome, code, stream,
           prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, estimated, cost_usd,
           charged_usd, latency_ms, ttft_ms, cache_hit, saved_usd, byok, record)
         SELECT r->>'id', (r->>'time')::timestamptz, r->>'operation', r->>'callerId', r->>'keyId',
           r->>'team', r->>'project', r->>'user', r->>'model', r->>'provider', r->>'servedModel',
           r->>'rule', r->>'policyRevision', (r->>'status')::int, r->>'outcome', r->>'code',
           (r->>'stream')::boolean, (r->>'promptTokens')::int, (r->>'completionTokens')::int,
           (r->>'cachedTokens')::int, (r->>'reasoningTokens')::int, (r->>'estimated')::boolean,
           (r->>'costUsd')::numeric, (r->>'chargedUsd')::numeric, (r->>'latencyMs')::int,
           (r->>'ttftMs')::int, (r->>'cacheHit')::boolean, (r->>'savedUsd')::numeric,
           (r->>'byok')::boolean, r
         FROM jsonb_array_elements($1::jsonb) AS r
         ON CONFLICT (id) DO NOTHING`,
        [JSON.stringify(records)],
      );
    },
    async usage(query) {
      await migrate();
      const column = COLUMN[query.by];
      const result = await pool.query<{
        grp: string | null;
        requests: string;
        errors: string;
        prompt: string | null;
        completion: string | null;
        cost: string | null;
        charged: string | null;
      }>(
        `SELECT ${column} AS grp, count(*) AS requests, count(*) FILTER (WHERE outcome = 'error') AS errors,
           sum(prompt_tokens) AS prompt, sum(completion_tokens) AS completion,
           sum(cost_usd) AS cost, sum(charged_usd) AS charged
         FROM ${schema}.ledger WHERE time >= $1 GROUP BY 1 ORDER BY sum(cost_usd) DESC, count(*) DESC`,
        [new Date(query.since).toISOString()],
      );
      return result.rows.map((row): UsageRow => ({
        group: row.grp,
        requests: Number(row.requests),
        errors: Number(row.errors),
        promptTokens: Number(row.prompt ?? 0),
        completionTokens: Number(row.completion ?? 0),
        costUsd: Number(row.cost ?? 0),
        chargedUsd: Number(row.charged ?? 0),
      }));
    },
    async close() {
      await pool.end();
    },
  };
}

async function runMigrations(pool: pg.Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`switchyard-ledger:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = await client.query<{ version: number }>(`SELECT version FROM ${schema}.migrations`);
    const applied = new Set(done.rows.map((row) => row.version));
    for (const migration of LEDGER_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql(schema));
      await client.query(`INSERT INTO ${schema}.migrations (version) VALUES ($1)`, [migration.version]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
