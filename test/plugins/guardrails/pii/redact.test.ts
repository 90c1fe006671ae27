import { expect } from 'chai';
import { redactPii, replaceFindings } from '../../../../plugins/guardrails/pii/index.js';

describe('redactPii', () => {
  it('replaces each finding with a typed, numbered placeholder', () => {
    const { text, findings } = redactPii(
      'Card 4111 1111 1111 1111, mail bob@example.com, alt ann@example.org',
    );
    expect(text).to.equal('Card [CARD_1], mail [EMAIL_1], alt [EMAIL_2]');
    expect(findings).to.have.length(3);
  });

  it('gives a repeated value the same placeholder', () => {
    const { text } = redactPii('bob@example.com wrote to ann@example.org and bob@example.com');
    expect(text).to.equal('[EMAIL_1] wrote to [EMAIL_2] and [EMAIL_1]');
  });

  it('honours the entity list and leaves a clean text untouched', () => {
    expect(redactPii('bob@example.com 10.0.0.1', { entities: ['ip'] }).text).to.equal(
      'bob@example.com [IP_1]',
    );
    expect(redactPii('nothing to see').text).to.equal('nothing to see');
  });

  it('uses findings passed in instead of detecting again', () => {
    const findings = [{ type: 'ssn' as const, start: 0, end: 3, value: 'abc', score: 1 }];
    expect(redactPii('abc def', { findings }).text).to.equal('[SSN_1] def');
  });
});

describe('replaceFindings', () => {
  it('replaces at the exact spans, including at both ends of the text', () => {
    const text = 'ab-cd-ef';
    const findings = [
      { type: 'ip' as const, start: 0, end: 2, value: 'ab', score: 1 },
      { type: 'ip' as const, start: 6, end: 8, value: 'ef', score: 1 },
    ];
    expect(replaceFindings(text, findings, (f) => f.value.toUpperCase())).to.equal('AB-cd-EF');
  });
});
