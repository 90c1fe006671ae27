import { expect } from 'chai';
import { detectPhones, validNanp } from '../../../../plugins/guardrails/pii/index.js';

const values = (text: string): string[] => detectPhones(text).map((finding) => finding.value);

describe('detectPhones', () => {
  it('finds international numbers with a country code in common groupings', () => {
    const numbers = [
      '+44 20 7946 0958',
      '+44 (0)20 7946 0958',
      '+49 30 901820',
      '+33 1 23 45 67 89',
      '+91 98765 43210',
      '+81-3-1234-5678',
      '+14155552671',
      '+1 (415) 555-2671',
      '+353 1 234 5678',
    ];
    for (const number of numbers) expect(values(`call ${number} now`), number).to.deep.equal([number]);
  });

  it('finds NANP numbers with separators or parentheses, and an optional trunk 1', () => {
    const numbers = [
      '(415) 555-2671',
      '(415)555-2671',
      '415-555-2671',
      '415.555.2671',
      '415 555 2671',
      '1-800-555-0199',
    ];
    for (const number of numbers) expect(values(`at ${number}.`), number).to.deep.equal([number]);
  });

  it('finds ten bare digits only after a phone word', () => {
    expect(values('mobile: 4155552671')).to.deep.equal(['4155552671']);
    expect(values('order 4155552671')).to.deep.equal([]);
  });

  it('rejects invalid NANP area and exchange codes', () => {
    for (const invalid of [
      '123-555-2671',
      '015-555-2671',
      '911-555-2671',
      '495-555-2671',
      '415-155-2671',
      '415-911-2671',
    ]) {
      expect(values(`call ${invalid}`), invalid).to.deep.equal([]);
    }
    expect(validNanp('4155552671')).to.equal(true);
    expect(values('+1 123 555 2671')).to.deep.equal([]);
  });

  it('rejects phone-like non-phones', () => {
    const text = [
      'score +15 points, +100000000 views',
      'dated 2024-01-15 12:30:45',
      'SSN 536-22-1234',
      'ids ORD-415-555-2671 and 415-555-2671-99',
      'serial 415-555-26710',
      'version 415.555.2671.4',
      '+0 12345678',
      '+44 12',
    ].join('\n');
    expect(values(text)).to.deep.equal([]);
  });
});
