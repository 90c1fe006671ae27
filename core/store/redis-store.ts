import { once } from 'node:events';
import { createRequire } from 'node:module';
import type * as IORedis from 'ioredis';
import type { Cluster as ClusterClient, Redis as RedisClient } from 'ioredis';

// Loaded on first use: ioredis adds ~28 MB to a process that never talks to Redis.
const load = createRequire(import.meta.url);
const loadIORedis = () => load('ioredis') as typeof IORedis;
import { SwitchyardError } from '../errors/switchyard-error.js';
import { assertInteger, assertNonEmpty, assertRateLimit } from './arguments.js';
import { isNoScript, translateRedisError } from './redis-errors.js';
import { createRedisKeys } from './redis-keys.js';
import {
  BUDGET_STATE,
  DELETE_IF_EQUALS,
  FINISH,
  INCR,
  RATE_LIMIT_HIT,
  RESERVE,
  type RedisScript,
} from './redis-scripts.js';
import { StoreUnavailableError } from './store-unavailable-error.js';
import type { BudgetState, JsonValue, StateStore } from './types.js';

export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` for TLS. Set this or `cluster`. */
  url?: string;
  /**
   * Redis Cluster: some of its nodes as `redis://[user:password@]host:port` (`rediss://` for TLS);
   * the client discovers the rest. Credentials and TLS are taken from the first URL. Set this or `url`.
   */
  cluster?: string[];
  /** Put before every key, so several gateways (or test runs) can share one Redis. Default `switchyard:`. */
  prefix?: string;
  /** Bound on opening a connection, and on how long a command waits for the very first one. Default 1000 ms. */
  connectTimeoutMs?: number;
  /** Bound on waiting for the reply to a sent command. Default 500 ms. */
  commandTimeoutMs?: number;
  /** Longest pause between reconnect attempts (they back off up to this, forever). Default 2000 ms. */
  maxReconnectDelayMs?: number;
  /**
   * Clock (epoch ms) for rate-limit windows and reservation deadlines. Leave unset in production:
   * the scripts then read Redis's TIME, one clock for all instances. Counter and key-value TTLs
   * always use Redis's own expiry.
   */
  now?: () => number;
  /** Told about connection errors (they are otherwise swallowed; commands report them). */
  onError?: (error: Error) => void;
}

/**
 * A StateStore in Redis (one server, or a Redis Cluster with `cluster`), shared by every gateway
 * instance pointed at it. Every Redis key behind one logical key shares a hash tag, so each script
 * touches one cluster slot. Multi-step operations
 * are Lua scripts (atomic in Redis), sent by EVALSHA with a fallback to EVAL after a Redis restart
 * flushed the script cache.
 *
 * Failure is bounded: every call resolves or rejects with StoreUnavailableError within about
 * `commandTimeoutMs` once connected (immediately while disconnected), never queues, and the client
 * reconnects by itself when Redis returns.
 *
 * @example
 * const store = createRedisStore({ url: 'redis://127.0.0.1:6379', prefix: 'switchyard:' });
 */
export function createRedisStore(options: RedisStoreOptions): StateStore {
  const keys = createRedisKeys(options.prefix ?? 'switchyard:');
  const connectTimeoutMs = options.connectTimeoutMs ?? 1_000;
  const maxReconnectDelayMs = options.maxReconnectDelayMs ?? 2_000;
  const clock = options.now;
  const redis = connect(options, connectTimeoutMs, maxReconnectDelayMs);
  // Without a listener ioredis prints every reconnect failure; with one, nothing can crash.
  let lastError: Error | undefined;
  let firstAttempt = true;
  redis.on('error', (error: Error) => {
    lastError = error;
    firstAttempt = false;
    options.onError?.(error);
  });
  redis.on('ready', () => {
    lastError = undefined;
    firstAttempt = false;
    // Load the scripts on every (re)connect so a burst right after it does not pay a NOSCRIPT
    // round trip per call. Best effort: runScript still falls back to EVAL.
    const nodes = 'nodes' in redis ? redis.nodes('master') : [redis];
    for (const node of nodes) {
      for (const script of SCRIPTS) node.script('LOAD', script.lua).catch(() => undefined);
    }
  });
  let closed = false;

  // Only during the very first connection attempt do commands wait for it (bounded), so calls
  // made right after boot do not fail spuriously. Once connected or failed, a command on a down
  // connection fails at once (no offline queue). Waiters share one wait: one listener, not one
  // per call.
  let connecting: Promise<void> | undefined;
  async function usable(operation: string): Promise<void> {
    if (closed) throw new StoreUnavailableError(`redis ${operation}: the store is closed`);
    if (!firstAttempt) return;
    connecting ??= once(redis, 'ready', { signal: AbortSignal.timeout(connectTimeoutMs) })
      .then(() => undefined)
      .finally(() => {
        connecting = undefined;
      });
    try {
      await connecting;
    } catch (error) {
      // `once` rejects on the first 'error' event (refused, DNS) or when the bound passes.
      const timedOut = error instanceof Error && error.name === 'AbortError';
      firstAttempt = false;
      const reason = timedOut
        ? `not connected within ${connectTimeoutMs} ms`
        : `cannot connect (${String(error)})`;
      throw new StoreUnavailableError(`redis ${operation}: ${reason}`, error);
    }
  }

  async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    await usable(operation);
    try {
      return await run();
    } catch (error) {
      // "Stream isn't writeable" says little; the connection's own last error says why.
      if (redis.status !== 'ready' && lastError !== undefined) {
        throw new StoreUnavailableError(`redis ${operation}: not connected (${lastError.message})`, error);
      }
      throw translateRedisError(operation, error);
    }
  }

  async function runScript(script: RedisScript, scriptKeys: string[], args: string[]): Promise<unknown> {
    try {
      return await redis.evalsha(script.sha, scriptKeys.length, ...scriptKeys, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return await redis.eval(script.lua, scriptKeys.length, ...scriptKeys, ...args);
    }
  }

  function now(): string {
    return clock === undefined ? '' : String(clock());
  }

  return {
    kind: 'redis',

    async incr(key, by, ttlMs) {
      assertNonEmpty('key', key);
      assertInteger('by', by, Number.MIN_SAFE_INTEGER);
      assertInteger('ttlMs', ttlMs, 1);
      return call('incr', async () => {
        const [value] = integers(await runScript(INCR, [keys.counter(key)], [String(by), String(ttlMs)]), 1);
        return value ?? 0;
      });
    },

    async rateLimitHit(key, limit, windowMs, cost = 1) {
      assertNonEmpty('key', key);
      assertRateLimit(limit, windowMs, cost);
      return call('rateLimitHit', async () => {
        const args = [String(limit), String(windowMs), String(cost), now()];
        const [allowed, remaining, resetMs, retryAfterMs] = integers(
          await runScript(RATE_LIMIT_HIT, keys.rateLimit(key), args),
          4,
        );
        return {
          allowed: allowed === 1,
          remaining: remaining ?? 0,
          resetMs: resetMs ?? 0,
          retryAfterMs: retryAfterMs ?? 0,
        };
      });
    },

    async reserve(budgetKey, amountMicros, capMicros, reservationId, ttlMs) {
      assertNonEmpty('budgetKey', budgetKey);
      assertNonEmpty('reservationId', reservationId);
      assertInteger('amountMicros', amountMicros, 0);
      assertInteger('capMicros', capMicros, 0);
      assertInteger('ttlMs', ttlMs, 1);
      return call('reserve', async () => {
        const args = [String(amountMicros), String(capMicros), reservationId, String(ttlMs), now()];
        const [ok, spent, reserved] = integers(await runScript(RESERVE, keys.budget(budgetKey), args), 3);
        return { ok: ok === 1, ...budget(spent, reserved) };
      });
    },

    async settle(budgetKey, reservationId, actualMicros) {
      assertNonEmpty('budgetKey', budgetKey);
      assertNonEmpty('reservationId', reservationId);
      assertInteger('actualMicros', actualMicros, 0);
      return call('settle', async () => {
        const args = [reservationId, String(actualMicros), now()];
        const [applied, spent, reserved] = integers(await runScript(FINISH, keys.budget(budgetKey), args), 3);
        return { applied: applied === 1, ...budget(spent, reserved) };
      });
    },

    async release(budgetKey, reservationId) {
      assertNonEmpty('budgetKey', budgetKey);
      assertNonEmpty('reservationId', reservationId);
      return call('release', async () => {
        const args = [reservationId, '', now()];
        const [applied, spent, reserved] = integers(await runScript(FINISH, keys.budget(budgetKey), args), 3);
        return { applied: applied === 1, ...budget(spent, reserved) };
      });
    },

    async budgetState(budgetKey) {
      assertNonEmpty('budgetKey', budgetKey);
      return call('budgetState', async () => {
        const [spent, reserved] = integers(await runScript(BUDGET_STATE, keys.budget(budgetKey), [now()]), 2);
        return budget(spent, reserved);
      });
    },

    async get(key) {
      assertNonEmpty('key', key);
      return call('get', async () => {
        const text = await redis.get(keys.kv(key));
        return text === null ? undefined : (JSON.parse(text) as JsonValue);
      });
    },

    async set(key, value, ttlMs) {
      assertNonEmpty('key', key);
      if (ttlMs !== undefined) assertInteger('ttlMs', ttlMs, 1);
      return call('set', async () => {
        const text = JSON.stringify(value);
        if (ttlMs === undefined) await redis.set(keys.kv(key), text);
        else await redis.set(keys.kv(key), text, 'PX', ttlMs);
      });
    },

    async setIfAbsent(key, value, ttlMs) {
      assertNonEmpty('key', key);
      assertInteger('ttlMs', ttlMs, 1);
      return call('setIfAbsent', async () => {
        return (await redis.set(keys.kv(key), JSON.stringify(value), 'PX', ttlMs, 'NX')) === 'OK';
      });
    },

    async delete(key, ifValue) {
      assertNonEmpty('key', key);
      return call('delete', async () => {
        if (ifValue === undefined) return (await redis.del(keys.kv(key))) > 0;
        const [deleted] = integers(
          await runScript(DELETE_IF_EQUALS, [keys.kv(key)], [JSON.stringify(ifValue)]),
          1,
        );
        return deleted === 1;
      });
    },

    async ping() {
      return call('ping', async () => {
        await redis.ping();
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      // QUIT lets Redis finish what we sent; it is bounded by the command timeout, and if the
      // connection is not up there is nothing to finish.
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}

type Client = RedisClient | ClusterClient;

/** A single-node client for `url`, or a Redis Cluster client for `cluster`, both bounded the same way. */
function connect(options: RedisStoreOptions, connectTimeoutMs: number, maxReconnectDelayMs: number): Client {
  const { url, cluster } = options;
  if ((url === undefined) === (cluster === undefined) || cluster?.length === 0) {
    throw new RangeError('a Redis store needs either `url` or a non-empty `cluster` list, not both');
  }
  const { Redis, Cluster } = loadIORedis();
  const nodeOptions = {
    connectTimeout: connectTimeoutMs,
    // A reply that does not come within this rejects the command ("Command timed out"). The
    // command may still run on the server: a timed-out reserve then holds until its ttl.
    commandTimeout: options.commandTimeoutMs ?? 500,
    // Commands in flight when the connection drops are rejected, never replayed on the next
    // connection (a replayed incr or reserve would count twice).
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
  };
  // Reconnect forever with backoff (100 ms, 200 ms, ... capped), so the store heals by itself
  // within about maxReconnectDelayMs of Redis coming back.
  const retry = (attempt: number) => Math.min(100 * 2 ** Math.min(attempt - 1, 10), maxReconnectDelayMs);
  if (cluster !== undefined) {
    const first = new URL(cluster[0] as string);
    return new Cluster(
      cluster.map((node) => {
        const parsed = new URL(node);
        return { host: parsed.hostname, port: Number(parsed.port || 6379) };
      }),
      {
        // As below: while the cluster is unreachable, fail at once instead of queueing.
        enableOfflineQueue: false,
        clusterRetryStrategy: retry,
        redisOptions: {
          ...nodeOptions,
          ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
          ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
          ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
        },
      },
    );
  }
  return new Redis(url as string, {
    ...nodeOptions,
    // While disconnected, fail at once instead of queueing: a queued write could be applied after
    // its caller already gave up, and a queue can grow without bound during an outage.
    enableOfflineQueue: false,
    retryStrategy: retry,
  });
}

const SCRIPTS = [INCR, RATE_LIMIT_HIT, RESERVE, FINISH, BUDGET_STATE, DELETE_IF_EQUALS];

function budget(spent: number | undefined, reserved: number | undefined): BudgetState {
  return { spentMicros: spent ?? 0, reservedMicros: reserved ?? 0 };
}

// Script replies are arrays of integers; anything else means the script and this code disagree.
function integers(reply: unknown, count: number): number[] {
  const values = Array.isArray(reply) ? reply : [reply];
  if (values.length !== count || !values.every((value) => Number.isSafeInteger(value))) {
    throw new SwitchyardError(
      'SY_ERR_INTERNAL',
      `unexpected reply from a store script: ${JSON.stringify(reply)}`,
    );
  }
  return values as number[];
}
