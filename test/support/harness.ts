/**
 * Starts gateways for end-to-end tests on loopback: real sockets, local mock upstreams that
 * speak OpenAI's wire format, and the official `openai` SDK as the client.
 */
import OpenAI from 'openai';
import {
  createGateway,
  createSilentLogger,
  type Gateway,
  type GatewayConfig,
  type ProviderConfig,
  type AnyStageFactory,
} from '../../index.js';
import {
  startMockOpenAIUpstream,
  type MockOpenAIUpstream,
  type MockUpstreamOptions,
} from '../../core/testing/index.js';

export interface Harness {
  gateway: Gateway;
  url: string;
  client: OpenAI;
  upstreams: MockOpenAIUpstream[];
  close(): Promise<void>;
}

/** A provider entry pointing at a mock upstream, serving `models` (catalog id → upstream model). */
export function upstreamProvider(
  upstream: MockOpenAIUpstream,
  models: Record<string, string> = { 'test-model': 'gpt-4o-mini' },
  timeouts: Record<string, number> = {},
): ProviderConfig {
  return {
    plugin: 'openai-compatible',
    options: { baseUrl: upstream.url, apiKey: 'sk-upstream-secret-0123456789', timeouts },
    models: Object.fromEntries(
      Object.entries(models).map(([id, upstreamModel]) => [
        id,
        { upstreamModel, pricing: { input: 1, output: 2, cachedInput: 0.5 }, contextWindow: 128000 },
      ]),
    ),
  };
}

export interface HarnessOptions {
  /** How many mock upstreams to start, named p0, p1, … in the config; all serve `test-model`. */
  upstreams?: number;
  upstreamOptions?: MockUpstreamOptions;
  timeouts?: Record<string, number>;
  /** Adjusts the generated config before the gateway starts. */
  configure?: (config: GatewayConfig) => GatewayConfig;
  /** Custom stages the config's `pipeline` may name. */
  stages?: AnyStageFactory[];
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const upstreams: MockOpenAIUpstream[] = [];
  for (let i = 0; i < (options.upstreams ?? 1); i++) {
    upstreams.push(await startMockOpenAIUpstream({ record: true, ...options.upstreamOptions }));
  }
  const providers: Record<string, ProviderConfig> = {};
  upstreams.forEach(
    (upstream, i) => (providers[`p${i}`] = upstreamProvider(upstream, undefined, options.timeouts)),
  );
  providers.mock = { plugin: 'mock', models: { 'mock-small': { pricing: { input: 0.1, output: 0.4 } } } };
  let config: GatewayConfig = {
    providers,
    // Tests script failures back to back; a breaker would take the failing upstream out of the
    // plan between them. The breaker tests switch it on.
    routing: { failover: { backoffBaseMs: 1, backoffMaxMs: 5 }, circuitBreaker: { enabled: false } },
  };
  if (options.configure) config = options.configure(config);
  const gateway = await createGateway(config, {
    logger: createSilentLogger(),
    ...(options.stages ? { stages: options.stages } : {}),
  });
  const { url } = await gateway.listen(0, '127.0.0.1');
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-client', maxRetries: 0, timeout: 10_000 });
  return {
    gateway,
    url,
    client,
    upstreams,
    async close() {
      await gateway.close();
      await Promise.all(upstreams.map((u) => u.close()));
    },
  };
}

/** POSTs a raw chat request (no SDK), for tests that read the SSE bytes themselves. */
export function postChat(url: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content: 'x' }], ...body }),
  });
}

/** Reads a raw SSE response into its `data:` payloads (and comments, when asked). */
export async function readSse(response: Response): Promise<{ data: string[]; comments: string[] }> {
  const text = await response.text();
  const data: string[] = [];
  const comments: string[] = [];
  for (const block of text.split('\n\n')) {
    for (const line of block.split('\n')) {
      if (line.startsWith('data: ')) data.push(line.slice(6));
      else if (line.startsWith(':')) comments.push(line);
    }
  }
  return { data, comments };
}
