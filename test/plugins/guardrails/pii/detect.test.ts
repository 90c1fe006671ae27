import { expect } from 'chai';
import { detectPii, resolveOverlaps, type Finding } from '../../../../plugins/guardrails/pii/index.js';

const finding = (type: Finding['type'], start: number, end: number, score: number): Finding => ({
  type,
  start,
  end,
  score,
  value: 'x'.repeat(end - start),
});

describe('detectPii', () => {
  const text = 'Mail bob@example.com or call +44 20 7946 0958; card 4111 1111 1111 1111 from 10.0.0.7.';

  it('runs every detector by default and returns findings sorted by position', () => {
    expect(detectPii(text).map((f) => f.type)).to.deep.equal(['email', 'phone', 'card', 'ip']);
  });

  it('runs only the configured entities', () => {
    expect(detectPii(text, { entities: ['card', 'email'] }).map((f) => f.type)).to.deep.equal([
      'email',
      'card',
    ]);
  });

  it('drops findings below minScore', () => {
    expect(detectPii(text, { minScore: 0.88 }).map((f) => f.type)).to.deep.equal(['email', 'card']);
  });

  it('keeps the JWT, not an API-key-shaped piece inside it', () => {
    const header = Buffer.from('{"alg":"HS256"}').toString('base64url');
    const jwt = `${header}.${Buffer.from('{"k":"AKIAIOSFODNN7EXAMPLE"}').toString('base64url')}.AKIAIOSFODNN7EXAMPLE`;
    const found = detectPii(`token ${jwt}`);
    expect(found.map((f) => [f.type, f.value])).to.deep.equal([['jwt', jwt]]);
  });

  it('keeps the private key, not the AWS key id inside its body', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nAKIAIOSFODNN7EXAMPLE\n-----END PRIVATE KEY-----';
    expect(detectPii(pem).map((f) => f.type)).to.deep.equal(['private_key']);
  });
});

describe('resolveOverlaps', () => {
  it('prefers the higher score, then the more specific type, then the longer span', () => {
    const kept = resolveOverlaps(
      [
        finding('phone', 0, 10, 0.7),
        finding('card', 2, 12, 0.9),
        finding('ip', 20, 30, 0.85),
        finding('ssn', 22, 28, 0.85),
        finding('email', 40, 45, 0.9),
        finding('email', 40, 50, 0.9),
      ],
      60,
    );
    expect(kept.map((f) => [f.type, f.start, f.end])).to.deep.equal([
      ['card', 2, 12],
      ['ssn', 22, 28],
      ['email', 40, 50],
    ]);
  });

  it('keeps adjacent findings that touch but do not overlap', () => {
    const kept = resolveOverlaps([finding('email', 5, 10, 0.9), finding('phone', 0, 5, 0.7)], 10);
    expect(kept.map((f) => f.start)).to.deep.equal([0, 5]);
  });
});
