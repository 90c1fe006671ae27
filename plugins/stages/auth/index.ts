/**
 * Auth: identifies the caller. With static keys configured (`auth.keys`), a request must carry
 * one as `Authorization: Bearer …` or `x-api-key`; otherwise every caller is anonymous.
 * Keys are compared by SHA-256 digest, so lookup time does not depend on how much of a guess matched.
 */
import { createHash } from 'node:crypto';
import { defineStage, SwitchyardError, type Caller } from '../../../core/index.js';

export const authStage = defineStage<Record<string, never>>({
  name: 'auth',
  optionsSchema: { type: 'object', additionalProperties: false },
  create(_options, services) {
    const keys = new Map<string, Caller>();
    for (const key of services.config.source.auth?.keys ?? []) {
      const digest = sha256(key.key);
      keys.set(digest, {
        id: `key_${digest.slice(0, 12)}`,
        keyId: digest.slice(0, 12),
        team: key.team,
        project: key.project,
        user: key.user,
        labels: key.labels ?? {},
      });
    }
    const anonymous: Caller = Object.freeze({ id: 'anonymous', labels: {} }) as Caller;

    return async function auth(ctx, next) {
      if (keys.size === 0) {
        ctx.caller ??= anonymous;
        return next();
      }
      const presented = bearer(ctx.headers.authorization) ?? single(ctx.headers['x-api-key']);
      const caller = presented ? keys.get(sha256(presented)) : undefined;
      if (!caller) {
        // One message for every failure: nothing that tells a guesser which part was wrong.
        throw new SwitchyardError('SY_ERR_AUTH_UNAUTHORIZED', 'Invalid or missing API key.');
      }
      ctx.caller = caller;
      await next();
    };
  },
});

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function bearer(header: string | string[] | undefined): string | undefined {
  const value = single(header);
  if (!value) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(value.trim());
  return match?.[1];
}
