/** Shared set-up of the cache tests: a gateway with a cache section in front of mock upstreams. */
import type { GatewayConfig } from '../../../index.js';
import { startHarness, type Harness, type HarnessOptions } from '../../support/harness.js';

export const MESSAGES = [{ role: 'user', content: 'What is the capital of France?' }];

/** A harness whose gateway caches (memory backend unless `configure` says otherwise). */
export function startCacheHarness(
  cache: GatewayConfig['cache'] = {},
  options: HarnessOptions = {},
): Promise<Harness> {
  return startHarness({
    ...options,
    configure: (config) => {
      const configured: GatewayConfig = { ...config, cache };
      return options.configure ? options.configure(configured) : configured;
    },
  });
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & {
    choices?: { message: { content: string | null } }[];
    usage?: Record<string, unknown>;
  };
}

/** POSTs a chat request (temperature 0 unless given) with extra headers; reads the JSON answer. */
export async function ask(
  url: string,
  body: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'test-model', temperature: 0, messages: MESSAGES, ...body }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Answer['body'],
  };
}

export const content = (answer: Answer): string | null | undefined =>
  answer.body.choices?.[0]?.message.content;
