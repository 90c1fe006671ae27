/**
 * Redis key layout. Every logical key becomes a hash tag, `{...}`, so all the Redis keys behind one
 * budget or one rate limit hash to the same Redis Cluster slot and a single Lua script may touch
 * them together. Braces inside the logical key are percent-encoded because Redis takes the tag
 * from the first `{` to the next `}`.
 *
 *   <prefix>kv:{key}             string, JSON text              get / set / setIfAbsent / delete
 *   <prefix>ctr:{key}            string integer, PEXPIRE        incr
 *   <prefix>rl:{key}:log         zset "seq:cost" -> admitted-at rateLimitHit
 *   <prefix>rl:{key}:meta        hash total, seq
 *   <prefix>budget:{key}         hash spent, reserved           reserve / settle / release
 *   <prefix>budget:{key}:held    hash id -> "amount:ttl"
 *   <prefix>budget:{key}:exp     zset id -> expires-at
 *   <prefix>budget:{key}:done    zset id -> forget-at
 */
export interface RedisKeys {
  kv(key: string): string;
  counter(key: string): string;
  rateLimit(key: string): [log: string, meta: string];
  budget(key: string): [meta: string, held: string, expiry: string, finished: string];
}

function tag(key: string): string {
  return `{${key.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}}`;
}

export function createRedisKeys(prefix: string): RedisKeys {
  if (/[{}]/.test(prefix)) throw new RangeError(`the key prefix must not contain braces: ${prefix}`);
  return {
    kv: (key) => `${prefix}kv:${tag(key)}`,
    counter: (key) => `${prefix}ctr:${tag(key)}`,
    rateLimit: (key) => [`${prefix}rl:${tag(key)}:log`, `${prefix}rl:${tag(key)}:meta`],
    budget: (key) => {
      const base = `${prefix}budget:${tag(key)}`;
      return [base, `${base}:held`, `${base}:exp`, `${base}:done`];
    },
  };
}
