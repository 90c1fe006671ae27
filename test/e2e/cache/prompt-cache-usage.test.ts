import { expect } from 'chai';
import {
  createGateway,
  createSilentLogger,
  type Gateway,
  type LedgerRecord,
  type LedgerSink,
} from '../../../index.js';
import {
  startMockAnthropicUpstream,
  startMockGeminiUpstream,
  startMockOpenAIUpstream,
  type MockAnthropicUpstream,
  type MockGeminiUpstream,
  type MockOpenAIUpstream,
} from '../../../core/testing/index.js';
import { ask } from './fixtures.js';

// USD per million: cached prompt tokens cost a tenth of uncached ones.
const pricing = { input: 3, output: 15, cachedInput: 0.3 };

/** The upstreams' own prompt caches: cached tokens are counted, priced and shown as savings. */
describe('provider prompt caches: cached tokens counted, priced and audited', () => {
  let claude: MockAnthropicUpstream;
  let gemini: MockGeminiUpstream;
  let openai: MockOpenAIUpstream;
  let gateway: Gateway;
  let url: string;
  const records: LedgerRecord[] = [];
  const sink: LedgerSink = { name: 'memory', write: async (batch) => void records.push(...batch) };

  before(async () => {
    [claude, gemini, openai] = await Promise.all([
      startMockAnthropicUpstream(),
      startMockGeminiUpstream(),
      startMockOpenAIUpstream(),
    ]);
    gateway = await createGateway(
      {
        providers: {
          claude: {
            plugin: 'anthropic',
            options: { baseUrl: claude.url, apiKey: 'sk-ant-upstream-0123456789' },
            models: { claude: { upstreamModel: 'claude-upstream', pricing } },
          },
          google: {
            plugin: 'gemini',
            options: { baseUrl: gemini.url, apiKey: 'AIza-upstream-0123456789' },
            models: { gemini: { upstreamModel: 'gemini-upstream', pricing } },
          },
          oai: {
            plugin: 'openai-compatible',
            options: { baseUrl: openai.url, apiKey: 'sk-upstream-0123456789' },
            models: { gpt: { upstreamModel: 'gpt-4o-mini', pricing } },
          },
        },
        cache: {},
      },
      { logger: createSilentLogger(), ledgerSinks: [sink] },
    );
    url = (await gateway.listen(0, '127.0.0.1')).url;
  });
  after(async () => {
    await gateway.close();
    await Promise.all([claude.close(), gemini.close(), openai.close()]);
  });

  async function lastRecord(): Promise<LedgerRecord> {
    await gateway.services.ledger?.flush();
    const record = records.at(-1);
    if (!record) throw new Error('no ledger record');
    return record;
  }

  /** Cost at catalog prices with `cached` of `prompt` tokens at the cached rate. */
  const expectedCost = (prompt: number, cached: number, completion: number) =>
    ((prompt - cached) * pricing.input + cached * pricing.cachedInput + completion * pricing.output) / 1e6;

  it('anthropic: passes cache_control markers through and prices cache reads at cachedInput', async () => {
    claude.enqueue({ reply: 'Cached.', cacheReadTokens: 1_000, cacheCreationTokens: 0 });
    const system = [
      { type: 'text', text: 'A long, stable system prompt.', cache_control: { type: 'ephemeral' } },
    ];
    const answer = await ask(url, {
      model: 'claude',
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: 'q' },
      ],
    });
    expect(answer.status).to.equal(200);
    const sent = claude.requests.at(-1)?.body as { system?: { cache_control?: unknown }[] };
    expect(sent.system?.[0]?.cache_control).to.deep.equal({ type: 'ephemeral' });
    const usage = answer.body.usage as {
      prompt_tokens: number;
      completion_tokens: number;
      cost: number;
      prompt_tokens_details: { cached_tokens: number };
    };
    expect(usage.prompt_tokens_details.cached_tokens).to.equal(1_000);
    expect(usage.cost).to.be.closeTo(expectedCost(usage.prompt_tokens, 1_000, usage.completion_tokens), 1e-9);
    const record = await lastRecord();
    expect(record.cachedTokens).to.equal(1_000);
    expect(record.promptCacheSavedUsd).to.be.closeTo((1_000 * (3 - 0.3)) / 1e6, 1e-12);
  });

  it('gemini: cachedContentTokenCount becomes cached tokens at the cached price', async () => {
    gemini.enqueue({ reply: 'Cached.', cachedTokens: 400 });
    const answer = await ask(url, {
      model: 'gemini',
      messages: [{ role: 'user', content: 'q'.repeat(4_000) }],
    });
    const usage = answer.body.usage as { prompt_tokens: number; completion_tokens: number; cost: number };
    expect(usage.cost).to.be.closeTo(expectedCost(usage.prompt_tokens, 400, usage.completion_tokens), 1e-9);
    const record = await lastRecord();
    expect(record.cachedTokens).to.equal(400);
    expect(record.promptCacheSavedUsd).to.be.closeTo((400 * 2.7) / 1e6, 1e-12);
  });

  it('openai: prompt_tokens_details.cached_tokens is priced at the cached rate', async () => {
    openai.enqueue({
      rawBody: JSON.stringify({
        id: 'chatcmpl-raw',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-4o-mini',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'ok', refusal: null },
            finish_reason: 'stop',
            logprobs: null,
          },
        ],
        usage: {
          prompt_tokens: 2_000,
          completion_tokens: 10,
          total_tokens: 2_010,
          prompt_tokens_details: { cached_tokens: 1_536 },
        },
      }),
      contentType: 'application/json',
    });
    const answer = await ask(url, { model: 'gpt' });
    expect(answer.body.usage?.cost).to.be.closeTo(expectedCost(2_000, 1_536, 10), 1e-12);
    const record = await lastRecord();
    expect(record.cachedTokens).to.equal(1_536);
    expect(record.promptCacheSavedUsd).to.be.closeTo((1_536 * 2.7) / 1e6, 1e-12);
  });

  it('audits a response-cache hit as billed 0 with the original cost saved', async () => {
    const body = { model: 'gpt', messages: [{ role: 'user', content: 'audit the hit' }] };
    await ask(url, body);
    const miss = await lastRecord();
    const hit = await ask(url, body);
    expect(hit.headers.get('x-switchyard-cache')).to.equal('hit');
    const record = await lastRecord();
    expect(miss.cacheHit).to.equal(false);
    expect(miss.costUsd).to.be.greaterThan(0);
    expect(record).to.include({
      cacheHit: true,
      costUsd: 0,
      chargedUsd: 0,
      savedUsd: miss.costUsd,
      provider: 'oai',
    });
    expect(record.attempts).to.deep.equal([]);
  });
});
