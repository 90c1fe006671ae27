/**
 * The arithmetic of `npm run bench:compare` (bench/compare.ts), kept apart so it can be tested:
 * on a shared, noisy machine two runs minutes apart disagree by more than most changes are worth,
 * so a change is judged from rounds in which the bare proxy, the baseline and the change ran one
 * after the other, each round giving its own ratios, and the median of those.
 */

/** One target's measurement in one round. */
export interface Sample {
  rps: number;
  cpuUsPerRequest: number;
}

/**
 * One round: the bare proxy, the baseline and the change, measured back to back; with
 * `BENCH_LEAN=1` also the lean reference gateway (bench/lean-gateway.ts).
 */
export interface Round {
  proxy: Sample;
  baseline: Sample;
  change: Sample;
  lean?: Sample;
}

export interface Comparison {
  rounds: number;
  /** Median over the rounds of each round's own ratio. */
  baselineVsProxy: number;
  changeVsProxy: number;
  /** Throughput of the change over the baseline's (above 1: faster). */
  changeVsBaseline: number;
  /** CPU per request of the change over the baseline's (below 1: cheaper). */
  cpuChangeVsBaseline: number;
  /** Medians of the raw figures, for the record. */
  medians: { proxy: Sample; baseline: Sample; change: Sample };
  /** How many rounds the change won on throughput (against the baseline). */
  changeWins: number;
  /** The lean reference gateway, when every round measured it. */
  lean?: { vsProxy: number; changeVsLean: number; median: Sample };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function compareRounds(rounds: readonly Round[]): Comparison {
  const of = (pick: (round: Round) => number) => median(rounds.map(pick));
  const sample = (pick: (round: Round) => Sample): Sample => ({
    rps: of((round) => pick(round).rps),
    cpuUsPerRequest: of((round) => pick(round).cpuUsPerRequest),
  });
  const lean =
    rounds.length > 0 && rounds.every((round) => round.lean !== undefined)
      ? {
          vsProxy: of((round) => (round.lean as Sample).rps / round.proxy.rps),
          changeVsLean: of((round) => round.change.rps / (round.lean as Sample).rps),
          median: sample((round) => round.lean as Sample),
        }
      : undefined;
  return {
    rounds: rounds.length,
    baselineVsProxy: of((round) => round.baseline.rps / round.proxy.rps),
    changeVsProxy: of((round) => round.change.rps / round.proxy.rps),
    changeVsBaseline: of((round) => round.change.rps / round.baseline.rps),
    cpuChangeVsBaseline: of((round) => round.change.cpuUsPerRequest / round.baseline.cpuUsPerRequest),
    medians: {
      proxy: sample((round) => round.proxy),
      baseline: sample((round) => round.baseline),
      change: sample((round) => round.change),
    },
    changeWins: rounds.filter((round) => round.change.rps > round.baseline.rps).length,
    ...(lean ? { lean } : {}),
  };
}

/** The order of the targets in round `index`: reversed every other round, so none always goes first. */
export function roundOrder<T>(targets: readonly T[], index: number): T[] {
  return index % 2 === 0 ? [...targets] : [...targets].reverse();
}

/**
 * Which of a build's `processes` processes round `index` measures: each process two rounds in a
 * row, so each runs in both orders (roundOrder) and the order never stands in for the process.
 */
export function processForRound(index: number, processes: number): number {
  return Math.floor(index / 2) % processes;
}

/**
 * Median req/s of each of a build's `processes` processes (`samples` in round order, as
 * processForRound assigned them). Two processes of one build can settle into states 15–20 % apart
 * (docs/benchmarks.md, "Ninth session"); far-apart medians say a comparison leans on one
 * process's luck.
 */
export function processMedians(samples: readonly Sample[], processes: number): number[] {
  return Array.from({ length: processes }, (_, process) =>
    median(
      samples.filter((_, index) => processForRound(index, processes) === process).map((sample) => sample.rps),
    ),
  );
}
