import { expect } from 'chai';
import { detectSsns, validSsnDigits } from '../../../../plugins/guardrails/pii/index.js';

const values = (text: string): string[] => detectSsns(text).map((finding) => finding.value);

describe('detectSsns', () => {
  it('finds hyphenated SSNs without context and scores context higher', () => {
    const [plain] = detectSsns('ref 536-22-1234 here');
    const [named] = detectSsns('SSN: 536-22-1234');
    expect(plain?.value).to.equal('536-22-1234');
    expect(named?.score).to.be.greaterThan(plain?.score ?? 1);
  });

  it('finds nine bare digits and space-separated SSNs only after an SSN word', () => {
    expect(values('my social security number is 536221234')).to.deep.equal(['536221234']);
    expect(values('SSN 536 22 1234')).to.deep.equal(['536 22 1234']);
    expect(values('order 536221234 shipped; room 536 22 1234')).to.deep.equal([]);
  });

  it('rejects the ranges the SSA never issues', () => {
    for (const invalid of [
      '000-12-3456',
      '666-12-3456',
      '900-12-3456',
      '999-12-3456',
      '123-00-4567',
      '123-45-0000',
    ]) {
      expect(values(`SSN ${invalid}`), invalid).to.deep.equal([]);
    }
    expect(validSsnDigits('078051120')).to.equal(false);
    expect(validSsnDigits('899991234')).to.equal(true);
  });

  it('rejects phone numbers, dates, longer hyphenated ids and glued numbers', () => {
    const text = '212-555-1234, 2024-01-15, 123-45-6789-01, A123-45-6789, 1123-45-6789, 123-45-67890';
    expect(values(text)).to.deep.equal([]);
  });
});
