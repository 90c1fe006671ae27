import { ERROR_CODES, type ErrorCode } from '../../../core/errors/codes.js';
import type { JsonSchema } from '../../../core/provider.js';

/** The upstream failures a mock can be told to produce. */
export type MockFailureCode = Exclude<
  Extract<ErrorCode, `SY_ERR_UPSTREAM_${string}`>,
  'SY_ERR_UPSTREAM_STREAM_INTERRUPTED'
>;

export const MOCK_FAILURE_CODES = Object.keys(ERROR_CODES).filter(
  (code) => code.startsWith('SY_ERR_UPSTREAM_') && code !== 'SY_ERR_UPSTREAM_STREAM_INTERRUPTED',
) as MockFailureCode[];

export interface MockOptions {
  /** Delay before the first token (and before a complete answer starts to be "generated"). */
  latencyMs?: number;
  /** Delay between stream chunks; a complete answer waits this long per chunk too. */
  chunkDelayMs?: number;
  /** Fixed reply text; by default `Mock reply to: <the last user message, cut at 60 chars>`. */
  reply?: string;
  /** Fail every call with this code (or, with `failRate`, the failing share of calls). */
  failWith?: MockFailureCode;
  /** Share of calls (0..1) that fail, drawn from a generator seeded by `seed`. */
  failRate?: number;
  /** Seed of the failure draw, so a demo fails the same calls on every run. */
  seed?: number;
  /** Length of embedding vectors when the request does not say (default 8). */
  embeddingDimensions?: number;
}

export const mockOptionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    latencyMs: { type: 'integer', minimum: 0 },
    chunkDelayMs: { type: 'integer', minimum: 0 },
    reply: { type: 'string' },
    failWith: { type: 'string', enum: MOCK_FAILURE_CODES },
    failRate: { type: 'number', minimum: 0, maximum: 1 },
    seed: { type: 'integer' },
    embeddingDimensions: { type: 'integer', minimum: 1, maximum: 8192 },
  },
};
