import { expect } from 'chai';
import { cardBrand, detectCards, luhnValid } from '../../../../plugins/guardrails/pii/index.js';

const values = (text: string): string[] => detectCards(text).map((finding) => finding.value);

// Published test numbers of each network: all Luhn-valid.
const VALID: [string, string][] = [
  ['4111111111111111', 'visa'],
  ['4222222222222', 'visa'],
  ['5555555555554444', 'mastercard'],
  ['2223003122003222', 'mastercard'],
  ['378282246310005', 'amex'],
  ['6011111111111117', 'discover'],
  ['3530111333300000', 'jcb'],
  ['30569309025904', 'diners'],
  ['6200000000000005', 'unionpay'],
];

describe('detectCards', () => {
  for (const [number, brand] of VALID) {
    it(`finds the ${brand} number ${number} and names its brand`, () => {
      const findings = detectCards(`pay with ${number} please`);
      expect(findings.map((f) => [f.value, f.kind])).to.deep.equal([[number, brand]]);
    });
  }

  it('finds numbers in the printed groupings with spaces or hyphens', () => {
    const text =
      'a 4111 1111 1111 1111, b 4111-1111-1111-1111, amex 3782 822463 10005, diners 3056 930902 5904';
    expect(values(text)).to.deep.equal([
      '4111 1111 1111 1111',
      '4111-1111-1111-1111',
      '3782 822463 10005',
      '3056 930902 5904',
    ]);
  });

  it('finds a card inside a longer run of groups (CVV and a year after it)', () => {
    expect(values('card 4111 1111 1111 1111 2027 123')).to.deep.equal(['4111 1111 1111 1111']);
    expect(values('ref 2024 4111 1111 1111 1111')).to.deep.equal(['4111 1111 1111 1111']);
  });

  it('rejects numbers that fail Luhn', () => {
    expect(values('4111111111111112 and 5555 5555 5555 4445')).to.deep.equal([]);
  });

  it('rejects Luhn-valid numbers without a known issuer prefix or with the wrong length', () => {
    expect(luhnValid('1234567812345670')).to.equal(true);
    expect(values('1234567812345670 and 9999999999999995')).to.deep.equal([]);
    // Amex is 15 digits: a Luhn-valid 16-digit number starting 37 is not one.
    expect(cardBrand('3712345678901234')).to.equal(undefined);
  });

  it('rejects mixed separators, odd groupings, glued runs and overlong runs', () => {
    const text = [
      '4111 1111-1111 1111',
      '41 1111 1111 1111 11',
      'x4111111111111111',
      '4111111111111111a',
      '41111111111111110000',
    ].join('\n');
    expect(values(text)).to.deep.equal([]);
  });

  it('ignores order ids, timestamps and UUIDs', () => {
    const text = 'order ORD-2024-00012345 at 1718035200000, id 123e4567-e89b-12d3-a456-426614174000';
    expect(values(text)).to.deep.equal([]);
  });
});
