import type { JsonSchema } from '../../../core/provider.js';
import { timeoutsSchema, type UpstreamTimeouts } from '../shared/timeouts.js';

export interface GeminiOptions {
  /** Where the API lives. Default `https://generativelanguage.googleapis.com`. */
  baseUrl?: string;
  apiKey: string;
  /** The path's API version. Default `v1beta`. */
  apiVersion?: string;
  /** Extra headers on every call. */
  headers?: Record<string, string>;
  /** Sent as `safetySettings` on every chat call (Gemini's own format). */
  safetySettings?: { category: string; threshold: string }[];
  timeouts?: UpstreamTimeouts;
  /** Upper bound of open connections to the upstream; further calls queue. Unlimited by default. */
  maxConnections?: number;
}

export const GEMINI_DEFAULTS = {
  baseUrl: 'https://generativelanguage.googleapis.com',
  apiVersion: 'v1beta',
} as const;

export const geminiOptionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiKey'],
  properties: {
    baseUrl: { type: 'string', pattern: '^https?://' },
    apiKey: { type: 'string', minLength: 1 },
    apiVersion: { type: 'string', pattern: '^v[0-9a-z]+$' },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    safetySettings: {
      type: 'array',
      items: {
        type: 'object',
        required: ['category', 'threshold'],
        properties: { category: { type: 'string' }, threshold: { type: 'string' } },
      },
    },
    timeouts: timeoutsSchema,
    maxConnections: { type: 'integer', minimum: 1 },
  },
};
