/**
 * The ledger's PostgreSQL schema, as ordered migrations. Each runs once per schema, in a
 * transaction holding an advisory lock, so instances starting together do not race.
 */
export const LEDGER_MIGRATIONS: readonly { version: number; sql: (schema: string) => string }[] = [
  {
    version: 1,
    sql: (s) => `
      CREATE TABLE IF NOT EXISTS ${s}.ledger (
        id text PRIMARY KEY,
        time timestamptz NOT NULL,
        operation text NOT NULL,
        caller_id text NOT NULL,
        key_id text,
        team text,
        project text,
        user_id text,
        model text NOT NULL,
        provider text,
        served_model text,
        rule text,
        policy_revision text,
        status integer NOT NULL,
        outcome text NOT NULL,
        code text,
        stream boolean NOT NULL,
        prompt_tokens integer NOT NULL,
        completion_tokens integer NOT NULL,
        cached_tokens integer NOT NULL,
        reasoning_tokens integer NOT NULL,
        estimated boolean NOT NULL,
        cost_usd numeric(20, 9) NOT NULL,
        charged_usd numeric(20, 9) NOT NULL,
        latency_ms integer NOT NULL,
        ttft_ms integer,
        cache_hit boolean NOT NULL,
        saved_usd numeric(20, 9) NOT NULL,
        byok boolean NOT NULL,
        record jsonb NOT NULL
      );
      CREATE INDEX IF NOT EXISTS ledger_time ON ${s}.ledger (time);
      CREATE INDEX IF NOT EXISTS ledger_team_time ON ${s}.ledger (team, time);
      CREATE INDEX IF NOT EXISTS ledger_key_time ON ${s}.ledger (key_id, time);
      CREATE INDEX IF NOT EXISTS ledger_model_time ON ${s}.ledger (model, time);
      CREATE INDEX IF NOT EXISTS ledger_provider_time ON ${s}.ledger (provider, time);
      CREATE INDEX IF NOT EXISTS ledger_project_time ON ${s}.ledger (project, time);`,
  },
];
