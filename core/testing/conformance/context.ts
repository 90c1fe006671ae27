import { createSilentLogger } from '../../logger.js';
import type { CallOptions, Provider } from '../../provider.js';
import type { ChatCompletionRequest } from '../../types/openai.js';
import type { ConformanceUpstream, ProviderConformanceOptions } from './types.js';

export const PROVIDER_ID = 'conformance-provider';
export const PING = 'conformance ping 7f3a';
export const pingRequest: ChatCompletionRequest = {
  model: 'conformance-catalog-model',
  messages: [{ role: 'user', content: PING }],
};

/** What every check gets: the upstream, a provider on it, and a way to make calls. */
export interface Suite<Options> {
  readonly options: ProviderConformanceOptions<Options>;
  upstream(): ConformanceUpstream;
  provider(): Provider;
  call(signal?: AbortSignal): CallOptions;
}

export function createSuite<Options>(options: ProviderConformanceOptions<Options>) {
  let upstream: ConformanceUpstream | undefined;
  let provider: Provider | undefined;
  const model = options.upstreamModel ?? 'conformance-model';
  const suite: Suite<Options> = {
    options,
    upstream: () => upstream ?? fail('the upstream is not running (before() did not run?)'),
    provider: () => provider ?? fail('the provider was not created (before() did not run?)'),
    call: (signal = new AbortController().signal) => ({ signal, upstreamModel: model }),
  };
  return {
    suite,
    async start() {
      upstream = await options.startUpstream();
      provider = options.plugin.create(options.options(upstream.url), {
        id: PROVIDER_ID,
        logger: createSilentLogger(),
        now: Date.now,
      });
    },
    async stop() {
      await provider?.close?.();
      await upstream?.close();
    },
  };
}

export function fail(message: string): never {
  throw new Error(`conformance: ${message}`);
}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) fail(message);
}
