import { expect } from 'chai';
import { detectEmails } from '../../../../plugins/guardrails/pii/index.js';

const values = (text: string): string[] => detectEmails(text).map((finding) => finding.value);

describe('detectEmails', () => {
  it('finds addresses with dots, plus tags, hyphens and subdomains', () => {
    const text = 'Write to jane.doe+billing@mail.example-corp.co.uk or <ops@example.io>.';
    expect(values(text)).to.deep.equal(['jane.doe+billing@mail.example-corp.co.uk', 'ops@example.io']);
  });

  it('reports exact spans and trims sentence punctuation', () => {
    const text = 'Mail bob@example.com. Thanks';
    const [finding] = detectEmails(text);
    expect(finding).to.include({ type: 'email', start: 5, end: 20, value: 'bob@example.com' });
  });

  it('rejects handles, versions, hosts, file names and malformed addresses', () => {
    const text = [
      '@channel ping @bob',
      'npm i left-pad@1.3.0',
      'root@10.0.0.1',
      'icon@2x.png',
      'a@b',
      'x@example.c',
      'john..doe@example.com',
      'user@-example.com',
      'me@example.com@evil',
    ].join('\n');
    expect(values(text)).to.deep.equal([]);
  });

  it('rejects a local part longer than 64 characters', () => {
    expect(values(`${'a'.repeat(65)}@example.com`)).to.deep.equal([]);
    expect(values(`${'a'.repeat(64)}@example.com`)).to.have.length(1);
  });
});
