import { expect } from 'chai';
import { budgetKey } from '../../../core/store/index.js';

describe('budgetKey', () => {
  it('names UTC calendar months and days, whatever the local offset of the instant', () => {
    const lateNightInNewYork = new Date('2026-11-30T23:30:00-05:00'); // already December in UTC
    expect(budgetKey('team', 'acme', 'month', lateNightInNewYork)).to.equal('budget:team:acme:2026-12');
    expect(budgetKey('team', 'acme', 'day', lateNightInNewYork)).to.equal('budget:team:acme:2026-12-01');
    expect(budgetKey('key', 'k1', 'day', Date.UTC(2026, 0, 5, 0, 0, 0))).to.equal('budget:key:k1:2026-01-05');
  });

  it('starts a new key at the first millisecond of the next UTC period', () => {
    const end = Date.UTC(2026, 10, 30, 23, 59, 59, 999);
    expect(budgetKey('team', 'acme', 'month', end)).to.equal('budget:team:acme:2026-11');
    expect(budgetKey('team', 'acme', 'month', end + 1)).to.equal('budget:team:acme:2026-12');
    expect(budgetKey('team', 'acme', 'day', end + 1)).to.equal('budget:team:acme:2026-12-01');
  });

  it('gives the total window one key forever', () => {
    expect(budgetKey('user', 'u9', 'total', 0)).to.equal(
      budgetKey('user', 'u9', 'total', Date.UTC(2099, 0, 1)),
    );
    expect(budgetKey('user', 'u9', 'total')).to.equal('budget:user:u9:total');
  });
});
