/**
 * Turns the benchmark's measurements into the markdown that goes to the terminal, to
 * .bench-out/report.md and (by hand) to docs/benchmarks.md: the figures table, time to first
 * token, and the verdict against the targets. Every comparison is against a baseline
 * measured in the same run.
 */
import { median } from './compare-rounds.js';
import type { TtftResult } from './ttft.js';

export type TargetName = 'direct' | 'proxy' | 'switchyard' | 'switchyard-info';
export type Mode = 'json' | 'stream';

export const TARGET_LABELS: Record<TargetName, string> = {
  direct: 'mock upstream, direct',
  proxy: 'bare proxy',
  switchyard: 'Switchyard (log level warn)',
  'switchyard-info': 'Switchyard (log level info → /dev/null)',
};

export interface CellResult {
  target: TargetName;
  mode: Mode;
  connections: number;
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  /** CPU time of the measured process (the mock for `direct`) per request, microseconds. */
  cpuUsPerRequest: number;
  /** VmHWM of the measured process after this cell, MB (peak over its life so far). */
  peakRssMb: number;
}

export const TARGETS = {
  /** At concurrency 64, Switchyard's throughput over the bare proxy's, at least. */
  throughputRatio: 0.6,
  /** At concurrency 1, Switchyard's p50 minus the bare proxy's, at most (ms). */
  addedP50Ms: 0.2,
  /** Switchyard's median time to first token minus the direct one, at most (ms). */
  addedTtftMs: 1,
  /** Peak RSS of the gateway process, below (MB). */
  peakRssMb: 150,
};

function find(cells: CellResult[], target: TargetName, mode: Mode, connections: number) {
  return cells.find((c) => c.target === target && c.mode === mode && c.connections === connections);
}

const fixed = (value: number | undefined, digits: number): string =>
  value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);
const signed = (value: number | undefined, digits: number): string =>
  value === undefined || Number.isNaN(value) ? '–' : `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;

export function figuresTable(cells: CellResult[]): string {
  const lines = [
    '| mode | c | target | req/s | × proxy | p50 ms | p99 ms | p50 added vs direct | p50 added vs proxy | p99 added vs proxy | CPU µs/req | peak RSS MB |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const cell of cells) {
    const direct = find(cells, 'direct', cell.mode, cell.connections);
    const proxy = find(cells, 'proxy', cell.mode, cell.connections);
    const isGateway = cell.target !== 'direct' && cell.target !== 'proxy';
    lines.push(
      `| ${cell.mode === 'json' ? 'non-streaming' : 'streaming'} | ${cell.connections} | ${TARGET_LABELS[cell.target]} | ` +
        `${fixed(cell.rps, 0)} | ${cell.target === 'direct' || !proxy ? '' : fixed(cell.rps / proxy.rps, 2)} | ` +
        `${fixed(cell.p50, 3)} | ${fixed(cell.p99, 3)} | ` +
        `${cell.target === 'direct' || !direct ? '' : signed(cell.p50 - direct.p50, 3)} | ` +
        `${isGateway && proxy ? signed(cell.p50 - proxy.p50, 3) : ''} | ` +
        `${isGateway && proxy ? signed(cell.p99 - proxy.p99, 3) : ''} | ` +
        `${fixed(cell.cpuUsPerRequest, 0)} | ${fixed(cell.peakRssMb, 0)} |`,
    );
  }
  return lines.join('\n');
}

export function ttftTable(results: TtftResult[]): string {
  const direct = results.find((r) => r.name === 'direct');
  const proxy = results.find((r) => r.name === 'proxy');
  const lines = [
    '| target | requests | TTFT p50 ms | TTFT p90 ms | TTFT added vs direct | TTFT added vs proxy | whole stream p50 ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results) {
    lines.push(
      `| ${TARGET_LABELS[r.name as TargetName] ?? r.name} | ${r.requests} | ${fixed(r.ttftP50, 3)} | ${fixed(r.ttftP90, 3)} | ` +
        `${r.name === 'direct' || !direct ? '' : signed(r.ttftP50 - direct.ttftP50, 3)} | ` +
        `${r.name === 'direct' || r.name === 'proxy' || !proxy ? '' : signed(r.ttftP50 - proxy.ttftP50, 3)} | ` +
        `${fixed(r.totalP50, 2)} |`,
    );
  }
  return lines.join('\n');
}

export interface Verdict {
  target: TargetName;
  check: string;
  measured: string;
  goal: string;
  pass: boolean | undefined;
}

export function verdicts(
  cells: CellResult[],
  ttft: TtftResult[],
  peakRss: Map<TargetName, number>,
  concurrency: { low: number; high: number },
  /** Per `${target} ${mode}` at the highest concurrency: each round's own req/s ratio to the proxy. */
  roundRatios: ReadonlyMap<string, readonly number[]> = new Map(),
): Verdict[] {
  const out: Verdict[] = [];
  const gateways: TargetName[] = ['switchyard', 'switchyard-info'];
  const direct = ttft.find((r) => r.name === 'direct');
  for (const target of gateways) {
    if (!cells.some((c) => c.target === target)) continue;
    for (const mode of ['json', 'stream'] as const) {
      const sy = find(cells, target, mode, concurrency.high);
      const proxy = find(cells, 'proxy', mode, concurrency.high);
      const perRound = roundRatios.get(`${target} ${mode}`) ?? [];
      // The median of the rounds' own ratios when there are rounds; else the ratio of the medians.
      const ratio = perRound.length > 0 ? median(perRound) : sy && proxy ? sy.rps / proxy.rps : NaN;
      const rounds = perRound.length > 1 ? `rounds ${perRound.map((r) => fixed(r, 2)).join(', ')}; ` : '';
      out.push({
        target,
        check: `throughput vs bare proxy, ${mode === 'json' ? 'non-streaming' : 'streaming'}, c=${concurrency.high}`,
        measured: `${fixed(ratio, 2)} (${rounds}medians ${fixed(sy?.rps, 0)} / ${fixed(proxy?.rps, 0)} req/s)`,
        goal: `≥ ${TARGETS.throughputRatio.toFixed(2)}`,
        pass: Number.isNaN(ratio) ? undefined : ratio >= TARGETS.throughputRatio,
      });
    }
    for (const mode of ['json', 'stream'] as const) {
      const sy = find(cells, target, mode, concurrency.low);
      const proxy = find(cells, 'proxy', mode, concurrency.low);
      const added = sy && proxy ? sy.p50 - proxy.p50 : NaN;
      out.push({
        target,
        check: `p50 added over bare proxy, ${mode === 'json' ? 'non-streaming' : 'streaming (whole stream)'}, c=${concurrency.low}`,
        measured: `${signed(added, 3)} ms`,
        goal: `≤ ${TARGETS.addedP50Ms} ms`,
        pass: Number.isNaN(added) ? undefined : added <= TARGETS.addedP50Ms,
      });
    }
    const sy = ttft.find((r) => r.name === target);
    const added = sy && direct ? sy.ttftP50 - direct.ttftP50 : NaN;
    out.push({
      target,
      check: 'time to first token added over direct (p50)',
      measured: `${signed(added, 3)} ms`,
      goal: `≤ ${TARGETS.addedTtftMs} ms`,
      pass: Number.isNaN(added) ? undefined : added <= TARGETS.addedTtftMs,
    });
    const rss = peakRss.get(target);
    out.push({
      target,
      check: 'peak RSS of the gateway process (whole run)',
      measured: `${fixed(rss, 0)} MB`,
      goal: `< ${TARGETS.peakRssMb} MB`,
      pass: rss === undefined ? undefined : rss < TARGETS.peakRssMb,
    });
  }
  return out;
}

export function verdictTable(list: Verdict[]): string {
  const lines = ['| target | check | measured | goal | verdict |', '| --- | --- | ---: | ---: | --- |'];
  for (const v of list) {
    const verdict = v.pass === undefined ? 'not measured' : v.pass ? 'PASS' : '**MISS**';
    lines.push(`| ${TARGET_LABELS[v.target]} | ${v.check} | ${v.measured} | ${v.goal} | ${verdict} |`);
  }
  return lines.join('\n');
}
