/**
 * Virtual API keys: `sy-` + a 10-character lookup id + a 32-character secret. Only the SHA-256
 * digest of the whole key and its short lookup prefix (`sy-` + lookup id) are ever stored; the
 * key itself is shown once, at creation.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const KEY_MARK = 'sy-';
const LOOKUP_LENGTH = 10;
const SECRET_LENGTH = 32;
const KEY_LENGTH = KEY_MARK.length + LOOKUP_LENGTH + SECRET_LENGTH;
const KEY_SHAPE = /^sy-[0-9a-f]{10}[A-Za-z0-9_-]{32}$/;

export interface NewKeySecret {
  /** The full key, to hand to its owner once. */
  key: string;
  /** `sy-` + the lookup id: safe to store and show (it identifies, it does not authenticate). */
  prefix: string;
  /** SHA-256 of the full key, hex. */
  hash: string;
}

export function generateKeySecret(): NewKeySecret {
  const lookup = randomBytes(LOOKUP_LENGTH / 2).toString('hex');
  const secret = randomBytes((SECRET_LENGTH * 3) / 4).toString('base64url');
  const key = `${KEY_MARK}${lookup}${secret}`;
  return { key, prefix: keyPrefix(key), hash: sha256Hex(key) };
}

/** The stored lookup prefix of a well-formed virtual key, or undefined for anything else. */
export function lookupPrefix(presented: string): string | undefined {
  if (presented.length !== KEY_LENGTH || !KEY_SHAPE.test(presented)) return undefined;
  return keyPrefix(presented);
}

function keyPrefix(key: string): string {
  return key.slice(0, KEY_MARK.length + LOOKUP_LENGTH);
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Compares two hex digests in time independent of where they differ. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
