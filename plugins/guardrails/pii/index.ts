/**
 * PII and secret detection, redaction and reversible pseudonymization for guardrails. Pure
 * functions and small factories: the middleware that applies them to requests comes separately.
 */
export { ENTITY_TYPES, isEntityType, type Detector, type EntityType, type Finding } from './types.js';
export { detectPii, DETECTORS, type DetectOptions } from './detect.js';
export { resolveOverlaps, SPECIFICITY } from './overlap.js';
export { detectApiKeys } from './api-key.js';
export { cardBrand, detectCards } from './card.js';
export { detectEmails } from './email.js';
export { detectIbans, IBAN_LENGTHS } from './iban.js';
export { detectIpv4 } from './ipv4.js';
export { detectIpv6, validIpv6 } from './ipv6.js';
export { detectJwts } from './jwt.js';
export { detectPhones, validNanp } from './phone.js';
export { detectPrivateKeys } from './private-key.js';
export { detectSsns, validSsnDigits } from './ssn.js';
export { ibanMod97Valid, luhnValid } from './checksums.js';
export { formatToken, MAX_TOKEN_LENGTH, replaceTokens, TOKEN_LABELS, tokensIn } from './tokens.js';
export { redactPii, replaceFindings, type RedactOptions, type RedactResult } from './redact.js';
export { createPseudonymizer, type Pseudonymizer, type PseudonymizerOptions } from './pseudonymizer.js';
export { createStreamRestorer, type StreamRestorer } from './stream-restorer.js';
export {
  createChunkRestorer,
  pseudonymizeRequest,
  restoreChunkStream,
  restoreCompletion,
  type ChunkRestorer,
} from './chat.js';
