import { expect } from 'chai';
import { verdicts, type CellResult, type Mode, type TargetName } from '../../bench/report.js';

const cell = (target: TargetName, mode: Mode, connections: number, rps: number, p50 = 1): CellResult => ({
  target,
  mode,
  connections,
  requests: rps * 2,
  rps,
  p50,
  p90: p50,
  p99: p50,
  cpuUsPerRequest: 100,
  peakRssMb: 100,
});

const cells = (['json', 'stream'] as const).flatMap((mode) => [
  cell('proxy', mode, 64, 10_000),
  cell('switchyard', mode, 64, 6_500),
  cell('proxy', mode, 1, 3_000),
  cell('switchyard', mode, 1, 2_000),
]);

const throughput = (list: ReturnType<typeof verdicts>, mode: string) =>
  list.find((v) => v.target === 'switchyard' && v.check.startsWith(`throughput vs bare proxy, ${mode}`));

describe('bench verdicts', () => {
  it("judges throughput by the median of the rounds' own ratios when it has them", () => {
    const list = verdicts(
      cells,
      [],
      new Map(),
      { low: 1, high: 64 },
      new Map([
        ['switchyard json', [0.5, 0.55, 0.7]],
        ['switchyard stream', [0.61, 0.62, 0.4]],
      ]),
    );
    expect(throughput(list, 'non-streaming')?.measured).to.equal(
      '0.55 (rounds 0.50, 0.55, 0.70; medians 6500 / 10000 req/s)',
    );
    expect(throughput(list, 'non-streaming')?.pass).to.equal(false);
    expect(throughput(list, 'streaming')?.pass).to.equal(true);
  });

  it('falls back to the ratio of the medians without rounds', () => {
    const list = verdicts(cells, [], new Map(), { low: 1, high: 64 });
    expect(throughput(list, 'non-streaming')?.measured).to.equal('0.65 (medians 6500 / 10000 req/s)');
    expect(throughput(list, 'non-streaming')?.pass).to.equal(true);
  });
});
