/**
 * A gateway with guardrail profiles and a data policy in front of mock OpenAI upstreams, with its
 * log lines and ledger records captured, and the official `openai` SDK as the client.
 */
import OpenAI from 'openai';
import { Writable } from 'node:stream';
import {
  createGateway,
  createLogger,
  type AnyStageFactory,
  type Gateway,
  type GatewayConfig,
  type LedgerRecord,
  type LedgerSink,
  type ProviderConfig,
} from '../../../index.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../../../core/testing/index.js';
import { upstreamProvider } from '../../support/harness.js';

export interface GuardedGateway {
  gateway: Gateway;
  url: string;
  client: OpenAI;
  upstreams: MockOpenAIUpstream[];
  /** Every log line written so far, raw. */
  logs: string[];
  /** Flushes the ledger and returns its records. */
  ledger(): Promise<LedgerRecord[]>;
  close(): Promise<void>;
}

export interface GuardedOptions {
  /** Provider data-handling attributes, one per upstream (p0, p1, …); all serve `test-model`. */
  data?: ProviderConfig['data'][];
  configure?: (config: GatewayConfig) => GatewayConfig;
  stages?: AnyStageFactory[];
}

export async function startGuarded(options: GuardedOptions = {}): Promise<GuardedGateway> {
  const data = options.data ?? [undefined];
  const upstreams = await Promise.all(data.map(() => startMockOpenAIUpstream({ record: true })));
  const providers: Record<string, ProviderConfig> = {};
  upstreams.forEach((upstream, i) => {
    const provider = upstreamProvider(upstream);
    const attributes = data[i];
    providers[`p${i}`] = attributes ? { ...provider, data: attributes } : provider;
  });
  let config: GatewayConfig = { providers, routing: { failover: { backoffBaseMs: 1, backoffMaxMs: 5 } } };
  if (options.configure) config = options.configure(config);

  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ level: 'trace' }, destination);
  const records: LedgerRecord[] = [];
  const sink: LedgerSink = {
    name: 'memory',
    write: (batch) => {
      records.push(...batch);
      return Promise.resolve();
    },
  };
  const gateway = await createGateway(config, {
    logger,
    ledgerSinks: [sink],
    ...(options.stages ? { stages: options.stages } : {}),
  });
  const { url } = await gateway.listen(0, '127.0.0.1');
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-client', maxRetries: 0, timeout: 10_000 });
  return {
    gateway,
    url,
    client,
    upstreams,
    logs,
    async ledger() {
      await gateway.services.ledger?.flush();
      return records;
    },
    async close() {
      await gateway.close();
      await Promise.all(upstreams.map((u) => u.close()));
    },
  };
}

/** The text of the last message the upstream received. */
export function sentText(upstream: MockOpenAIUpstream, call = -1): string {
  const request = upstream.requests.at(call);
  const messages = (request?.body as { messages?: { content?: unknown }[] } | undefined)?.messages ?? [];
  const content = messages.at(-1)?.content;
  return typeof content === 'string' ? content : JSON.stringify(content);
}

/** Reads a streamed answer through the SDK into its text. */
export async function streamText(
  stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>,
): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

/** The SDK error a request fails with; fails the test when it succeeds. */
export async function apiError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}
