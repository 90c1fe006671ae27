/**
 * Usage a provider does not report: an OpenAI-compatible upstream that answers without `usage`
 * (as some self-hosted servers do) is accounted with token counts from a real tokenizer, marked
 * estimated in the body, the headers, the ledger and the budget settle.
 */
import type { Server } from 'node:http';
import { expect } from 'chai';
import { encode as cl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { encode as o200k } from 'gpt-tokenizer/encoding/o200k_base';
import { budgetKey, type Gateway, type LedgerRecord, type LedgerSink } from '../../../index.js';
import { startGateway, TEAM_KEY } from './fixtures/setup.js';
import { REPLY, startUsagelessUpstream } from './fixtures/usageless-upstream.js';

const PROMPT = 'Tokenizers split naïve café prose, 東京の天気, and snake_case_identifiers differently.';
const PRICING = { input: 1, output: 2 };

describe('usage a provider does not report, through HTTP', () => {
  let upstream: { url: string; server: Server };
  let gateway: Gateway;
  let url: string;
  const records: LedgerRecord[] = [];

  before(async () => {
    upstream = await startUsagelessUpstream();
    const sink: LedgerSink = {
      name: 'memory',
      write: (batch) => {
        records.push(...batch);
        return Promise.resolve();
      },
    };
    ({ gateway, url } = await startGateway(
      {
        providers: {
          selfhosted: {
            plugin: 'openai-compatible',
            options: { baseUrl: upstream.url, apiKey: 'sk-upstream-0123456789' },
            models: {
              modern: { upstreamModel: 'gpt-4o-mini', pricing: PRICING },
              classic: { upstreamModel: 'gpt-4', pricing: PRICING },
            },
          },
        },
        catalog: { defaults: false },
        auth: { keys: [{ key: TEAM_KEY, team: 'acme', id: 'key_acme' }] },
        teams: { acme: { budgets: { total: 10 } } },
      },
      { ledgerSinks: [sink] },
    ));
  });
  after(async () => {
    await gateway.close();
    upstream.server.close();
  });

  const post = (body: Record<string, unknown>) =>
    fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEAM_KEY}` },
      body: JSON.stringify({ max_tokens: 100, messages: [{ role: 'user', content: PROMPT }], ...body }),
    });
  const lastRecord = async (): Promise<LedgerRecord> => {
    await gateway.services.ledger?.flush();
    const record = records.at(-1);
    if (!record) throw new Error('no ledger record');
    return record;
  };
  /** 3 tokens of priming plus 4 for the one message's framing and role (docs/accounting.md). */
  const promptTokens = (encode: (text: string) => number[]) => 3 + 4 + encode(PROMPT).length;
  const cost = (prompt: number, completion: number) =>
    (prompt * PRICING.input + completion * PRICING.output) / 1e6;

  it('guards its own premise: the two encodings and the byte estimate count the texts differently', () => {
    const bytes = (text: string) => Math.ceil(Buffer.byteLength(text) / 4);
    expect(new Set([o200k(REPLY).length, cl100k(REPLY).length, bytes(REPLY)]).size).to.equal(3);
    expect(new Set([o200k(PROMPT).length, cl100k(PROMPT).length, bytes(PROMPT)]).size).to.equal(3);
  });

  it("counts a complete answer with the served model's tokenizer (o200k_base for gpt-4o-mini), marked estimated", async () => {
    const response = await post({ model: 'modern' });
    expect(response.status).to.equal(200);
    expect(response.headers.get('x-switchyard-tokens-estimated')).to.equal('true');
    const body = (await response.json()) as { usage?: Record<string, unknown> };
    const prompt = promptTokens(o200k);
    const completion = o200k(REPLY).length;
    expect(body.usage).to.include({
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      estimated: true,
    });
    expect(body.usage?.cost).to.be.closeTo(cost(prompt, completion), 1e-12);
    expect(Number(response.headers.get('x-switchyard-cost-usd'))).to.be.closeTo(
      cost(prompt, completion),
      1e-9,
    );
    expect(await lastRecord()).to.include({
      promptTokens: prompt,
      completionTokens: completion,
      estimated: true,
      servedModel: 'modern',
    });
  });

  it('counts with cl100k_base for a model outside the o200k families (gpt-4)', async () => {
    const response = await post({ model: 'classic' });
    expect(response.status).to.equal(200);
    const body = (await response.json()) as { usage?: Record<string, unknown> };
    expect(body.usage).to.include({
      prompt_tokens: promptTokens(cl100k),
      completion_tokens: cl100k(REPLY).length,
    });
    expect(await lastRecord()).to.include({
      promptTokens: promptTokens(cl100k),
      completionTokens: cl100k(REPLY).length,
      estimated: true,
    });
  });

  it('counts the joined text of a stream without a usage chunk, and settles the budget to that count', async () => {
    const key = budgetKey('team', 'acme', 'total');
    const before = (await gateway.services.store?.budgetState(key))?.spentMicros ?? 0;
    const response = await post({ model: 'modern', stream: true, stream_options: { include_usage: true } });
    expect(response.status).to.equal(200);
    const chunks = (await response.text())
      .split('\n\n')
      .filter((event) => event.startsWith('data: {'))
      .map(
        (event) =>
          JSON.parse(event.slice(6)) as { choices: unknown[]; usage?: Record<string, unknown> | null },
      );
    const prompt = promptTokens(o200k);
    const completion = o200k(REPLY).length;
    // The client asked for usage the provider never sent: one last chunk carries the gateway's count.
    const withUsage = chunks.filter((chunk) => chunk.usage);
    expect(withUsage).to.have.length(1);
    expect(withUsage[0]).to.equal(chunks.at(-1));
    expect(withUsage[0]?.choices).to.deep.equal([]);
    expect(withUsage[0]?.usage).to.include({
      prompt_tokens: prompt,
      completion_tokens: completion,
      estimated: true,
    });
    expect(await lastRecord()).to.include({
      promptTokens: prompt,
      completionTokens: completion,
      estimated: true,
      stream: true,
    });
    const after = await gateway.services.store?.budgetState(key);
    expect(after?.reservedMicros).to.equal(0);
    expect((after?.spentMicros ?? 0) - before).to.equal(Math.ceil(cost(prompt, completion) * 1e6));
  });
});
