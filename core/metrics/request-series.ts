/**
 * The per-request metrics, kept off prom-client's hot path: prom-client hashes the label set
 * into a string on every update (about 1 µs per metric). Here a request finds its series with
 * four Map lookups on values it already holds (the route, the catalog entry object, the team,
 * the status number) and adds to plain numbers; the label strings are built once per series, and
 * the exposition is produced at scrape time by metric objects registered in the gateway's
 * registry.
 */
import type { Registry } from 'prom-client';

export class Buckets {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }
  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.sum += value;
    this.count++;
  }
}

/** One (route, provider, model, team, status) combination and everything counted for it. */
export interface RequestSeries {
  readonly labels: {
    readonly route: string;
    readonly provider: string;
    readonly model: string;
    readonly team: string;
    readonly status: string;
  };
  requests: number;
  readonly duration: Buckets;
  readonly ttft: Buckets;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
export const OVERHEAD_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

type Level<K, V> = Map<K, V>;

export class RequestSeriesTable {
  /** route → entry (or model label) → team → status → series. */
  private readonly index: Level<string, Level<object | string, Level<string, Level<number, RequestSeries>>>> =
    new Map();
  readonly series: RequestSeries[] = [];
  /** Gateway overhead by route. */
  readonly overhead = new Map<string, Buckets>();

  get(
    route: string,
    key: object | string,
    provider: string,
    model: string,
    team: string,
    status: number,
  ): RequestSeries {
    const byKey = child(this.index, route);
    const byTeam = child(byKey, key);
    const byStatus = child(byTeam, team);
    let found = byStatus.get(status);
    if (!found) {
      found = {
        labels: { route, provider, model, team, status: String(status) },
        requests: 0,
        duration: new Buckets(LATENCY_BUCKETS),
        ttft: new Buckets(LATENCY_BUCKETS),
        promptTokens: 0,
        completionTokens: 0,
        costUsd: 0,
      };
      byStatus.set(status, found);
      this.series.push(found);
    }
    return found;
  }

  overheadOf(route: string): Buckets {
    let found = this.overhead.get(route);
    if (!found) this.overhead.set(route, (found = new Buckets(OVERHEAD_BUCKETS)));
    return found;
  }
}

function child<K, V extends Map<unknown, unknown>>(map: Map<K, V>, key: K): V {
  let found = map.get(key);
  if (!found) map.set(key, (found = new Map() as V));
  return found;
}

type Labels = Record<string, string>;

/** One exposition line: `metricName{labels} value` (the metric's own name when absent). */
interface ScrapedValue {
  metricName?: string;
  labels: Labels;
  value: number;
}

/** A metric the registry exposes by calling get() at scrape time. */
function scrapedMetric(
  registry: Registry,
  name: string,
  help: string,
  type: 'counter' | 'histogram',
  values: () => ScrapedValue[],
): void {
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum' as const,
    get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
    reset: () => undefined,
  };
  registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
}

/** Sums `value` of each series into groups keyed by the chosen labels. */
function grouped(
  series: readonly RequestSeries[],
  pick: (labels: RequestSeries['labels']) => Labels,
  value: (s: RequestSeries) => number,
): ScrapedValue[] {
  const groups = new Map<string, ScrapedValue>();
  for (const s of series) {
    const v = value(s);
    if (v === 0) continue;
    const labels = pick(s.labels);
    const key = JSON.stringify(labels);
    const found = groups.get(key);
    if (found) found.value += v;
    else groups.set(key, { labels, value: v });
  }
  return [...groups.values()];
}

function histogramValues(name: string, groups: Iterable<[Labels, Buckets[]]>): ScrapedValue[] {
  const values: ScrapedValue[] = [];
  for (const [labels, parts] of groups) {
    const first = parts[0];
    if (!first) continue;
    let count = 0;
    let sum = 0;
    for (const b of parts) {
      count += b.count;
      sum += b.sum;
    }
    if (count === 0) continue;
    let cumulative = 0;
    first.bounds.forEach((bound, i) => {
      for (const b of parts) cumulative += b.counts[i] ?? 0;
      values.push({
        metricName: `${name}_bucket`,
        labels: { ...labels, le: String(bound) },
        value: cumulative,
      });
    });
    values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count });
    values.push({ metricName: `${name}_sum`, labels, value: sum });
    values.push({ metricName: `${name}_count`, labels, value: count });
  }
  return values;
}

function byEntry(series: readonly RequestSeries[], pick: (s: RequestSeries) => Buckets) {
  const groups = new Map<string, [Labels, Buckets[]]>();
  for (const s of series) {
    const { route, provider, model } = s.labels;
    const key = `${route}\u0000${provider}\u0000${model}`;
    const found = groups.get(key);
    if (found) found[1].push(pick(s));
    else groups.set(key, [{ route, provider, model }, [pick(s)]]);
  }
  return groups.values();
}

/** Registers the series-backed metrics (names and labels in docs/operations.md#metrics). */
export function registerRequestSeries(registry: Registry, table: RequestSeriesTable): void {
  const all = table.series;
  scrapedMetric(
    registry,
    'switchyard_requests_total',
    'Requests answered, by route (operation), provider, model, team and HTTP status.',
    'counter',
    () =>
      grouped(
        all,
        (l) => ({ ...l }),
        (s) => s.requests,
      ),
  );
  scrapedMetric(
    registry,
    'switchyard_request_duration_seconds',
    'Time from arrival to the last byte.',
    'histogram',
    () =>
      histogramValues(
        'switchyard_request_duration_seconds',
        byEntry(all, (s) => s.duration),
      ),
  );
  scrapedMetric(
    registry,
    'switchyard_time_to_first_token_seconds',
    'Streaming requests: time from arrival to the first output token.',
    'histogram',
    () =>
      histogramValues(
        'switchyard_time_to_first_token_seconds',
        byEntry(all, (s) => s.ttft),
      ),
  );
  scrapedMetric(
    registry,
    'switchyard_gateway_overhead_seconds',
    'Time to the answer (streams: to the first token) not spent waiting on upstream attempts.',
    'histogram',
    () =>
      histogramValues(
        'switchyard_gateway_overhead_seconds',
        [...table.overhead].map(([route, b]): [Labels, Buckets[]] => [{ route }, [b]]),
      ),
  );
  const usageLabels = (l: RequestSeries['labels']) => ({
    provider: l.provider,
    model: l.model,
    team: l.team,
  });
  scrapedMetric(
    registry,
    'switchyard_tokens_total',
    'Tokens by provider, model, team and type (prompt, completion).',
    'counter',
    () => [
      ...grouped(
        all,
        (l) => ({ ...usageLabels(l), type: 'prompt' }),
        (s) => s.promptTokens,
      ),
      ...grouped(
        all,
        (l) => ({ ...usageLabels(l), type: 'completion' }),
        (s) => s.completionTokens,
      ),
    ],
  );
  scrapedMetric(
    registry,
    'switchyard_cost_usd_total',
    'Upstream cost in USD at catalog prices.',
    'counter',
    () => grouped(all, usageLabels, (s) => s.costUsd),
  );
}
