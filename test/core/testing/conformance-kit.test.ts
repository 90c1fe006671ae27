import { expect } from 'chai';
import {
  describeProviderConformance,
  startOpenAIConformanceUpstream,
  type ConformanceRunner,
} from '../../../core/testing/index.js';
import { SwitchyardError } from '../../../core/errors/switchyard-error.js';
import type { ProviderPlugin } from '../../../core/provider.js';
import {
  openaiCompatiblePlugin,
  type OpenAICompatibleOptions,
} from '../../../plugins/providers/openai-compatible/index.js';

interface Outcome {
  passed: string[];
  failed: Map<string, string>;
}

/** Runs the kit with a runner of our own, so its verdicts can be inspected instead of reported. */
async function runKit(plugin: ProviderPlugin<OpenAICompatibleOptions>): Promise<Outcome> {
  const tests: { name: string; fn: () => Promise<void> }[] = [];
  const hooks: { before: (() => Promise<void>)[]; after: (() => Promise<void>)[] } = {
    before: [],
    after: [],
  };
  const path: string[] = [];
  const runner: ConformanceRunner = {
    describe: (name, body) => {
      path.push(name);
      body();
      path.pop();
    },
    it: (name, fn) => tests.push({ name: [...path.slice(1), name].join(' > '), fn }),
    before: (fn) => hooks.before.push(fn),
    after: (fn) => hooks.after.push(fn),
  };
  describeProviderConformance({
    name: 'under test',
    plugin,
    options: (url) => ({ baseUrl: url, apiKey: 'sk-kit-secret-0123456789' }),
    startUpstream: startOpenAIConformanceUpstream,
    runner,
  });
  const outcome: Outcome = { passed: [], failed: new Map() };
  for (const hook of hooks.before) await hook();
  try {
    for (const test of tests) {
      await test.fn().then(
        () => outcome.passed.push(test.name),
        (error: unknown) => outcome.failed.set(test.name, String(error)),
      );
    }
  } finally {
    for (const hook of hooks.after) await hook();
  }
  return outcome;
}

/** openai-compatible with one defect, to prove the kit notices it. */
function broken(
  defect: 'drops Retry-After' | 'declares another apiVersion' | 'sends unrequested usage chunks',
): ProviderPlugin<OpenAICompatibleOptions> {
  return {
    ...openaiCompatiblePlugin,
    apiVersion: defect === 'declares another apiVersion' ? 2 : openaiCompatiblePlugin.apiVersion,
    create(options, context) {
      const provider = openaiCompatiblePlugin.create(options, context);
      return {
        ...provider,
        async chat(request, call) {
          try {
            return await provider.chat(request, call);
          } catch (error) {
            if (defect !== 'drops Retry-After' || !SwitchyardError.isInstance(error)) throw error;
            throw new SwitchyardError(error.code, error.message, { provider: error.provider });
          }
        },
        async chatStream(request, call) {
          // Asking upstream for usage whatever the caller said sends a usage chunk nobody asked for.
          const upstreamRequest =
            defect === 'sends unrequested usage chunks'
              ? { ...request, stream_options: { include_usage: true } }
              : request;
          return provider.chatStream(upstreamRequest, call);
        },
      };
    },
  };
}

describe('describeProviderConformance', () => {
  it('passes every check for a conforming plugin', async () => {
    const outcome = await runKit(openaiCompatiblePlugin);
    expect([...outcome.failed.keys()]).to.deep.equal([]);
    expect(outcome.passed.length).to.equal(16);
  });

  for (const [defect, checks] of [
    ['drops Retry-After', ['error mapping > maps 429 with Retry-After']],
    ['declares another apiVersion', ['plugin contract > declares apiVersion 1']],
    [
      'sends unrequested usage chunks',
      ['chatStream() > streams valid chunks in order', 'chatStream() > streams a tool call'],
    ],
  ] as const) {
    it(`fails exactly the checks that cover a plugin that ${defect}`, async () => {
      const outcome = await runKit(broken(defect));
      const failed = [...outcome.failed.keys()];
      expect(failed, [...outcome.failed.values()].join('\n')).to.have.length(checks.length);
      checks.forEach((check, i) => expect(failed[i]).to.contain(check));
    });
  }
});
