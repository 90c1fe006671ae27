/**
 * Usage a provider did not report is counted in the token-count worker (core/token-counter.ts):
 * after requests that need a count — answers without usage, a stream whose client asked for the
 * usage the provider never sent, a stream the client cut — the main thread has loaded no encoding
 * and counted no text. Deterministic: it reads the module cache and a counter, times nothing.
 *
 * This file imports no encoding itself. Run alone, the main thread's module cache starts without
 * one; in the full run another file may have loaded one already, and the counter still tells.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import { textsCountedInThisThread } from '../../../core/token-encodings.js';
import type { Gateway, GatewayEventMap, UsageRecord } from '../../../index.js';
import { startGateway, TEAM_KEY } from './fixtures/setup.js';
import { startUsagelessUpstream } from './fixtures/usageless-upstream.js';

/** gpt-tokenizer's encoding modules in this thread (the counters load its CommonJS build). */
const encodingsLoadedHere = (): string[] =>
  Object.keys(createRequire(import.meta.url).cache).filter((path) =>
    /[\\/]gpt-tokenizer[\\/].*encoding/.test(path),
  );

describe('token counts for usage a provider did not report (the worker thread)', () => {
  let upstream: { url: string; server: Server };
  let gateway: Gateway;
  let url: string;

  before(async () => {
    upstream = await startUsagelessUpstream(20);
    const pricing = { input: 1, output: 2 };
    ({ gateway, url } = await startGateway({
      providers: {
        selfhosted: {
          plugin: 'openai-compatible',
          options: { baseUrl: upstream.url, apiKey: 'sk-upstream-0123456789' },
          models: {
            modern: { upstreamModel: 'gpt-4o-mini', pricing },
            classic: { upstreamModel: 'gpt-4', pricing },
          },
        },
      },
      catalog: { defaults: false },
      auth: { keys: [{ key: TEAM_KEY, team: 'acme', id: 'key_acme' }] },
      // Budgets settle to the counted usage too (a second count of the same request).
      teams: { acme: { budgets: { total: 10 } } },
    }));
  });
  after(async () => {
    await gateway.close();
    upstream.server.close();
  });

  /** Sends a request and resolves once the gateway accounted it (streams: after the stream's end). */
  async function accounted(
    body: Record<string, unknown>,
    read: (response: Response, abort: () => void) => Promise<void>,
  ): Promise<{ usage: UsageRecord | undefined; outcome: GatewayEventMap['response']['outcome'] }> {
    let usage: UsageRecord | undefined;
    const onUsage = (event: GatewayEventMap['usage']) => (usage = event.usage);
    gateway.on('usage', onUsage);
    const over = new Promise<GatewayEventMap['response']>((resolve) => gateway.once('response', resolve));
    const abort = new AbortController();
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEAM_KEY}` },
      body: JSON.stringify({ max_tokens: 100, messages: [{ role: 'user', content: 'Count me.' }], ...body }),
      signal: abort.signal,
    });
    await read(response, () => abort.abort());
    const { outcome } = await over;
    gateway.off('usage', onUsage);
    return { usage, outcome };
  }

  const readAll = async (response: Response) => void (await response.text());
  /** Reads until the first content arrived, then hangs up. */
  const cutAfterFirstContent = async (response: Response, abort: () => void) => {
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('"content":"Sub-wor')) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended before it could be cut');
      text += new TextDecoder().decode(value);
    }
    abort();
    await reader.cancel().catch(() => undefined);
  };

  it('counts in the worker: the main thread loads no encoding and counts no text', async () => {
    const loaded = encodingsLoadedHere();
    const counted = textsCountedInThisThread();

    const results = [
      await accounted({ model: 'modern' }, readAll),
      await accounted({ model: 'classic' }, readAll),
      await accounted({ model: 'modern', stream: true, stream_options: { include_usage: true } }, readAll),
      await accounted({ model: 'classic', stream: true }, cutAfterFirstContent),
    ];

    // The client that hung up mid-stream closed the stream: no failure of the provider's.
    expect(results.map((result) => result.outcome)).to.deep.equal(['ok', 'ok', 'ok', 'closed']);
    for (const { usage } of results) {
      expect(usage?.estimated).to.equal(true);
      expect(usage?.promptTokens).to.be.greaterThan(0);
      expect(usage?.completionTokens).to.be.greaterThan(0);
    }
    expect(textsCountedInThisThread(), 'texts counted in the main thread').to.equal(counted);
    expect(encodingsLoadedHere(), 'encodings loaded in the main thread').to.deep.equal(loaded);
  });
});
