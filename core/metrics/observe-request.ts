/**
 * Turns one finished request into metric updates: on success, four Map lookups and a few
 * additions (./request-series.ts); prom-client is called only for errors, failovers and guardrail
 * findings. Label values are bounded here.
 */
import type { GatewayContext } from '../context.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { Catalog } from '../catalog.js';
import type { MetricSet } from './gateway-metrics.js';
import type { RequestSeriesTable } from './request-series.js';

/** What became of a request, as the accounting stage sees it. */
export type RequestOutcome = 'ok' | 'error' | 'closed';

const REJECTION_REASONS: Readonly<Record<string, string>> = {
  SY_ERR_RATE_LIMITED: 'rate_limit',
  SY_ERR_BUDGET_EXCEEDED: 'budget',
  SY_ERR_GUARDRAIL_DENIED: 'guardrail',
  SY_ERR_POLICY_DENIED: 'policy',
  SY_ERR_DATA_POLICY_NO_PROVIDER: 'data_policy',
  SY_ERR_AUTH_UNAUTHORIZED: 'auth',
  SY_ERR_AUTH_FORBIDDEN: 'auth',
};

/** Teams named in the configuration (`teams`, `auth.keys[].team`); any other is `other`. */
export function configuredTeams(config: ResolvedConfig): ReadonlySet<string> {
  const teams = new Set(Object.keys(config.source.teams ?? {}));
  for (const key of config.source.auth?.keys ?? []) if (key.team) teams.add(key.team);
  return teams;
}

/** Model names the catalog serves (ids and aliases); a request for anything else counts as `other`. */
export function knownModels(catalog: Catalog, config: ResolvedConfig): ReadonlySet<string> {
  const models = new Set<string>();
  for (const entry of catalog.entries) models.add(entry.model);
  for (const alias of Object.keys(config.aliases)) models.add(alias);
  return models;
}

export function createRequestObserver(
  metrics: MetricSet,
  table: RequestSeriesTable,
  teams: ReadonlySet<string>,
  models: ReadonlySet<string>,
) {
  const teamLabel = (team: string | undefined) =>
    team === undefined ? 'none' : teams.has(team) ? team : 'other';

  return function observe(ctx: GatewayContext, outcome: RequestOutcome, now: number): void {
    const route = ctx.operation;
    const served = ctx.served;
    const requested = ctx.request.model;
    const model = served?.model ?? (models.has(requested) ? requested : 'other');
    const team = teamLabel(ctx.caller?.team);
    const error = ctx.error;
    // A stream cut by the client after the answer started was a 200 on the wire.
    const status = error && outcome === 'error' ? error.status : outcome === 'closed' ? 499 : 200;
    const series = table.get(route, served ?? model, served?.provider ?? 'none', model, team, status);
    series.requests++;
    if (error && outcome === 'error') {
      metrics.errors.inc({ route, code: error.code });
      const reason = REJECTION_REASONS[error.code];
      if (reason !== undefined) metrics.rejections.inc({ reason, team });
    }

    const totalMs = now - ctx.startedAt;
    series.duration.observe(totalMs / 1000);
    const usage = ctx.usage;
    const streamed = ctx.operation === 'chat' && ctx.request.stream === true;
    if (streamed && usage?.ttftMs !== undefined) series.ttft.observe(usage.ttftMs / 1000);

    const attempts = ctx.attempts;
    if (attempts.length > 0 && outcome === 'ok') {
      let upstreamMs = 0;
      for (const attempt of attempts) upstreamMs += attempt.durationMs;
      const answeredMs = streamed ? (usage?.ttftMs ?? totalMs) : totalMs;
      table.overheadOf(route).observe(Math.max(0, answeredMs - upstreamMs) / 1000);
    }
    for (let i = 0; i < attempts.length - 1; i++) {
      const attempt = attempts[i];
      if (attempt?.error) {
        metrics.failovers.inc({ provider: attempt.provider, model: attempt.model, code: attempt.error.code });
      }
    }

    if (usage && served) {
      series.promptTokens += usage.promptTokens;
      series.completionTokens += usage.completionTokens;
      series.costUsd += usage.costUsd;
      if (usage.cacheHit && usage.savedUsd) metrics.cacheSaved.inc(usage.savedUsd);
    }
    const findings = ctx.state.guardrails?.findings;
    if (findings) {
      for (const finding of findings) {
        metrics.guardrails.inc({
          guardrail: finding.guardrail,
          phase: finding.phase,
          action: finding.action,
        });
      }
    }
  };
}
