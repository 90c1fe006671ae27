/**
 * Hard negatives: identifiers that share a shape with PII but are not PII. Each one is invalid by
 * construction (a prefix no card network uses, a range the SSA never issues, a wrong IBAN check
 * digit, …), so a detector that flags one is wrong, not unlucky.
 */
import type { Rng } from './random.js';
import { firstName, groupIban, ibanCompact, invalidSsn, notACard } from './values.js';

const UPPER_DIGITS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

export const NEGATIVES = {
  'not-a-card': notACard,
  'order-id': (rng: Rng) =>
    rng.pick([
      `ORD-${rng.int(2019, 2025)}-${rng.digits(7)}`,
      `#${rng.chars(UPPER_DIGITS, 8)}`,
      `PO${rng.digits(10)}`,
      `INV-${rng.digits(6)}`,
      `order ${rng.int(100_000_000, 999_999_999)}`,
    ]),
  timestamp: (rng: Rng) => {
    const date = `${rng.int(2019, 2025)}-0${rng.int(1, 9)}-${rng.int(10, 28)}`;
    const time = `${rng.int(10, 23)}:${rng.int(10, 59)}:${rng.int(10, 59)}`;
    return rng.pick([
      `${date}T${time}Z`,
      `${date} ${time}.${rng.digits(3)}`,
      `17${rng.digits(11)}`,
      `17${rng.digits(8)}`,
    ]);
  },
  uuid: (rng: Rng) => {
    const hex = rng.chars('0123456789abcdef', 32);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
  },
  version: (rng: Rng) => {
    const v = `${rng.int(0, 20)}.${rng.int(0, 30)}.${rng.int(0, 99)}`;
    return rng.pick([`v${v}`, v, `${v}-beta.${rng.int(1, 9)}`, `version ${v}.${rng.int(1, 200)}`]);
  },
  // UPS, USPS (groups start with 0/1/7/8/9, which no card network uses) and FedEx shapes.
  tracking: (rng: Rng) => {
    const group = (): string => rng.pick(['0', '1', '7', '8', '9']) + rng.digits(3);
    return rng.pick([
      `1Z${rng.chars(UPPER_DIGITS, 6)}${rng.digits(10)}`,
      `9400 ${group()} ${group()} ${group()} ${group()} ${rng.digits(2)}`,
      `${rng.digits(4)} ${rng.digits(4)} ${rng.digits(4)}`,
    ]);
  },
  'phone-like': (rng: Rng) => {
    const badArea = `${rng.int(0, 1)}${rng.digits(2)}`;
    return rng.pick([
      `${badArea}-${rng.int(200, 999)}-${rng.digits(4)}`,
      `(${badArea}) ${rng.int(200, 999)}-${rng.digits(4)}`,
      `555-${rng.digits(4)}`,
      `${rng.int(200, 999)}-${rng.int(200, 999)}-${rng.digits(5)}`,
    ]);
  },
  'invalid-ssn': invalidSsn,
  'invalid-iban': (rng: Rng) => {
    const compact = ibanCompact(rng, true);
    return rng.chance(0.5) ? groupIban(compact) : compact;
  },
  'mac-or-time': (rng: Rng) => {
    const pair = (): string => rng.chars('0123456789ABCDEF', 2);
    return rng.chance(0.5)
      ? Array.from({ length: 6 }, pair).join(':')
      : `${rng.int(10, 23)}:${rng.int(10, 59)}:${rng.int(10, 59)}`;
  },
  'dotted-number': (rng: Rng) =>
    rng.pick([
      `1.3.6.1.4.1.${rng.int(100, 9999)}`,
      `${rng.int(256, 999)}.${rng.int(0, 255)}.1.1`,
      `10.${rng.int(0, 255)}.${rng.int(0, 255)}`,
    ]),
  'email-like': (rng: Rng) =>
    rng.pick([
      `@${firstName(rng)}`,
      `left-pad@${rng.int(1, 9)}.${rng.int(0, 9)}.${rng.int(0, 9)}`,
      'icon@2x.png',
      `${firstName(rng)}@localhost`,
    ]),
} satisfies Record<string, (rng: Rng) => string>;

export type NegativeKind = keyof typeof NEGATIVES;
export const NEGATIVE_KINDS = Object.keys(NEGATIVES) as NegativeKind[];
