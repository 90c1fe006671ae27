import { expect } from 'chai';
import { detectApiKeys, detectJwts, detectPrivateKeys } from '../../../../plugins/guardrails/pii/index.js';

const repeat = (chars: string, length: number): string =>
  chars.repeat(Math.ceil(length / chars.length)).slice(0, length);
const body = (length: number): string => repeat('aB3dE5gH7jK9mN1pQ2', length);

describe('detectApiKeys', () => {
  const keys: [string, string][] = [
    [`sk-ant-api03-${body(80)}-${body(10)}AA`, 'anthropic'],
    [`sk-proj-${body(60)}_${body(40)}`, 'openai'],
    [`sk-${body(48)}`, 'openai'],
    ['AKIAIOSFODNN7EXAMPLE', 'aws'],
    [`ghp_${body(36)}`, 'github'],
    [`github_pat_11${body(20)}_${body(59)}`, 'github'],
    ['xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', 'slack'],
    [`sk_live_${body(24)}`, 'stripe'],
    [`rk_live_${body(40)}`, 'stripe'],
    [`AIza${body(35)}`, 'google'],
  ];
  for (const [key, kind] of keys) {
    it(`finds a ${kind} key (${key.slice(0, 12)}…) with its exact span`, () => {
      const text = `export API_KEY="${key}"\n`;
      const [finding] = detectApiKeys(text);
      expect(finding).to.include({ value: key, kind, start: 16, end: 16 + key.length });
    });
  }

  it('rejects prefixes followed by words, wrong lengths or glued prefixes', () => {
    const text = [
      'sk-this-is-not-a-real-key-at-all-really',
      `sk-${'a'.repeat(48)}`,
      'AKIAIOSFODNN7EXAMPL',
      'AKIAIOSFODNN7EXAMPLE1',
      `ghp_${body(35)}`,
      `task-${body(48)}`,
      `AIza${body(34)}`,
      'ASIAN markets',
    ].join('\n');
    expect(detectApiKeys(text)).to.deep.equal([]);
  });
});

describe('detectPrivateKeys', () => {
  it('spans a PEM block from BEGIN to the matching END', () => {
    const pem =
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nBG5vbmU=\n-----END OPENSSH PRIVATE KEY-----';
    const [finding] = detectPrivateKeys(`key:\n${pem}\nthanks`);
    expect(finding).to.include({ value: pem, start: 5 });
  });

  it('spans a truncated key to the end of its base64 body', () => {
    const [finding] = detectPrivateKeys(
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\nkqhkiG9w0B\n\nand then prose.',
    );
    expect(finding?.value).to.equal('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\nkqhkiG9w0B');
  });

  it('ignores public keys and certificates', () => {
    const text =
      '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n-----BEGIN CERTIFICATE-----\nMIIC';
    expect(detectPrivateKeys(text)).to.deep.equal([]);
  });
});

describe('detectJwts', () => {
  const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
  const payload = Buffer.from('{"sub":"1234567890","name":"Jane"}').toString('base64url');
  const jwt = `${header}.${payload}.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c`;

  it('finds a signed JWT and an unsigned one', () => {
    expect(detectJwts(`Authorization: Bearer ${jwt}`).map((f) => f.value)).to.deep.equal([jwt]);
    expect(detectJwts(`t=${header}.${payload}.`).map((f) => f.value)).to.deep.equal([
      `${header}.${payload}.`,
    ]);
  });

  it('rejects eyJ strings whose header is not a JOSE header, and two-segment strings', () => {
    const notHeader = Buffer.from('{"foo":1}').toString('base64url');
    const text = `${notHeader}.${payload}.abc eyJhbGciOi.${payload}.abc ${header}.${payload} eyJ`;
    expect(detectJwts(text)).to.deep.equal([]);
  });
});
