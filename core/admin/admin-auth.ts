import type { Context } from 'koa';
import { SwitchyardError } from '../errors/switchyard-error.js';
import { digestsEqual, sha256Hex, type KeyRegistry } from '../keys/index.js';

/**
 * Checks the admin key (`x-switchyard-admin-key`, or `Authorization: Bearer`) against the
 * configured digests in constant time. No key or an unknown one: 401. A valid caller key that is
 * not an admin key: 403.
 */
export async function requireAdmin(
  koa: Context,
  adminDigests: readonly string[],
  keys: KeyRegistry,
): Promise<void> {
  const presented = adminKeyOf(koa);
  if (presented === undefined) {
    throw new SwitchyardError('SY_ERR_AUTH_UNAUTHORIZED', 'An admin key is required.');
  }
  const digest = sha256Hex(presented);
  let admin = false;
  for (const known of adminDigests) admin = digestsEqual(known, digest) || admin;
  if (admin) return;
  const caller = await keys.authenticate(presented).catch(() => undefined);
  if (caller) throw new SwitchyardError('SY_ERR_AUTH_FORBIDDEN', 'This key is not an admin key.');
  throw new SwitchyardError('SY_ERR_AUTH_UNAUTHORIZED', 'An admin key is required.');
}

function adminKeyOf(koa: Context): string | undefined {
  const header = koa.get('x-switchyard-admin-key');
  if (header) return header;
  const match = /^Bearer\s+(.+)$/i.exec(koa.get('authorization').trim());
  return match?.[1];
}
