import { expect } from 'chai';
import { createPseudonymizer, createStreamRestorer } from '../../../../plugins/guardrails/pii/index.js';

function setup() {
  const pseudonymizer = createPseudonymizer();
  pseudonymizer.pseudonymize('card 4111 1111 1111 1111, mail bob@example.com');
  for (let i = 0; i < 11; i++) pseudonymizer.tokenFor('ip', `10.0.0.${i}`); // issues [IP_1] … [IP_11]
  return pseudonymizer;
}

const answer = 'Charged [CARD_1]; receipt to [EMAIL_1] [IP_1][IP_11] [X] [EMAIL_9] a[b [';

describe('createStreamRestorer', () => {
  it('restores tokens split across two chunks at every split point', () => {
    const pseudonymizer = setup();
    const expected = pseudonymizer.restore(answer);
    expect(expected)
      .to.include('4111 1111 1111 1111')
      .and.include('bob@example.com')
      .and.include('10.0.0.10');
    for (let split = 0; split <= answer.length; split++) {
      const restorer = pseudonymizer.createStreamRestorer();
      const out =
        restorer.push(answer.slice(0, split)) + restorer.push(answer.slice(split)) + restorer.flush();
      expect(out, `split at ${split}`).to.equal(expected);
    }
  });

  it('restores a card token split into three chunks at every pair of split points', () => {
    const pseudonymizer = setup();
    const text = 'x [CARD_1] y';
    for (let a = 0; a <= text.length; a++) {
      for (let b = a; b <= text.length; b++) {
        const restorer = pseudonymizer.createStreamRestorer();
        const parts = [text.slice(0, a), text.slice(a, b), text.slice(b)];
        const out = parts.map((part) => restorer.push(part)).join('') + restorer.flush();
        expect(out, `splits ${a}/${b}`).to.equal('x 4111 1111 1111 1111 y');
      }
    }
  });

  it('restores a stream delivered one character at a time', () => {
    const pseudonymizer = setup();
    const restorer = pseudonymizer.createStreamRestorer();
    const out = [...answer].map((char) => restorer.push(char)).join('') + restorer.flush();
    expect(out).to.equal(pseudonymizer.restore(answer));
  });

  it('holds back only a possible token prefix and emits everything else at once', () => {
    const restorer = setup().createStreamRestorer();
    expect(restorer.push('Hello [CA')).to.equal('Hello ');
    expect(restorer.push('T] and [')).to.equal('[CAT] and ');
    expect(restorer.push('EMAIL_1')).to.equal('');
    expect(restorer.push(']!')).to.equal('bob@example.com!');
    expect(restorer.push(' [IP_1')).to.equal(' '); // could still become [IP_11]
    expect(restorer.flush()).to.equal('[IP_1');
  });

  it('restores nothing when no token was issued', () => {
    const restorer = createStreamRestorer(new Map());
    expect(restorer.push('[EMAIL_1] [')).to.equal('[EMAIL_1] [');
    expect(restorer.flush()).to.equal('');
  });
});
