import type { Capability, ProviderPlugin } from '../../provider.js';

/**
 * The scripted behaviours every conformance upstream must understand. A plugin author's mock
 * upstream maps each onto its own wire format; the kit never sees vendor formats.
 */
export type ConformanceFault =
  /** Answer with this assistant text (JSON or stream, as the request asks). */
  | { type: 'reply'; text: string }
  /** Answer with one tool call; streams should send the arguments in several fragments where the vendor does. */
  | { type: 'tool-call'; name: string; arguments: Record<string, unknown> }
  /** Fail with this HTTP status and the vendor's error body; `retryAfterSeconds` as a Retry-After header. */
  | { type: 'status'; status: number; retryAfterSeconds?: number }
  /** Answer `text` slowly: wait `delayMs` before the first byte and between stream events. */
  | { type: 'slow'; text: string; delayMs: number };

export interface ConformanceRequestRecord {
  path: string;
  body: unknown;
  /** The client went away before the answer was complete. */
  aborted: boolean;
  /** When the disconnect was seen (Date.now()). */
  abortedAt?: number;
}

export interface ConformanceUpstream {
  /** What `options(url)` turns into the provider's options. */
  url: string;
  /** Scripts the next call; unscripted calls answer with some text. */
  enqueue(fault: ConformanceFault): void;
  readonly requests: readonly ConformanceRequestRecord[];
  close(): Promise<void>;
}

/** Optional groups; each defaults to whether the plugin declares the matching capability. */
export interface ConformanceCapabilities {
  streaming?: boolean;
  tools?: boolean;
  /** The final usage chunk (`stream_options.include_usage`). Default: with streaming. */
  streamUsage?: boolean;
  /** Caller aborts reach the upstream as a disconnect. Default true. */
  abort?: boolean;
}

/** The functions of the test runner; mocha's and node:test's globals fit. */
export interface ConformanceRunner {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: () => Promise<void>): unknown;
  before(body: () => Promise<void>): unknown;
  after(body: () => Promise<void>): unknown;
}

export interface ProviderConformanceOptions<Options> {
  /** Names the suite. */
  name: string;
  plugin: ProviderPlugin<Options>;
  /** The provider's options pointing at the mock upstream. */
  options(upstreamUrl: string): Options;
  startUpstream(): Promise<ConformanceUpstream>;
  /** The provider's name for the model under test; default `conformance-model`. */
  upstreamModel?: string;
  capabilities?: ConformanceCapabilities;
  /** Defaults to the runner's globals (mocha, or node:test's describe/it/before/after). */
  runner?: ConformanceRunner;
}

export type { Capability };
