import type { AuthHeaders } from '../shared/headers.js';
import type { OpenAICompatibleOptions } from './options.js';

/** Where each operation is sent and which headers go with it, worked out once per provider. */
export interface Endpoints {
  /** `https://host:port`, the key of the connection pool. */
  readonly origin: string;
  chatPath(upstreamModel: string): string;
  embeddingsPath(upstreamModel: string): string;
  /** The configured key's header, empty when no key is configured. */
  readonly credentials: Readonly<Record<string, string>>;
  /** The bare key too: an upstream that echoes it back drops the `Bearer ` prefix. */
  readonly extraSecrets: readonly string[];
  /** The header carrying a key (`Authorization: Bearer …`, Azure's `api-key`), for a caller's own key too. */
  readonly authHeaders: AuthHeaders;
}

export function createEndpoints(options: OpenAICompatibleOptions): Endpoints {
  const base = new URL(options.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const baseQuery = base.searchParams;
  const azure = options.azure;

  const withQuery = (path: string): string => {
    const query = new URLSearchParams(baseQuery);
    if (azure) query.set('api-version', azure.apiVersion);
    const search = query.toString();
    return search === '' ? path : `${path}?${search}`;
  };

  // Azure addresses a deployment, not a model, and ignores the body's `model`.
  const operationPath = (operation: string, upstreamModel: string): string => {
    if (!azure) return withQuery(`${basePath}/${operation}`);
    const deployment = azure.deployments?.[upstreamModel] ?? upstreamModel;
    return withQuery(`${basePath}/openai/deployments/${encodeURIComponent(deployment)}/${operation}`);
  };

  // Precomputed once so the hot path only builds the model-specific path.
  const chatPaths = new Map<string, string>();
  const embeddingsPaths = new Map<string, string>();
  const cached = (cache: Map<string, string>, operation: string, model: string): string => {
    let path = cache.get(model);
    if (path === undefined) {
      path = operationPath(operation, model);
      if (cache.size < 1000) cache.set(model, path);
    }
    return path;
  };

  const authHeader = (options.authHeader ?? (azure ? 'api-key' : 'authorization')).toLowerCase();
  const prefix = options.authPrefix ?? (authHeader === 'authorization' ? 'Bearer ' : '');
  const authHeaders: AuthHeaders = (key) => ({ [authHeader]: `${prefix}${key}` });
  const apiKey = options.apiKey === '' ? undefined : options.apiKey;

  return {
    origin: base.origin,
    chatPath: (model) => cached(chatPaths, 'chat/completions', model),
    embeddingsPath: (model) => cached(embeddingsPaths, 'embeddings', model),
    credentials: apiKey === undefined ? {} : authHeaders(apiKey),
    extraSecrets: apiKey === undefined ? [] : [apiKey],
    authHeaders,
  };
}
