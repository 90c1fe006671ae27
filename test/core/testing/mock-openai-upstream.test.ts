import { expect } from 'chai';
import OpenAI from 'openai';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../../../core/testing/index.js';

interface SseResult {
  events: unknown[];
  done: boolean;
}

/** Reads a whole SSE response; enough for the mock's own one-event-per-chunk output. */
async function readSse(response: Response): Promise<SseResult> {
  const text = await response.text();
  const data = text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length));
  const done = data.at(-1) === '[DONE]';
  return {
    events: data.filter((item) => item !== '[DONE]').map((item) => JSON.parse(item) as unknown),
    done,
  };
}

type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk;

describe('startMockOpenAIUpstream', () => {
  let upstream: MockOpenAIUpstream;
  const chat = (body: Record<string, unknown>, init: RequestInit = {}) =>
    fetch(`${upstream.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], ...body }),
      ...init,
    });

  beforeEach(async () => {
    upstream = await startMockOpenAIUpstream();
  });
  afterEach(() => upstream.close());

  it('listens on loopback and serves /v1/models', async () => {
    expect(upstream.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const body = (await (await fetch(`${upstream.url}/models`)).json()) as { data: { id: string }[] };
    expect(body.data.map((model) => model.id)).to.include('gpt-4o-mini');
  });

  it('answers a chat completion and records method, path, headers and parsed body', async () => {
    upstream.enqueue({ reply: 'Scripted answer' });
    const body = (await (await chat({ extra: 1 })).json()) as OpenAI.Chat.Completions.ChatCompletion;
    expect(body.choices[0]?.message.content).to.equal('Scripted answer');
    expect(body.model).to.equal('gpt-test');
    expect(upstream.calls).to.equal(1);
    const [record] = upstream.requests;
    expect(record).to.deep.include({ method: 'POST', path: '/v1/chat/completions', aborted: false });
    expect(record?.headers.authorization).to.equal('Bearer k');
    expect(record?.body).to.deep.include({ model: 'gpt-test', extra: 1 });
    expect(record?.finishedAt).to.be.a('number');
  });

  it('consumes enqueued behaviours in order, then falls back to the default', async () => {
    upstream.setDefault({ reply: 'default' });
    upstream.enqueue({ status: 500 }, { reply: 'second' });
    expect((await chat({})).status).to.equal(500);
    expect(
      ((await (await chat({})).json()) as OpenAI.Chat.Completions.ChatCompletion).choices[0]?.message.content,
    ).to.equal('second');
    expect(
      ((await (await chat({})).json()) as OpenAI.Chat.Completions.ChatCompletion).choices[0]?.message.content,
    ).to.equal('default');
  });

  it('answers 429 with Retry-After headers and an OpenAI error body', async () => {
    upstream.enqueue({ status: 429, retryAfter: 1, retryAfterMs: 900 });
    const response = await chat({});
    expect(response.status).to.equal(429);
    expect(response.headers.get('retry-after')).to.equal('1');
    expect(response.headers.get('retry-after-ms')).to.equal('900');
    expect(await response.json()).to.have.nested.property('error.code', 'rate_limit_exceeded');
  });

  it('streams role, words, finish and usage chunks, then [DONE]', async () => {
    upstream.enqueue({ reply: 'a b c' });
    const { events, done } = await readSse(
      await chat({ stream: true, stream_options: { include_usage: true } }),
    );
    const chunks = events as Chunk[];
    expect(done).to.equal(true);
    expect(chunks[0]?.choices[0]?.delta.role).to.equal('assistant');
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).to.equal('a b c');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).to.equal('stop');
    expect(chunks.at(-1)?.choices).to.deep.equal([]);
    expect(chunks.at(-1)?.usage?.total_tokens).to.be.greaterThan(0);
  });

  it('is understood by the official OpenAI SDK, tool-call fragments included', async () => {
    const client = new OpenAI({ baseURL: upstream.url, apiKey: 'k', maxRetries: 0 });
    upstream.enqueue({ toolCall: { name: 'lookup', arguments: '{"query":"switchyard"}' } });
    const stream = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let args = '';
    for await (const chunk of stream)
      args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
    expect(args).to.equal('{"query":"switchyard"}');
    const embeddings = await client.embeddings.create({ model: 'e', input: ['x', 'y'], dimensions: 3 });
    expect(embeddings.data.map((item) => item.embedding.length)).to.deep.equal([3, 3]);
  });

  it('cuts a stream after n chunks without finish reason or [DONE]', async () => {
    upstream.enqueue({ cutAfterChunks: 2, reply: 'one two three four' });
    const { events, done } = await readSse(await chat({ stream: true }));
    expect(events).to.have.length(2);
    expect(done).to.equal(false);
    expect((events as Chunk[]).some((chunk) => chunk.choices[0]?.finish_reason)).to.equal(false);
  });

  it('sends an error event after n chunks', async () => {
    upstream.enqueue({ errorEventAfterChunks: 1, errorEvent: { code: 'overloaded' } });
    const { events, done } = await readSse(await chat({ stream: true }));
    expect(events).to.have.length(2);
    expect(events[1]).to.have.nested.property('error.code', 'overloaded');
    expect(done).to.equal(false);
  });

  it('resets the socket before answering, or after n chunks', async () => {
    upstream.enqueue({ reset: true }, { resetAfterChunks: 1 });
    let failed = false;
    await chat({}).catch(() => (failed = true));
    expect(failed).to.equal(true);
    const response = await chat({ stream: true });
    let midStreamError: unknown;
    await response.text().catch((error: unknown) => (midStreamError = error));
    expect(midStreamError).to.be.instanceOf(Error);
    expect(upstream.requests.every((record) => !record.aborted)).to.equal(true);
  });

  it('delays the first byte and spaces chunks as told', async () => {
    upstream.enqueue({ delayFirstByteMs: 80, chunkDelayMs: 10, reply: 'a b c' });
    const started = Date.now();
    const response = await chat({ stream: true });
    expect(Date.now() - started).to.be.at.least(75);
    await response.text();
    expect(Date.now() - started).to.be.at.least(115);
  });

  it('records a client disconnect as aborted, with the time it saw it', async () => {
    upstream.enqueue({ delayFirstByteMs: 5000 });
    const controller = new AbortController();
    const pending = chat({}, { signal: controller.signal }).catch(() => undefined);
    while (upstream.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    const abortedAt = Date.now();
    controller.abort();
    await pending;
    while (!upstream.requests[0]?.aborted) await new Promise((resolve) => setTimeout(resolve, 2));
    expect((upstream.requests[0]?.abortedAt ?? Infinity) - abortedAt).to.be.at.most(100);
  });

  it('sends a raw body verbatim and forgets everything on reset()', async () => {
    upstream.enqueue({ rawBody: '{broken', status: 200 }, { status: 503 });
    expect(await (await chat({})).text()).to.equal('{broken');
    upstream.reset();
    expect(upstream.calls).to.equal(0);
    expect(upstream.requests).to.have.length(0);
    expect((await chat({})).status).to.equal(200);
  });

  it('keeps no records when record is false, but still counts calls', async () => {
    const quiet = await startMockOpenAIUpstream({ record: false, latencyMs: 1 });
    try {
      await fetch(`${quiet.url}/chat/completions`, { method: 'POST', body: '{"model":"m","messages":[]}' });
      expect(quiet.calls).to.equal(1);
      expect(quiet.requests).to.have.length(0);
    } finally {
      await quiet.close();
    }
  });
});
