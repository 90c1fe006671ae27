/**
 * `detectPii`: runs the configured detectors over a text and merges their findings.
 */
import { detectApiKeys } from './api-key.js';
import { detectCards } from './card.js';
import { detectEmails } from './email.js';
import { detectIbans } from './iban.js';
import { detectIpv4 } from './ipv4.js';
import { detectIpv6 } from './ipv6.js';
import { detectJwts } from './jwt.js';
import { resolveOverlaps } from './overlap.js';
import { detectPhones } from './phone.js';
import { detectPrivateKeys } from './private-key.js';
import { detectSsns } from './ssn.js';
import { ENTITY_TYPES, type Detector, type EntityType, type Finding } from './types.js';

export interface DetectOptions {
  /** Entity families to look for; all of them by default. */
  entities?: readonly EntityType[];
  /** Findings scoring below this are dropped before overlaps are resolved. Default 0. */
  minScore?: number;
}

const detectIps: Detector = (text) => {
  const v6 = detectIpv6(text);
  const v4 = detectIpv4(text);
  return v6.length === 0 ? v4 : [...v4, ...v6].sort((a, b) => a.start - b.start);
};

/** One detector per entity family; each returns its own findings sorted and non-overlapping. */
export const DETECTORS: Readonly<Record<EntityType, Detector>> = {
  private_key: detectPrivateKeys,
  jwt: detectJwts,
  api_key: detectApiKeys,
  email: detectEmails,
  iban: detectIbans,
  card: detectCards,
  ssn: detectSsns,
  ip: detectIps,
  phone: detectPhones,
};

/**
 * Finds PII and secrets in `text`, sorted by position and never overlapping.
 *
 * @example
 * detectPii('mail bob@example.com, card 4111 1111 1111 1111', { entities: ['email', 'card'] });
 * // → [{ type: 'email', start: 5, end: 20, … }, { type: 'card', start: 27, end: 46, … }]
 */
export function detectPii(text: string, options: DetectOptions = {}): Finding[] {
  // Deduplicated only when given: the default list is already unique, and this runs per message.
  const entities = options.entities ? [...new Set(options.entities)] : ENTITY_TYPES;
  const minScore = options.minScore ?? 0;
  const all: Finding[] = [];
  for (const entity of entities) {
    // A loop, not push(...spread): a 100 KB flood can yield more findings than the call stack allows arguments.
    for (const finding of DETECTORS[entity](text)) if (finding.score >= minScore) all.push(finding);
  }
  return resolveOverlaps(all, text.length);
}
