/**
 * Added cost per request of auth + limits + budgets + accounting (+ ledger record), in process,
 * through the composed chain, against the same request with these stages off. Memory store and
 * Redis store (REDIS_URL, default redis://127.0.0.1:6379).
 *
 * Run: node --import tsx bench/accounting/accounting.bench.ts [iterations]
 */
import { randomUUID } from 'node:crypto';
import {
  compose,
  createGateway,
  createRedisStore,
  createSilentLogger,
  type ChatCompletion,
  type ChatContext,
  type Gateway,
  type StageMiddleware,
  type StateStore,
} from '../../index.js';
import { accountingStage } from '../../plugins/stages/accounting/index.js';
import { authStage } from '../../plugins/stages/auth/index.js';
import { budgetsStage } from '../../plugins/stages/budgets/index.js';
import { limitsStage } from '../../plugins/stages/limits/index.js';

const ITERATIONS = Number(process.argv[2] ?? 20_000);
const KEY = 'sk-bench-key-0123456789';
const ANSWER: ChatCompletion = {
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 0,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
};

async function gatewayWith(store: StateStore | undefined): Promise<Gateway> {
  return createGateway(
    {
      providers: {
        mock: { plugin: 'mock', models: { 'bench-model': { pricing: { input: 1, output: 2 } } } },
      },
      catalog: { defaults: false },
      auth: { keys: [{ key: KEY, team: 'bench', id: 'key_bench' }] },
      limits: { keys: { rpm: 100_000_000, tpm: 1_000_000_000 }, teams: { rpm: 100_000_000 } },
      budgets: { teams: { month: 1_000_000 }, keys: { day: 1_000_000 } },
      ledger: { sinks: [] },
    },
    { logger: createSilentLogger(), ...(store ? { store } : {}) },
  );
}

function context(gateway: Gateway): ChatContext {
  const entry = gateway.catalog.resolve('bench-model')[0];
  if (!entry) throw new Error('no catalog entry');
  return {
    requestId: `req_${randomUUID()}`,
    signal: new AbortController().signal,
    startedAt: Date.now(),
    headers: { authorization: `Bearer ${KEY}` },
    responseHeaders: {},
    caller: undefined,
    plan: { candidates: [{ entry }], decidedBy: 'default' },
    attempts: [],
    served: undefined,
    usage: undefined,
    error: undefined,
    state: {},
    log: gateway.services.logger,
    services: gateway.services,
    operation: 'chat',
    request: {
      model: 'bench-model',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'Hello there, bench.' }],
    },
    response: undefined,
    stream: undefined,
  };
}

const terminal: StageMiddleware = async (ctx) => {
  ctx.served = ctx.plan?.candidates[0]?.entry;
  ctx.response = structuredClone(ANSWER);
};

async function measure(chain: StageMiddleware, gateway: Gateway): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const ctx = context(gateway);
    const start = process.hrtime.bigint();
    await chain(ctx, () => Promise.resolve());
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return samples.slice(Math.floor(ITERATIONS / 5)).sort((a, b) => a - b); // drop warm-up
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

async function run(label: string, store: StateStore | undefined): Promise<void> {
  const gateway = await gatewayWith(store);
  const services = gateway.services;
  const stages = [accountingStage, authStage, limitsStage, budgetsStage].map((stage) =>
    stage.create({}, services),
  );
  const on = compose([...stages.filter((stage): stage is StageMiddleware => stage !== undefined), terminal]);
  const off = compose([terminal]);
  const base = await measure(off, gateway);
  const full = await measure(on, gateway);
  const added = pct(full, 0.5) - pct(base, 0.5);
  console.log(
    `${label.padEnd(7)} off p50 ${pct(base, 0.5).toFixed(1)} µs | on p50 ${pct(full, 0.5).toFixed(1)} µs p99 ${pct(full, 0.99).toFixed(1)} µs | added p50 ${added.toFixed(1)} µs | ratio ${(pct(full, 0.5) / pct(base, 0.5)).toFixed(1)}x`,
  );
  await gateway.close();
}

console.log(`node ${process.version}, ${ITERATIONS} requests per run (first 20% dropped as warm-up)`);
await run('memory', undefined);
const prefix = `switchyard-bench:${randomUUID().slice(0, 8)}:`;
const redis = createRedisStore({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix });
await run('redis', redis);
await redis.close();
