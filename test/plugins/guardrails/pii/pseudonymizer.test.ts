import { expect } from 'chai';
import { createPseudonymizer } from '../../../../plugins/guardrails/pii/index.js';

describe('createPseudonymizer', () => {
  it('replaces values by stable tokens and restores them', () => {
    const pseudonymizer = createPseudonymizer();
    const original = 'I am bob@example.com, card 4111 1111 1111 1111. Again: bob@example.com';
    const masked = pseudonymizer.pseudonymize(original);
    expect(masked).to.equal('I am [EMAIL_1], card [CARD_1]. Again: [EMAIL_1]');
    expect(pseudonymizer.restore(masked)).to.equal(original);
  });

  it('keeps tokens stable across texts of one request, whatever the spacing or case', () => {
    const pseudonymizer = createPseudonymizer();
    expect(pseudonymizer.pseudonymize('4111111111111111 Bob@Example.com')).to.equal('[CARD_1] [EMAIL_1]');
    expect(pseudonymizer.pseudonymize('4111-1111-1111-1111 bob@example.com')).to.equal('[CARD_1] [EMAIL_1]');
    expect(pseudonymizer.pseudonymize('ann@example.org')).to.equal('[EMAIL_2]');
    // The first spelling seen is the one restored.
    expect(pseudonymizer.restore('[CARD_1]')).to.equal('4111111111111111');
  });

  it('restores only issued tokens and leaves unknown or altered ones as they are', () => {
    const pseudonymizer = createPseudonymizer();
    pseudonymizer.pseudonymize('bob@example.com');
    expect(pseudonymizer.restore('[EMAIL_1] [EMAIL_2] [email_1] [EMAIL_1')).to.equal(
      'bob@example.com [EMAIL_2] [email_1] [EMAIL_1',
    );
  });

  it('never issues a token the user already typed', () => {
    const pseudonymizer = createPseudonymizer();
    const masked = pseudonymizer.pseudonymize('literal [EMAIL_1] and bob@example.com');
    expect(masked).to.equal('literal [EMAIL_1] and [EMAIL_2]');
    expect(pseudonymizer.restore(masked)).to.equal('literal [EMAIL_1] and bob@example.com');
  });

  it('uses a custom detector when given one', () => {
    const pseudonymizer = createPseudonymizer({
      detect: (text) => {
        const start = text.indexOf('Alice');
        return start === -1 ? [] : [{ type: 'email', start, end: start + 5, value: 'Alice', score: 1 }];
      },
    });
    expect(pseudonymizer.pseudonymize('hi Alice')).to.equal('hi [EMAIL_1]');
    expect([...pseudonymizer.originals]).to.deep.equal([['[EMAIL_1]', 'Alice']]);
  });
});
