/**
 * Switchyard as the benchmark measures it, run the way `switchyard serve` runs it (the same V8
 * heap setting, cli/heap.ts, applied first): createGateway with the built-in plugins and the
 * DEFAULT pipeline (no `pipeline` key), no API keys configured (every caller is anonymous), and
 * two openai-compatible providers pointing at the mock upstreams: `upstream` (fast) serves
 * MODEL, `paced` serves PACED_MODEL.
 *
 * `BENCH_LOG_LEVEL` sets the log level (`warn` by default: nothing is logged per request;
 * `info` writes the one request line per call, which the orchestrator sends to /dev/null).
 * With `BENCH_PROFILE=1` it can be CPU-profiled (see profiler.ts).
 * Started by bench/gateway.bench.ts.
 */
import { tuneHeap } from '../cli/heap.js';
import { createGateway, type GatewayConfig } from '../index.js';
import { answerProfileRequests } from './profiler.js';
import { exitWithParent, MODEL, PACED_MODEL, requiredEnv, tell } from './protocol.js';

tuneHeap();

const upstreams = JSON.parse(requiredEnv('BENCH_UPSTREAMS')) as Record<string, string>;
const level = process.env.BENCH_LOG_LEVEL ?? 'warn';

const model = {
  pricing: { input: 0.15, output: 0.6 },
  contextWindow: 128_000,
  maxOutputTokens: 16_384,
  capabilities: ['chat' as const, 'streaming' as const],
};
const config: GatewayConfig = {
  providers: {
    upstream: {
      plugin: 'openai-compatible',
      options: { baseUrl: `${upstreams.fast}/v1`, apiKey: 'sk-bench-upstream' },
      models: { [MODEL]: model },
    },
    paced: {
      plugin: 'openai-compatible',
      options: { baseUrl: `${upstreams.paced}/v1`, apiKey: 'sk-bench-upstream' },
      models: { [PACED_MODEL]: model },
    },
  },
  logging: { level },
};

const gateway = await createGateway(config);
const { url } = await gateway.listen(0, '127.0.0.1');

answerProfileRequests();
exitWithParent(() => gateway.close());
tell({ type: 'ready', urls: { fast: url, paced: url } });
