import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { ERROR_CODES } from '../../../core/errors/codes.js';

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

/** `### SY_ERR_X` headings and the status line under each. */
function documented(): Map<string, string> {
  const sections = new Map<string, string>();
  const parts = docs.split(/^### /m).slice(1);
  for (const part of parts) {
    const [heading, ...body] = part.split('\n');
    sections.set((heading ?? '').trim(), body.join('\n'));
  }
  return sections;
}

describe('ERROR_CODES and docs/errors.md', () => {
  const sections = documented();

  it('documents every code of the table', () => {
    const missing = Object.keys(ERROR_CODES).filter((code) => !sections.has(code));
    expect(missing, 'codes without a section in docs/errors.md').to.deep.equal([]);
  });

  it('documents no code the table lacks', () => {
    const extra = [...sections.keys()].filter((code) => !(code in ERROR_CODES));
    expect(extra, 'sections in docs/errors.md for unknown codes').to.deep.equal([]);
  });

  it('states each code’s status, retryability and a fix', () => {
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      const body = sections.get(code) ?? '';
      expect(body, code).to.match(new RegExp(`Status ${spec.status}\\b`));
      expect(body, code).to.include('**Fix:**');
      if (spec.status < 500 || code !== 'SY_ERR_CONFIG_INVALID') {
        const says = spec.retryable ? /retryable/ : /not retryable|raised at start-up/;
        expect(body, code).to.match(says);
      }
    }
  });
});
