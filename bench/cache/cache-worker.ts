/**
 * One server process of the cache benchmark. `CACHE_BENCH_ROLE=upstream` starts the mock OpenAI
 * upstream; `gateway` starts Switchyard (default pipeline, memory store) in front of
 * `CACHE_BENCH_UPSTREAM`, with the response cache when `CACHE_BENCH_CACHE=1`. Prints
 * `ready <url>` and exits when its stdin closes. Started by bench/cache/cache.bench.ts.
 */
import { createGateway, createSilentLogger, type GatewayConfig } from '../../index.js';
import { startMockOpenAIUpstream } from '../../core/testing/index.js';

async function start(): Promise<{ url: string; close(): Promise<void> }> {
  if (process.env.CACHE_BENCH_ROLE === 'upstream') {
    const upstream = await startMockOpenAIUpstream({ record: false, defaultBehaviour: { reply: 'Paris.' } });
    return { url: upstream.url, close: () => upstream.close() };
  }
  const config: GatewayConfig = {
    providers: {
      upstream: {
        plugin: 'openai-compatible',
        options: { baseUrl: process.env.CACHE_BENCH_UPSTREAM ?? '', apiKey: 'sk-bench-upstream' },
        models: { 'bench-model': { upstreamModel: 'gpt-4o-mini', pricing: { input: 0.15, output: 0.6 } } },
      },
    },
    logging: { level: 'warn' },
    ...(process.env.CACHE_BENCH_CACHE === '1' ? { cache: { backend: 'memory' as const } } : {}),
  };
  const gateway = await createGateway(config, { logger: createSilentLogger() });
  const { url } = await gateway.listen(0, '127.0.0.1');
  return { url: `${url}/v1`, close: () => gateway.close() };
}

const server = await start();
process.stdout.write(`ready ${server.url}\n`);
process.stdin.resume();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
