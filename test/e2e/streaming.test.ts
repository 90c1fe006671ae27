import { expect } from 'chai';
import type OpenAI from 'openai';
import { startHarness, readSse, postChat, type Harness } from '../support/harness.js';
import { assertOpenAIShape } from '../support/openai-schemas.js';

type Chunk = OpenAI.ChatCompletionChunk & { usage?: (OpenAI.CompletionUsage & { cost?: number }) | null };

async function collect(stream: AsyncIterable<Chunk>): Promise<Chunk[]> {
  const chunks: Chunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const text = (chunks: Chunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');

describe('POST /v1/chat/completions (openai SDK, streaming)', () => {
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(() => h.close());
  beforeEach(() => h.upstreams[0]?.reset());

  it('streams chat.completion.chunk events that match OpenAI’s schema, ending in [DONE]', async () => {
    h.upstreams[0]?.enqueue({ reply: 'one two three four' });
    const response = await postChat(h.url, { stream: true, messages: [{ role: 'user', content: 'count' }] });
    expect(response.headers.get('content-type')).to.match(/^text\/event-stream/);
    expect(response.headers.get('x-switchyard-provider')).to.equal('p0');
    const { data } = await readSse(response);
    expect(data.at(-1)).to.equal('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d) as Chunk);
    for (const chunk of chunks) assertOpenAIShape('CreateChatCompletionStreamResponse', chunk);
    expect(text(chunks)).to.equal('one two three four');
    expect(chunks.some((c) => c.usage)).to.equal(false, 'no usage chunk unless the client asked');
  });

  it('asks the upstream for usage anyway and returns it with the cost when include_usage is set', async () => {
    const stream = await h.client.chat.completions.create({
      model: 'test-model',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hello' }],
    });
    const chunks = await collect(stream as AsyncIterable<Chunk>);
    const usage = chunks.at(-1)?.usage;
    expect(usage?.completion_tokens).to.be.greaterThan(0);
    expect(usage?.cost).to.be.closeTo((usage!.prompt_tokens + 2 * usage!.completion_tokens) / 1e6, 1e-12);
    const upstreamBody = h.upstreams[0]?.requests[0]?.body as { stream_options?: unknown };
    expect(upstreamBody.stream_options).to.deep.equal({ include_usage: true });
  });

  it('streams tool calls sent in fragments, which reassemble into the arguments', async () => {
    const args = '{"city":"Paris","unit":"celsius"}';
    h.upstreams[0]?.enqueue({ toolCall: { name: 'get_weather', arguments: args } });
    const stream = await h.client.chat.completions.create({
      model: 'test-model',
      stream: true,
      tools: [{ type: 'function', function: { name: 'get_weather' } }],
      messages: [{ role: 'user', content: 'weather?' }],
    });
    const chunks = await collect(stream as AsyncIterable<Chunk>);
    const fragments = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(fragments.length).to.be.greaterThan(1);
    expect(fragments.map((f) => f.function?.arguments ?? '').join('')).to.equal(args);
    expect(fragments[0]?.function?.name).to.equal('get_weather');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).to.equal('tool_calls');
  });

  it('ends a stream cut after the first output with an error event and no [DONE]', async () => {
    h.upstreams[0]?.enqueue({ reply: 'a b c d e f', cutAfterChunks: 3 });
    const response = await postChat(h.url, {
      model: 'test-model',
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    });
    const { data } = await readSse(response);
    expect(data).not.to.include('[DONE]');
    const last = JSON.parse(data.at(-1) ?? '{}') as { error?: { code: string } };
    expect(last.error?.code).to.equal('SY_ERR_UPSTREAM_STREAM_INTERRUPTED');
  });

  for (const fault of [
    { name: 'an error event', behaviour: { errorEventAfterChunks: 3 } },
    // A pause between chunks lets the written ones reach the gateway before the reset.
    { name: 'a connection reset', behaviour: { resetAfterChunks: 3, chunkDelayMs: 10 } },
    { name: 'a clean close without a finish reason', behaviour: { cutAfterChunks: 3 } },
  ]) {
    it(`makes the SDK throw on ${fault.name} after the first output, never a silent success`, async () => {
      h.upstreams[0]?.enqueue({ reply: 'a b c d e f g h', ...fault.behaviour });
      const stream = await h.client.chat.completions.create({
        model: 'test-model',
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      });
      const received: Chunk[] = [];
      const error = await (async () => {
        for await (const chunk of stream) received.push(chunk);
      })().catch((e: unknown) => e);
      expect(error, 'the SDK must raise').to.be.instanceOf(Error);
      expect(String((error as Error).message)).to.match(/p0 failed mid-stream/);
      expect(text(received).length).to.be.greaterThan(0);
    });
  }
});
