/**
 * 100 KB inputs built to trip backtracking regexes and quadratic scanners: long runs of digits,
 * `@` floods, dots, hex, colons and the literal prefixes the secret detectors search for.
 */
const SIZE = 100 * 1024;
const fill = (unit: string): string => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

export const ADVERSARIAL_INPUTS: Readonly<Record<string, string>> = {
  digits: fill('7'),
  'digit groups': fill('4111 '),
  'single digits': fill('1 '),
  'at flood': fill('@'),
  'local parts': fill('a.b+c@'),
  'short emails': fill('a@b.io '),
  dots: fill('.'),
  'dotted digits': fill('1.'),
  'dotted quads': fill('1.1.1.1 '),
  hex: fill('deadbeef'),
  colons: fill(':'),
  'hex and colons': fill('ab:'),
  'key prefixes': fill('sk-'),
  'jwt prefixes': fill('eyJ'),
  'pem headers': fill('-----BEGIN PRIVATE KEY-----\n'),
  'plus digits': fill('+1 '),
  parentheses: fill('(415) '),
  'iban prefixes': fill('GB82'),
  'valid cards': fill('4111111111111111 '),
};
