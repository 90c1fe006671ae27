/**
 * Policy test fixtures: a small configuration (three providers with data attributes), temp
 * policy files, and a compiled policy + catalog to decide against.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createCatalog,
  createPolicyCatalog,
  createStatsTracker,
  decide,
  loadPolicy,
  resolveConfig,
  type CompiledPolicy,
  type ConfigIssue,
  type DecisionInput,
  type GatewayConfig,
  type PolicyCatalog,
  type StatsTracker,
} from '../../../index.js';

export const baseConfig: GatewayConfig = {
  providers: {
    eu: {
      plugin: 'mock',
      data: {
        regions: ['eu'],
        retention: 0,
        zeroDataRetention: true,
        trainsOnData: false,
        certifications: ['iso27001'],
      },
      models: {
        small: {
          pricing: { input: 0.1, output: 0.4 },
          contextWindow: 8000,
          maxOutputTokens: 2000,
          capabilities: ['chat', 'streaming'],
        },
        large: {
          pricing: { input: 3, output: 15 },
          contextWindow: 200000,
          maxOutputTokens: 32000,
          capabilities: ['chat', 'streaming', 'tools', 'vision', 'json_schema'],
        },
        embed: { kind: 'embeddings', pricing: { input: 0.02, output: 0 }, capabilities: ['embeddings'] },
      },
    },
    us: {
      plugin: 'mock',
      data: { regions: ['us'], retention: 30, trainsOnData: true },
      models: {
        small: {
          pricing: { input: 0.05, output: 0.2 },
          contextWindow: 128000,
          capabilities: ['chat', 'streaming', 'tools'],
        },
        'gpt-4o-mini': {},
      },
    },
    off: { plugin: 'mock', requiresEnv: ['SY_POLICY_TEST_NEVER_SET'], models: { small: {} } },
  },
  aliases: { cheap: ['us/small', 'eu/small'] },
  // Profile names rules may use (`budget: standard`, `rateLimit: gentle`).
  budgets: { profiles: { standard: { month: 100 } } },
  limits: { profiles: { gentle: { rpm: 60 } } },
};

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'switchyard-policy-'));
}

/** Writes files into a fresh directory; returns its path. */
export function writePolicies(files: Record<string, string>, dir = tempDir()): string {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

export function catalogOf(config: GatewayConfig = baseConfig): PolicyCatalog {
  const resolved = resolveConfig(config, {});
  const live = createCatalog(
    { providers: Object.fromEntries(resolved.providers), aliases: resolved.aliases },
    new Set(resolved.providers.keys()),
    new Map(),
  );
  return createPolicyCatalog(resolved, live);
}

export function compile(
  files: Record<string, string>,
  config = baseConfig,
): { policy?: CompiledPolicy; issues: ConfigIssue[]; dir: string } {
  const dir = writePolicies(files);
  const loaded = loadPolicy([dir], catalogOf(config));
  return { ...loaded, dir };
}

export function mustCompile(files: Record<string, string>, config = baseConfig): CompiledPolicy {
  const { policy, issues } = compile(files, config);
  if (!policy)
    throw new Error(
      `policy did not compile:\n${issues.map((i) => `${i.file}:${i.line}: ${i.path} ${i.message}`).join('\n')}`,
    );
  return policy;
}

export function chat(content: string, extra: Record<string, unknown> = {}): DecisionInput['request'] {
  return { model: 'small', messages: [{ role: 'user', content }], ...extra } as DecisionInput['request'];
}

export function decideWith(
  policy: CompiledPolicy,
  input: Partial<DecisionInput> & { request: DecisionInput['request'] },
  options: { stats?: StatsTracker; random?: () => number; config?: GatewayConfig } = {},
) {
  return decide(
    policy,
    { operation: 'chat', now: Date.UTC(2026, 0, 5, 9, 30), ...input },
    {
      catalog: catalogOf(options.config),
      stats: options.stats ?? createStatsTracker(),
      random: options.random,
    },
    true,
  );
}

export const refs = (decision: ReturnType<typeof decide>) =>
  decision.plan?.candidates.map((c) => c.entry.ref);
