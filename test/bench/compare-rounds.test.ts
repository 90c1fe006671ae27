import { expect } from 'chai';
import {
  compareRounds,
  median,
  processForRound,
  processMedians,
  roundOrder,
  type Round,
} from '../../bench/compare-rounds.js';

const round = (proxy: number, baseline: number, change: number, cpu: [number, number, number]): Round => ({
  proxy: { rps: proxy, cpuUsPerRequest: cpu[0] },
  baseline: { rps: baseline, cpuUsPerRequest: cpu[1] },
  change: { rps: change, cpuUsPerRequest: cpu[2] },
});

describe('bench compare rounds', () => {
  it('takes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).to.equal(2);
    expect(median([4, 1, 3, 2])).to.equal(2.5);
    expect(Number.isNaN(median([]))).to.equal(true);
  });

  it('judges each round by its own ratios, so a drift of the whole machine cancels out', () => {
    // The machine halves its speed in the second round: every target slows alike.
    const result = compareRounds([
      round(10_000, 5_000, 6_000, [80, 160, 140]),
      round(5_000, 2_500, 3_000, [160, 320, 280]),
      round(10_000, 5_000, 4_500, [80, 160, 170]),
    ]);
    expect(result.baselineVsProxy).to.equal(0.5);
    expect(result.changeVsProxy).to.equal(0.6);
    expect(result.changeVsBaseline).to.equal(1.2);
    expect(result.cpuChangeVsBaseline).to.equal(0.875);
    expect(result.changeWins).to.equal(2);
    expect(result.medians.proxy).to.deep.equal({ rps: 10_000, cpuUsPerRequest: 80 });
  });

  it('adds the lean reference gateway only when every round measured it', () => {
    const rounds = [round(10_000, 5_000, 6_000, [80, 160, 140]), round(8_000, 4_000, 4_000, [90, 170, 170])];
    expect(compareRounds(rounds).lean).to.equal(undefined);
    const withLean = rounds.map((each, index) => ({
      ...each,
      lean: { rps: index === 0 ? 8_000 : 4_000, cpuUsPerRequest: 100 },
    }));
    const result = compareRounds(withLean);
    expect(result.lean?.vsProxy).to.equal(0.65);
    expect(result.lean?.changeVsLean).to.equal(0.875);
    expect(result.lean?.median).to.deep.equal({ rps: 6_000, cpuUsPerRequest: 100 });
    expect(compareRounds([...withLean, rounds[0] as Round]).lean).to.equal(undefined);
  });

  it('measures each process of a build two rounds in a row, in both orders, and gives each its median', () => {
    expect([0, 1, 2, 3, 4, 5].map((index) => processForRound(index, 2))).to.deep.equal([0, 0, 1, 1, 0, 0]);
    expect([0, 1, 2, 3].map((index) => processForRound(index, 1))).to.deep.equal([0, 0, 0, 0]);
    const samples = [100, 120, 80, 90, 110, 70].map((rps) => ({ rps, cpuUsPerRequest: 1 }));
    // Process 0: rounds 0, 1, 4, 5 (100, 120, 110, 70); process 1: rounds 2, 3 (80, 90).
    expect(processMedians(samples, 2)).to.deep.equal([105, 85]);
  });

  it('reverses the order every other round', () => {
    expect(roundOrder(['p', 'a', 'b'], 0)).to.deep.equal(['p', 'a', 'b']);
    expect(roundOrder(['p', 'a', 'b'], 1)).to.deep.equal(['b', 'a', 'p']);
  });
});
