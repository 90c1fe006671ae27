import type { JsonSchema } from '../../../core/provider.js';

/** Per-phase timeouts in milliseconds; 0 switches a phase's timeout off. */
export interface UpstreamTimeouts {
  /** TCP + TLS handshake. */
  connectMs?: number;
  /** From sending the request to the response headers. Non-streaming calls send headers only
   *  once the whole completion is generated, so this must cover a full generation. */
  firstByteMs?: number;
  /** The longest silence between two body chunks (stream tokens, keep-alives). */
  idleMs?: number;
  /** The whole call, body included. */
  totalMs?: number;
}

/** Defaults close to the vendors' SDKs: reasoning models can think for minutes before answering. */
export const DEFAULT_TIMEOUTS: Required<UpstreamTimeouts> = {
  connectMs: 10_000,
  firstByteMs: 120_000,
  idleMs: 120_000,
  totalMs: 600_000,
};

const timeoutMs = { type: 'integer', minimum: 0 };

/** The `timeouts` block of every HTTP provider's options schema. */
export const timeoutsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { connectMs: timeoutMs, firstByteMs: timeoutMs, idleMs: timeoutMs, totalMs: timeoutMs },
};
