/**
 * Generators of valid PII values and of hard negatives. Check digits are computed here from the
 * published algorithms (Luhn by doubling, ISO 7064 mod 97-10 with BigInt) rather than by calling
 * the detectors' own helpers, so the corpus does not grade the detectors with their own code.
 */
import { ALNUM, BASE64URL, HEX, type Rng } from './random.js';

export function luhnCheckDigit(payload: string): string {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    let d = Number(payload[payload.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

const CARD_PREFIXES: readonly [string, number][] = [
  ['4', 16],
  ['4', 13],
  ['51', 16],
  ['55', 16],
  ['2221', 16],
  ['2720', 16],
  ['34', 15],
  ['37', 15],
  ['6011', 16],
  ['65', 16],
  ['3528', 16],
  ['3589', 16],
  ['36', 14],
  ['300', 14],
  ['62', 16],
  ['4', 19],
];

export function cardDigits(rng: Rng): string {
  const [prefix, length] = rng.pick(CARD_PREFIXES);
  const payload = prefix + rng.digits(length - prefix.length - 1);
  return payload + luhnCheckDigit(payload);
}

/** Prints a card number the ways people type them. */
export function formatCard(rng: Rng, digits: string): string {
  const style = rng.int(0, 2);
  if (style === 0) return digits;
  const separator = style === 1 ? ' ' : '-';
  if (digits.length === 15 || digits.length === 14) {
    return [digits.slice(0, 4), digits.slice(4, 10), digits.slice(10)].join(separator);
  }
  return (digits.match(/.{1,4}/g) ?? []).join(separator);
}

/** Hard negative: 13–19 digits that are not a card, by a wrong Luhn digit or a non-card prefix. */
export function notACard(rng: Rng): string {
  const length = rng.int(13, 19);
  if (rng.chance(0.5)) {
    const payload = rng.pick(['4', '51', '37', '6011']) + rng.digits(length - 1);
    const valid = luhnCheckDigit(payload.slice(0, -1));
    return payload.slice(0, -1) + String((Number(valid) + rng.int(1, 9)) % 10);
  }
  // Prefixes 0, 1, 7, 8, 9 belong to no card network (airlines, telecoms, national use).
  const payload = rng.pick(['0', '1', '7', '8', '9']) + rng.digits(length - 2);
  return payload + luhnCheckDigit(payload);
}

const IBAN_COUNTRIES: readonly [string, number, 'digits' | 'bank'][] = [
  ['DE', 22, 'digits'],
  ['FR', 27, 'digits'],
  ['ES', 24, 'digits'],
  ['IT', 27, 'bank'],
  ['NL', 18, 'bank'],
  ['GB', 22, 'bank'],
  ['BE', 16, 'digits'],
  ['CH', 21, 'digits'],
  ['AT', 20, 'digits'],
  ['PL', 28, 'digits'],
  ['SE', 24, 'digits'],
  ['IE', 22, 'bank'],
  ['PT', 25, 'digits'],
  ['NO', 15, 'digits'],
  ['DK', 18, 'digits'],
];

function ibanCheckDigits(country: string, bban: string): string {
  const numeric = [...`${bban}${country}00`]
    .map((char) => (/[A-Z]/.test(char) ? String(char.charCodeAt(0) - 55) : char))
    .join('');
  return String(98n - (BigInt(numeric) % 97n)).padStart(2, '0');
}

export function ibanCompact(rng: Rng, corrupt = false): string {
  const [country, length, shape] = rng.pick(IBAN_COUNTRIES);
  const bbanLength = length - 4;
  const bban =
    shape === 'bank'
      ? rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ', country === 'IT' ? 1 : 4) +
        rng.digits(bbanLength - (country === 'IT' ? 1 : 4))
      : rng.digits(bbanLength);
  let check = ibanCheckDigits(country, bban);
  if (corrupt) check = String((Number(check) + rng.int(1, 50)) % 97).padStart(2, '0');
  if (corrupt && check === ibanCheckDigits(country, bban)) check = check === '02' ? '03' : '02';
  return country + check + bban;
}

export const groupIban = (iban: string): string => (iban.match(/.{1,4}/g) ?? []).join(' ');

export function ssn(rng: Rng): string {
  let area = rng.int(1, 899);
  if (area === 666) area = 665;
  return `${String(area).padStart(3, '0')}${String(rng.int(1, 99)).padStart(2, '0')}${String(rng.int(1, 9999)).padStart(4, '0')}`;
}

/** An SSN-shaped number in a range the SSA never issues: bad area, group 00 or serial 0000. */
export function invalidSsn(rng: Rng): string {
  const validArea = String(rng.int(100, 899)).replace('666', '667');
  const validGroup = String(rng.int(10, 99));
  return rng.pick([
    () => `${rng.pick(['000', '666', String(rng.int(900, 999))])}-${validGroup}-${rng.int(1000, 9999)}`,
    () => `${validArea}-00-${rng.int(1000, 9999)}`,
    () => `${validArea}-${validGroup}-0000`,
  ])();
}

const nanpCode = (rng: Rng, middleNine: boolean): string => {
  for (;;) {
    const code = `${rng.int(2, 9)}${rng.int(0, middleNine ? 9 : 8)}${rng.int(0, 9)}`;
    if (code[1] !== '1' || code[2] !== '1') return code;
  }
};

export function phone(rng: Rng): string {
  const area = nanpCode(rng, false);
  const exchange = nanpCode(rng, true);
  const line = rng.digits(4);
  const international: readonly string[] = [
    `+44 20 7946 0${rng.digits(3)}`,
    `+44 7700 900${rng.digits(3)}`,
    `+49 30 ${rng.digits(7)}`,
    `+33 6 ${rng.digits(2)} ${rng.digits(2)} ${rng.digits(2)} ${rng.digits(2)}`,
    `+91 98${rng.digits(3)} ${rng.digits(5)}`,
    `+61 4${rng.digits(2)} ${rng.digits(3)} ${rng.digits(3)}`,
    `+81 3-${rng.digits(4)}-${rng.digits(4)}`,
    `+34 6${rng.digits(2)} ${rng.digits(3)} ${rng.digits(3)}`,
    `+353 8${rng.int(3, 9)} ${rng.digits(3)} ${rng.digits(4)}`,
    `+1 ${area} ${exchange} ${line}`,
    `+1-${area}-${exchange}-${line}`,
  ];
  const nanp: readonly string[] = [
    `(${area}) ${exchange}-${line}`,
    `${area}-${exchange}-${line}`,
    `${area}.${exchange}.${line}`,
    `1-800-${exchange}-${line}`,
  ];
  return rng.chance(0.5) ? rng.pick(international) : rng.pick(nanp);
}

export function ipv4(rng: Rng): string {
  const first = rng.pick([10, 172, 192, rng.int(11, 223)]);
  return [first, rng.int(0, 255), rng.int(0, 255), rng.int(1, 254)].join('.');
}

export function ipv6(rng: Rng): string {
  const group = (): string => rng.chars(HEX, rng.int(1, 4)).replace(/^0+(?=.)/, '');
  const withDigit = (text: string): string => (/\d/.test(text) ? text : `${text}:1`);
  const style = rng.int(0, 2);
  if (style === 0) return Array.from({ length: 8 }, group).join(':');
  if (style === 1) return withDigit(`2001:db8::${group()}:${group()}`);
  return withDigit(`fe80::${group()}:${group()}:${group()}`);
}

export function apiKey(rng: Rng): string {
  const body = (length: number, alphabet = ALNUM): string => rng.chars(alphabet, length - 1) + rng.int(0, 9);
  return rng.pick([
    () => `sk-proj-${body(100, BASE64URL)}`,
    () => `sk-${body(48)}`,
    () => `sk-ant-api03-${body(93, BASE64URL)}AA`,
    () => `AKIA${body(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
    () => `ghp_${body(36)}`,
    () => `github_pat_11${body(20)}_${body(59)}`,
    () => `xoxb-${rng.digits(12)}-${rng.digits(13)}-${body(24)}`,
    () => `sk_live_${body(24)}`,
    () => `rk_live_${body(99)}`,
    () => `AIza${body(35, BASE64URL)}`,
  ])();
}

export function privateKey(rng: Rng): string {
  const label = rng.pick(['RSA PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY', 'OPENSSH PRIVATE KEY']);
  const lines = Array.from({ length: rng.int(3, 8) }, () => rng.chars(`${ALNUM}+/`, 64));
  return [`-----BEGIN ${label}-----`, ...lines, `${rng.chars(ALNUM, 20)}==`, `-----END ${label}-----`].join(
    '\n',
  );
}

export function jwt(rng: Rng): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = encode(
    rng.pick([
      { alg: 'HS256', typ: 'JWT' },
      { alg: 'RS256', kid: rng.chars(HEX, 8) },
    ]),
  );
  const payload = encode({ sub: rng.digits(10), name: 'user', iat: 1_700_000_000 + rng.int(0, 9_999_999) });
  return `${header}.${payload}.${rng.chars(BASE64URL, 43)}`;
}

export function uuid(rng: Rng): string {
  const hex = rng.chars(HEX, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

const FIRST = ['jane', 'omar', 'li', 'maria', 'tom', 'aisha', 'pierre', 'sven', 'yuki', 'carlos'];
const LAST = ['doe', 'haddad', 'wei', 'garcia', 'smith', 'khan', 'martin', 'berg', 'tanaka', 'lopez'];
const DOMAINS = [
  'example.com',
  'mail.acme.co.uk',
  'corp-example.io',
  'gmail.com',
  'uni.example.edu',
  'shop.de',
];

export const firstName = (rng: Rng): string => rng.pick(FIRST);

export function email(rng: Rng): string {
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  const tag = rng.pick(['billing', 'news']);
  const local = rng.pick([`${first}.${last}`, `${first[0]}${last}${rng.int(1, 99)}`, `${first}+${tag}`]);
  return `${local}@${rng.pick(DOMAINS)}`;
}

export const card = (rng: Rng): string => formatCard(rng, cardDigits(rng));

export function iban(rng: Rng): string {
  const compact = ibanCompact(rng);
  return rng.chance(0.6) ? groupIban(compact) : compact;
}

export const ip = (rng: Rng): string => (rng.chance(0.7) ? ipv4(rng) : ipv6(rng));
