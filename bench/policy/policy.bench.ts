/**
 * Policy decision time: a 50-rule policy over a 200-model catalog, against the bare
 * json-logic-js evaluation of the same 50 conditions. The request matches only the last rule,
 * so every condition runs (the worst case). Run:
 *
 *   node --import tsx bench/policy/policy.bench.ts
 *
 * Figures and the machine they came from: docs/policy-language.md#performance.
 */
import jsonLogic from 'json-logic-js';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildFacts,
  createCatalog,
  createPolicyCatalog,
  createPolicyEngine,
  resolveConfig,
  type DecisionInput,
  type GatewayConfig,
  type ModelConfig,
} from '../../index.js';

const PROVIDERS = 10;
const MODELS_PER_PROVIDER = 20;
const RULES = 50;

const providers: GatewayConfig['providers'] = {};
for (let p = 0; p < PROVIDERS; p++) {
  const models: Record<string, ModelConfig> = {};
  for (let m = 0; m < MODELS_PER_PROVIDER; m++) {
    models[`model-${m}`] = {
      pricing: { input: 0.1 + m * 0.3, output: 0.4 + m },
      contextWindow: 32_000 + m * 8_000,
      maxOutputTokens: 8_192,
      capabilities: ['chat', 'streaming', 'tools', 'json_schema'],
    };
  }
  providers[`p${p}`] = {
    plugin: 'mock',
    data: { regions: [p % 2 === 0 ? 'eu' : 'us'], zeroDataRetention: p % 3 === 0 },
    models,
  };
}
const config: GatewayConfig = { providers };

/** Fifty conditions of the usual shapes; none holds for the benchmark request but the last. */
const conditions: unknown[] = [];
for (let i = 0; i < RULES - 1; i++) {
  switch (i % 5) {
    case 0:
      conditions.push({
        and: [
          { '==': [{ var: 'caller.team' }, `team-${i}`] },
          { '>': [{ var: 'request.estimatedPromptTokens' }, 100] },
        ],
      });
      break;
    case 1:
      conditions.push({ in: [{ var: 'request.model' }, [`m-${i}`, `n-${i}`, `o-${i}`]] });
      break;
    case 2:
      conditions.push({ 'sy.containsAny': [{ var: 'findingTypes' }, ['ssn', `x-${i}`]] });
      break;
    case 3:
      conditions.push({
        or: [{ '==': [{ var: 'request.headers.x-tier' }, `gold-${i}`] }, { '<': [{ var: 'time.hour' }, -1] }],
      });
      break;
    default:
      conditions.push({
        and: [{ var: 'request.hasImages' }, { '>=': [{ var: 'request.complexity' }, 0.9] }],
      });
  }
}
conditions.push({ '==': [{ var: 'request.complexityTier' }, 'simple'] });

const rules = conditions.map((when, i) => ({
  name: `rule-${i}`,
  when,
  route: {
    candidates: [
      `p${i % PROVIDERS}/model-${i % MODELS_PER_PROVIDER}`,
      `p${(i + 3) % PROVIDERS}/model-1`,
      `p${(i + 5) % PROVIDERS}/model-2`,
    ],
    strategy: i === RULES - 1 ? 'cheapest' : 'ordered',
  },
  require: i === RULES - 1 ? { regions: ['eu'] } : undefined,
}));
const dir = join(tmpdir(), `switchyard-bench-${process.pid}`);
writeFileSync(`${dir}.json`, JSON.stringify({ version: 1, facts: { headers: ['x-tier'] }, rules }));

const resolved = resolveConfig(config, {});
const live = createCatalog(
  { providers: Object.fromEntries(resolved.providers) },
  new Set(resolved.providers.keys()),
  new Map(),
);
const engine = createPolicyEngine({
  policies: { include: [`${dir}.json`], watch: false, explain: true },
  catalog: createPolicyCatalog(resolved, live),
});

const input: DecisionInput = {
  operation: 'chat',
  request: {
    model: 'auto',
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'What is the capital of France? Answer in one word.' },
    ],
    max_tokens: 256,
  },
  caller: { id: 'key_1', team: 'web', labels: {} },
  headers: { 'x-tier': 'silver' },
  now: Date.now(),
};

const check = engine.decide(input);
if (check.decidedBy !== `rule-${RULES - 1}` || !check.plan)
  throw new Error(`unexpected decision ${check.decidedBy}`);
const facts = buildFacts(input, ['x-tier']);

function medianMicros(fn: () => void, iterations = 2_000, samples = 41): number {
  for (let i = 0; i < iterations; i++) fn();
  const times: number[] = [];
  for (let s = 0; s < samples; s++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn();
    times.push(Number(process.hrtime.bigint() - start) / 1_000 / iterations);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

let sink = 0;
const full = medianMicros(() => {
  sink += engine.decide(input).plan?.candidates.length ?? 0;
});
const bare = medianMicros(() => {
  for (const condition of conditions)
    if (jsonLogic.truthy(jsonLogic.apply(condition as never, facts))) sink++;
});
const factsOnly = medianMicros(() => {
  sink += buildFacts(input, ['x-tier']).request.estimatedPromptTokens;
});

const result = {
  rules: RULES,
  catalogModels: live.entries.length,
  fullDecisionMedianUs: Number(full.toFixed(2)),
  bareJsonLogicMedianUs: Number(bare.toFixed(2)),
  factsMedianUs: Number(factsOnly.toFixed(2)),
  ratio: Number((full / bare).toFixed(2)),
  targetUs: 50,
  node: process.version,
};
rmSync(`${dir}.json`, { force: true });
console.log(JSON.stringify(result, null, 2));
if (sink < 0) console.log(sink);
if (full >= 50) {
  console.error(`full decision median ${full.toFixed(1)} µs is over the 50 µs target`);
  process.exitCode = 1;
}
