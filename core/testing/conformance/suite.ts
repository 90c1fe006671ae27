import { chatChecks, contractChecks } from './chat-checks.js';
import { createSuite } from './context.js';
import { abortChecks, errorChecks } from './error-checks.js';
import { streamChecks } from './stream-checks.js';
import type { ConformanceRunner, ProviderConformanceOptions } from './types.js';

function globalRunner(): ConformanceRunner {
  const g = globalThis as Record<string, unknown>;
  for (const name of ['describe', 'it', 'before', 'after']) {
    if (typeof g[name] !== 'function')
      throw new Error(
        `describeProviderConformance: no global '${name}'; run it under mocha or pass { runner }`,
      );
  }
  return g as unknown as ConformanceRunner;
}

/**
 * The provider conformance suite, registered with the test runner: the plugin contract, request
 * translation, OpenAI response and chunk shapes, streaming order and usage, tool calls, the
 * error taxonomy (429 retryable with retryAfterMs, 5xx retryable, 400 not) and caller aborts.
 * Optional groups follow the plugin's declared capabilities unless `capabilities` says otherwise.
 *
 * @example
 * describeProviderConformance({
 *   name: 'my-vendor',
 *   plugin: myVendorPlugin,
 *   options: (url) => ({ baseUrl: url, apiKey: 'test-key-0123456789' }),
 *   startUpstream: startMyVendorMock,
 * });
 */
export function describeProviderConformance<Options>(options: ProviderConformanceOptions<Options>): void {
  const t = options.runner ?? globalRunner();
  const declared = options.plugin.capabilities;
  const streaming = options.capabilities?.streaming ?? declared.includes('streaming');
  const tools = options.capabilities?.tools ?? declared.includes('tools');
  const usage = streaming && (options.capabilities?.streamUsage ?? true);
  const abort = options.capabilities?.abort ?? true;
  const { suite, start, stop } = createSuite(options);

  t.describe(`provider conformance: ${options.name}`, () => {
    t.before(start);
    t.after(stop);
    contractChecks(t, suite);
    chatChecks(t, suite, tools);
    if (streaming) streamChecks(t, suite, tools, usage);
    errorChecks(t, suite, streaming);
    if (abort) abortChecks(t, suite, streaming);
  });
}
