import { expect } from 'chai';
import { newRequestId } from '../../core/request-context.js';

describe('newRequestId', () => {
  it('makes req_ and 32 hex digits, distinct across refills of its random pool', () => {
    // 256 ids per pool: 2000 ids span several refills.
    const ids = Array.from({ length: 2000 }, () => newRequestId());
    for (const id of ids) expect(id).to.match(/^req_[0-9a-f]{32}$/);
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('uses every hex digit in every position over many ids (random, not a counter)', () => {
    const seen = Array.from({ length: 32 }, () => new Set<string>());
    for (let i = 0; i < 4000; i++) {
      const hex = newRequestId().slice(4);
      for (let at = 0; at < 32; at++) seen[at]?.add(hex[at] as string);
    }
    // A counter would leave the leading digits fixed; 4000 random ids miss a digit somewhere
    // with a probability around 1e-26.
    for (const digits of seen) expect(digits.size).to.equal(16);
  });
});
