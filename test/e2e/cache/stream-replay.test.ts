import { expect } from 'chai';
import { readSse, type Harness } from '../../support/harness.js';
import { assertOpenAIShape } from '../../support/openai-schemas.js';
import type { ChatCompletionChunk } from '../../../index.js';
import { ask, content, startCacheHarness } from './fixtures.js';

async function stream(
  url: string,
  body: Record<string, unknown>,
): Promise<{ headers: Headers; chunks: ChatCompletionChunk[]; done: boolean }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'test-model', temperature: 0, stream: true, ...body }),
  });
  const { data } = await readSse(response);
  const done = data.at(-1) === '[DONE]';
  const chunks = data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as ChatCompletionChunk);
  return { headers: response.headers, chunks, done };
}

const text = (chunks: ChatCompletionChunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');

describe('cache stage: streams', () => {
  let h: Harness;
  before(async () => (h = await startCacheHarness({})));
  after(() => h.close());
  beforeEach(() => h.upstreams[0]?.reset());

  it('stores a complete stream and replays it as valid chunks with identical content', async () => {
    const reply = 'A streamed answer, '.repeat(30) + 'é🎉 done.';
    h.upstreams[0]?.setDefault({ reply });
    const body = {
      messages: [{ role: 'user', content: 'stream me' }],
      stream_options: { include_usage: true },
    };
    const first = await stream(h.url, body);
    const replayed = await stream(h.url, body);
    expect(first.headers.get('x-switchyard-cache')).to.equal('miss');
    expect(replayed.headers.get('x-switchyard-cache')).to.equal('hit');
    expect(h.upstreams[0]?.calls).to.equal(1);
    expect(replayed.done).to.equal(true);
    for (const chunk of replayed.chunks) assertOpenAIShape('CreateChatCompletionStreamResponse', chunk);
    expect(text(replayed.chunks)).to.equal(reply);
    expect(replayed.chunks.filter((c) => c.choices.length > 0).length).to.be.greaterThan(3);
    expect(replayed.chunks[0]?.choices[0]?.delta.role).to.equal('assistant');
    const finish = replayed.chunks.find((c) => c.choices[0]?.finish_reason);
    expect(finish?.choices[0]?.finish_reason).to.equal('stop');
    const usage = replayed.chunks.at(-1)?.usage as Record<string, unknown> | undefined;
    const firstUsage = first.chunks.at(-1)?.usage as Record<string, unknown> | undefined;
    expect(usage?.completion_tokens).to.equal(firstUsage?.completion_tokens);
    expect(usage?.cost).to.equal(0);
    expect(usage?.saved_usd).to.equal(firstUsage?.cost);
  });

  it('sends no usage chunk on a replay unless the client asked', async () => {
    const body = { messages: [{ role: 'user', content: 'no usage' }] };
    await stream(h.url, body);
    const replayed = await stream(h.url, body);
    expect(replayed.headers.get('x-switchyard-cache')).to.equal('hit');
    expect(replayed.chunks.some((c) => c.usage)).to.equal(false);
  });

  it('serves a streamed answer to a JSON request and a JSON answer to a stream', async () => {
    h.upstreams[0]?.setDefault({ reply: 'Both ways.' });
    const one = { messages: [{ role: 'user', content: 'stream first' }] };
    await stream(h.url, one);
    const json = await ask(h.url, one);
    expect(json.headers.get('x-switchyard-cache')).to.equal('hit');
    expect(content(json)).to.equal('Both ways.');
    assertOpenAIShape('CreateChatCompletionResponse', json.body);

    const two = { messages: [{ role: 'user', content: 'json first' }] };
    await ask(h.url, two);
    const streamed = await stream(h.url, two);
    expect(streamed.headers.get('x-switchyard-cache')).to.equal('hit');
    expect(text(streamed.chunks)).to.equal('Both ways.');
    expect(h.upstreams[0]?.calls).to.equal(2);
  });

  it('replays tool calls as deltas that reassemble into the same call', async () => {
    const args = '{"city":"Paris","unit":"celsius"}';
    h.upstreams[0]?.setDefault({ toolCall: { name: 'get_weather', arguments: args } });
    const body = {
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [{ type: 'function', function: { name: 'get_weather' } }],
    };
    const first = await stream(h.url, body);
    const replayed = await stream(h.url, body);
    expect(replayed.headers.get('x-switchyard-cache')).to.equal('hit');
    for (const chunk of replayed.chunks) assertOpenAIShape('CreateChatCompletionStreamResponse', chunk);
    const calls = (chunks: ChatCompletionChunk[]) =>
      chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    const joined = (chunks: ChatCompletionChunk[]) =>
      calls(chunks)
        .map((d) => d.function?.arguments ?? '')
        .join('');
    expect(joined(replayed.chunks)).to.equal(args);
    expect(calls(replayed.chunks)[0]).to.include({ id: calls(first.chunks)[0]?.id, type: 'function' });
    expect(calls(replayed.chunks)[0]?.function?.name).to.equal('get_weather');
    const finish = replayed.chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason;
    expect(finish).to.equal('tool_calls');
  });

  it('never stores a stream cut or failed part-way', async () => {
    const body = { messages: [{ role: 'user', content: 'cut' }] };
    h.upstreams[0]?.enqueue({ reply: 'one two three four five', errorEventAfterChunks: 3 });
    const cut = await stream(h.url, body);
    expect(cut.done).to.equal(false);
    const again = await stream(h.url, body);
    expect(again.headers.get('x-switchyard-cache')).to.equal('miss');
    expect(h.upstreams[0]?.calls).to.equal(2);
  });
});
