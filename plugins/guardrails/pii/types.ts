/**
 * The shared vocabulary of the PII detectors: what they look for and what they report.
 */

/** Every entity family a detector exists for, in the order `detectPii` runs them by default. */
export const ENTITY_TYPES = [
  'private_key',
  'jwt',
  'api_key',
  'email',
  'iban',
  'card',
  'ssn',
  'ip',
  'phone',
] as const;

export type EntityType = (typeof ENTITY_TYPES)[number];

/** One detected span: `text.slice(start, end) === value`. */
export interface Finding {
  type: EntityType;
  start: number;
  end: number;
  value: string;
  /** Confidence in [0, 1]; checksummed and prefixed formats score higher than bare shapes. */
  score: number;
  /** A sub-family when the detector knows it: card brand, key vendor, `ipv4`/`ipv6`, … */
  kind?: string;
}

/** A detector scans the whole text once and returns its findings, sorted by `start`, never overlapping. */
export type Detector = (text: string) => Finding[];

export function isEntityType(value: string): value is EntityType {
  return (ENTITY_TYPES as readonly string[]).includes(value);
}
