/** Virtual API keys: creation, lookup by digest, per-instance caching. See docs/accounting.md. */
export { createKeyRegistry, type CreatedKey, type KeyRegistry, type KeyRegistryOptions } from './registry.js';
export { generateKeySecret, lookupPrefix, sha256Hex, digestsEqual, KEY_MARK } from './key-secret.js';
export { keyView, type KeyAttributes, type KeyRecord, type KeyView } from './types.js';
