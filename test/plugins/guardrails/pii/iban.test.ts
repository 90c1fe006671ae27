import { expect } from 'chai';
import { detectIbans, ibanMod97Valid } from '../../../../plugins/guardrails/pii/index.js';

const values = (text: string): string[] => detectIbans(text).map((finding) => finding.value);

// Examples from the SWIFT IBAN registry.
const VALID = [
  'GB82 WEST 1234 5698 7654 32',
  'DE89 3704 0044 0532 0130 00',
  'FR14 2004 1010 0505 0001 3M02 606',
  'NL91 ABNA 0417 1643 00',
  'BE68 5390 0754 7034',
  'NO93 8601 1117 947',
];

describe('detectIbans', () => {
  for (const iban of VALID) {
    it(`finds ${iban} with spaces and without`, () => {
      const compact = iban.replace(/ /g, '');
      expect(values(`IBAN: ${iban}.`)).to.deep.equal([iban]);
      expect(values(`iban ${compact} ok`)).to.deep.equal([compact]);
    });
  }

  it('accepts an IBAN pasted in lower case and names the country', () => {
    const [finding] = detectIbans('to gb82west12345698765432');
    expect(finding).to.include({ value: 'gb82west12345698765432', kind: 'GB' });
  });

  it('rejects a wrong check digit', () => {
    expect(ibanMod97Valid('GB82WEST12345698765432')).to.equal(true);
    expect(values('GB83 WEST 1234 5698 7654 32 and DE89370400440532013001')).to.deep.equal([]);
  });

  it('rejects a wrong length for the country and unknown countries', () => {
    expect(values('GB82WEST1234569876543 and ZZ82WEST12345698765432')).to.deep.equal([]);
  });

  it('rejects candidates glued to other word characters', () => {
    expect(values('xGB82WEST12345698765432 GB82WEST12345698765432X')).to.deep.equal([]);
  });
});
