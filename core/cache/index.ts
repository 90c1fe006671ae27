/**
 * The response cache's building blocks: keys, entries, backends, single-flight, stream
 * accumulation and replay. The `cache` stage (plugins/stages/cache) puts them together;
 * docs/cache.md describes the whole.
 */
export {
  answerRelevant,
  cacheNamespace,
  canonicalJson,
  entryKey,
  IGNORED_FIELDS,
  requestDigest,
  sha256,
} from './key.js';
export { parseAnswer, providerUsage, serializeAnswer, type CachedAnswer } from './entry.js';
export {
  createMemoryCacheBackend,
  createStoreCacheBackend,
  entryBytes,
  type CacheBackend,
  type MemoryBackendOptions,
} from './backend.js';
export { cacheControls, type CacheControls } from './controls.js';
export { pollForEntry, SingleFlight, waitForFlight, type Flight, type PollOptions } from './single-flight.js';
export { StreamAccumulator } from './stream-accumulator.js';
export { replayChunks, replayStream, pieces, REPLAY_PIECE_CHARS } from './replay-stream.js';
export { CACHE_DEFAULTS, resolveCacheSettings, type CacheSettings } from './settings.js';
