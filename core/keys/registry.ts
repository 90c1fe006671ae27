/**
 * The key registry: static keys from the configuration and virtual keys kept in the shared store,
 * behind one `authenticate`. Records read from the store are cached per instance for `cacheMs`,
 * so a disabled, rotated or deleted key stops working on every instance within that bound.
 */
import { SwitchyardError } from '../errors/switchyard-error.js';
import type { JsonValue, StateStore } from '../store/index.js';
import { digestsEqual, generateKeySecret, lookupPrefix, sha256Hex } from './key-secret.js';
import { RecordCache } from './record-cache.js';
import { staticKeyRecords } from './static-keys.js';
import { keyView, type KeyAttributes, type KeyRecord, type KeyView } from './types.js';
import type { StaticKeyConfig } from '../config/types.js';
import { withLock } from './lock.js';

export interface KeyRegistryOptions {
  store: StateStore;
  staticKeys: readonly StaticKeyConfig[];
  /** How long a record read from the store is trusted. */
  cacheMs: number;
  now: () => number;
}

export interface CreatedKey {
  /** The key itself: shown this once, never stored. */
  key: string;
  record: KeyView;
}

export interface KeyRegistry {
  /** The caller's key record when `presented` is a valid, enabled, unexpired key; else undefined. */
  authenticate(presented: string): Promise<KeyRecord | undefined>;
  /** Whether any key can exist (static ones, or the admin API may create some). */
  readonly size: number;
  create(attributes: KeyAttributes): Promise<CreatedKey>;
  list(): Promise<KeyView[]>;
  get(id: string): Promise<KeyView>;
  setDisabled(id: string, disabled: boolean): Promise<KeyView>;
  /** Replaces the secret; the old one keeps working for `graceMs` (default 0: stops at once). */
  rotate(id: string, graceMs?: number): Promise<CreatedKey>;
  remove(id: string): Promise<void>;
}

const REC = 'keys:rec:';
const LOOKUP = 'keys:lookup:';
const INDEX = 'keys:index';

export function createKeyRegistry(options: KeyRegistryOptions): KeyRegistry {
  const { store, now } = options;
  const statics = staticKeyRecords(options.staticKeys, now());
  const byDigest = new Map(statics.map((record) => [record.hash, record]));
  const staticIds = new Map(statics.map((record) => [record.id, record]));
  const cache = new RecordCache<KeyRecord>(options.cacheMs, 10_000, now);

  function usable(record: KeyRecord): boolean {
    return !record.disabled && (record.expiresAt === undefined || record.expiresAt > now());
  }

  async function loadRecord(id: string): Promise<KeyRecord | undefined> {
    return (await store.get(REC + id)) as KeyRecord | undefined;
  }

  async function byLookup(prefix: string): Promise<KeyRecord | undefined> {
    const cached = cache.get(prefix);
    if (cached !== undefined) return cached ?? undefined;
    const id = await store.get(LOOKUP + prefix);
    const record = typeof id === 'string' ? await loadRecord(id) : undefined;
    cache.set(prefix, record ?? null);
    return record;
  }

  async function mustLoad(id: string): Promise<KeyRecord> {
    if (staticIds.has(id)) {
      throw new SwitchyardError(
        'SY_ERR_REQUEST_INVALID',
        `Key ${id} comes from the configuration file; change it there.`,
      );
    }
    const record = await loadRecord(id);
    if (!record) throw new SwitchyardError('SY_ERR_KEY_NOT_FOUND', `No key with id ${id}.`);
    return record;
  }

  async function save(record: KeyRecord): Promise<void> {
    await store.set(REC + record.id, record as unknown as JsonValue);
    cache.clear();
  }

  async function updateIndex(change: (ids: string[]) => string[]): Promise<void> {
    await withLock(store, `${INDEX}:lock`, async () => {
      const ids = ((await store.get(INDEX)) as string[] | undefined) ?? [];
      await store.set(INDEX, change(ids));
    });
  }

  return {
    get size() {
      return statics.length;
    },

    async authenticate(presented) {
      const prefix = lookupPrefix(presented);
      const digest = sha256Hex(presented);
      if (prefix === undefined) {
        const record = byDigest.get(digest);
        return record && usable(record) ? record : undefined;
      }
      const record = await byLookup(prefix);
      if (!record) return undefined;
      const current = record.prefix === prefix && digestsEqual(record.hash, digest);
      const previous =
        record.previous !== undefined &&
        record.previous.prefix === prefix &&
        record.previous.until > now() &&
        digestsEqual(record.previous.hash, digest);
      return (current || previous) && usable(record) ? record : undefined;
    },

    async create(attributes) {
      const secret = generateKeySecret();
      const at = now();
      const record: KeyRecord = {
        ...attributes,
        labels: attributes.labels ?? {},
        id: `key_${secret.prefix.slice(3)}`,
        prefix: secret.prefix,
        hash: secret.hash,
        disabled: false,
        createdAt: at,
        updatedAt: at,
        source: 'admin',
      };
      await save(record);
      await store.set(LOOKUP + secret.prefix, record.id);
      await updateIndex((ids) => [...ids, record.id]);
      return { key: secret.key, record: keyView(record) };
    },

    async list() {
      const ids = ((await store.get(INDEX)) as string[] | undefined) ?? [];
      const records = await Promise.all(ids.map(loadRecord));
      const stored = records.filter((record): record is KeyRecord => record !== undefined);
      return [...statics, ...stored].map(keyView);
    },

    async get(id) {
      const found = staticIds.get(id);
      return keyView(found ?? (await mustLoad(id)));
    },

    async setDisabled(id, disabled) {
      const record = { ...(await mustLoad(id)), disabled, updatedAt: now() };
      await save(record);
      return keyView(record);
    },

    async rotate(id, graceMs = 0) {
      const old = await mustLoad(id);
      const secret = generateKeySecret();
      const at = now();
      const record: KeyRecord = {
        ...old,
        prefix: secret.prefix,
        hash: secret.hash,
        updatedAt: at,
        previous: graceMs > 0 ? { prefix: old.prefix, hash: old.hash, until: at + graceMs } : undefined,
      };
      if (!record.previous) delete record.previous;
      await store.set(LOOKUP + secret.prefix, id);
      await save(record);
      if (graceMs > 0) await store.set(LOOKUP + old.prefix, id, graceMs);
      else await store.delete(LOOKUP + old.prefix);
      return { key: secret.key, record: keyView(record) };
    },

    async remove(id) {
      const record = await mustLoad(id);
      await store.delete(LOOKUP + record.prefix);
      if (record.previous) await store.delete(LOOKUP + record.previous.prefix);
      await store.delete(REC + id);
      cache.clear();
      await updateIndex((ids) => ids.filter((known) => known !== id));
    },
  };
}
