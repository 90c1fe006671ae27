import type { JsonSchema } from '../../../core/provider.js';
import { DEFAULT_TIMEOUTS, timeoutsSchema, type UpstreamTimeouts } from '../shared/timeouts.js';

/** Per-phase timeouts in milliseconds; 0 switches a phase's timeout off. */
export type OpenAICompatibleTimeouts = UpstreamTimeouts;

export interface OpenAICompatibleAzureOptions {
  /** The `api-version` query parameter, for example `2024-10-21`. */
  apiVersion: string;
  /** Deployment name per upstream model; a model without an entry uses its own name. */
  deployments?: Record<string, string>;
}

export interface OpenAICompatibleOptions {
  /** Where the API lives, `https://api.openai.com/v1`; for Azure the resource endpoint. */
  baseUrl: string;
  apiKey?: string;
  /** Extra headers sent on every call (organisation, project, vendor flags). */
  headers?: Record<string, string>;
  /** The header that carries the key; `authorization` by default, `api-key` for Azure. */
  authHeader?: string;
  /** Put before the key; `Bearer ` for `authorization`, nothing for other headers. */
  authPrefix?: string;
  timeouts?: OpenAICompatibleTimeouts;
  /** Upper bound of open connections to the upstream; further calls queue. Unlimited by default. */
  maxConnections?: number;
  azure?: OpenAICompatibleAzureOptions;
}

export { DEFAULT_TIMEOUTS };

export const openaiCompatibleOptionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['baseUrl'],
  properties: {
    baseUrl: {
      type: 'string',
      pattern: '^https?://',
      description: 'API base URL, e.g. https://api.openai.com/v1',
    },
    apiKey: { type: 'string' },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    authHeader: { type: 'string', minLength: 1 },
    authPrefix: { type: 'string' },
    timeouts: timeoutsSchema,
    maxConnections: { type: 'integer', minimum: 1 },
    azure: {
      type: 'object',
      additionalProperties: false,
      required: ['apiVersion'],
      properties: {
        apiVersion: { type: 'string', minLength: 1 },
        deployments: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } },
      },
    },
  },
};
