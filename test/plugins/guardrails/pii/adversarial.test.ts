import { expect } from 'chai';
import {
  createPseudonymizer,
  DETECTORS,
  detectPii,
  ENTITY_TYPES,
} from '../../../../plugins/guardrails/pii/index.js';

const SIZE = 100_000;
const fill = (unit: string): string => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

// Inputs built to defeat backtracking regexes; each must finish and give the right answer.
const NOTHING_TO_FIND: Record<string, string> = {
  digits: fill('7'),
  'spaced digits': fill('1234 '),
  'at flood': fill('@'),
  'local parts without domains': fill('a.b+c@'),
  dots: fill('.'),
  'dotted numbers': fill('1.'),
  hex: fill('deadbeef'),
  colons: fill(':'),
  'hex with colons': fill('ab:'),
  'key prefixes': fill('sk-'),
  'jwt prefixes': fill('eyJ'),
  'pem headers': fill('-----BEGIN PRIVATE KEY'),
  'plus signs and digits': fill('+1 '),
  brackets: fill('[EMAIL_'),
};

describe('detectors on adversarial input', () => {
  for (const [name, text] of Object.entries(NOTHING_TO_FIND)) {
    it(`finishes on 100 KB of ${name} and finds nothing`, () => {
      for (const entity of ENTITY_TYPES) expect(DETECTORS[entity](text), entity).to.deep.equal([]);
    });
  }

  it('finds every address in a 100 KB flood of short emails', () => {
    const text = fill('a@b.io ');
    expect(detectPii(text, { entities: ['email'] })).to.have.length(Math.floor(SIZE / 7));
  });

  it('finds every card in a 100 KB run of card numbers', () => {
    const text = fill('4111111111111111 ');
    expect(detectPii(text, { entities: ['card'] })).to.have.length(Math.floor(SIZE / 17));
  });

  it('pseudonymizes and restores a 100 KB text', () => {
    const text = fill('mail x@example.com now ');
    const pseudonymizer = createPseudonymizer();
    const masked = pseudonymizer.pseudonymize(text);
    expect(masked).to.not.include('@');
    expect(pseudonymizer.restore(masked)).to.equal(text);
    const restorer = pseudonymizer.createStreamRestorer();
    expect(restorer.push(fill('[EMAIL_')) + restorer.flush()).to.equal(fill('[EMAIL_'));
  });
});
