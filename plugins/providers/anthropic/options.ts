import type { JsonSchema } from '../../../core/provider.js';
import { timeoutsSchema, type UpstreamTimeouts } from '../shared/timeouts.js';

export interface AnthropicOptions {
  /** Where the API lives; `/v1/messages` is appended. Default `https://api.anthropic.com`. */
  baseUrl?: string;
  apiKey: string;
  /** The `anthropic-version` header. */
  anthropicVersion?: string;
  /** Extra headers on every call, such as `anthropic-beta`. */
  headers?: Record<string, string>;
  /** Anthropic requires `max_tokens`; this is sent when a request sets none. */
  defaultMaxTokens?: number;
  timeouts?: UpstreamTimeouts;
  /** Upper bound of open connections to the upstream; further calls queue. Unlimited by default. */
  maxConnections?: number;
}

export const ANTHROPIC_DEFAULTS = {
  baseUrl: 'https://api.anthropic.com',
  anthropicVersion: '2023-06-01',
  defaultMaxTokens: 4096,
} as const;

export const anthropicOptionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiKey'],
  properties: {
    baseUrl: {
      type: 'string',
      pattern: '^https?://',
      description: 'API base URL, e.g. https://api.anthropic.com',
    },
    apiKey: { type: 'string', minLength: 1 },
    anthropicVersion: { type: 'string', minLength: 1 },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    defaultMaxTokens: { type: 'integer', minimum: 1 },
    timeouts: timeoutsSchema,
    maxConnections: { type: 'integer', minimum: 1 },
  },
};
