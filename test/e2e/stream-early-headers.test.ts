import { expect } from 'chai';
import OpenAI, { type APIError } from 'openai';
import { startHarness, postChat, readSse, type Harness, type HarnessOptions } from '../support/harness.js';

/**
 * When the headers reached the client and when its first content did, for a stream whose
 * upstream sends its role chunk at once and each later chunk `chunkDelayMs` apart.
 */
async function arrivals(h: Harness): Promise<{ response: Response; headersMs: number; contentMs: number }> {
  const started = performance.now();
  const response = await postChat(h.url, { stream: true });
  const headersMs = performance.now() - started;
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  let contentMs: number | undefined;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    text += decoder.decode(read.value, { stream: true });
    if (contentMs === undefined && /"content":"[^"]/.test(text)) contentMs = performance.now() - started;
  }
  expect(text.endsWith('data: [DONE]\n\n')).to.equal(true);
  return { response, headersMs, contentMs: contentMs ?? NaN };
}

async function withHarness(options: HarnessOptions, test: (h: Harness) => Promise<void>): Promise<void> {
  const h = await startHarness(options);
  try {
    await test(h);
  } finally {
    await h.close();
  }
}

const PAUSE_MS = 300;
const noEarlyHeaders: HarnessOptions['configure'] = (c) => ({ ...c, streaming: { earlyHeaders: false } });

describe('stream headers and the last possible attempt (streaming.earlyHeaders)', () => {
  it('sends the headers once the last possible attempt is accepted, before its first token', async () => {
    await withHarness({}, async (h) => {
      h.upstreams[0]?.enqueue({ reply: 'one two', chunkDelayMs: PAUSE_MS });
      const { response, headersMs, contentMs } = await arrivals(h);
      expect(contentMs - headersMs).to.be.greaterThan(PAUSE_MS / 2);
      expect(response.headers.get('content-type')).to.match(/^text\/event-stream/);
      expect(response.headers.get('x-switchyard-provider')).to.equal('p0');
      expect(response.headers.get('x-switchyard-model')).to.equal('test-model');
      expect(response.headers.get('x-switchyard-attempts')).to.equal('1');
      expect(response.headers.get('x-switchyard-request-id')).to.be.a('string');
    });
  });

  it('counts the failed attempts before the last one in x-switchyard-attempts', async () => {
    await withHarness({ upstreams: 2 }, async (h) => {
      h.upstreams[0]?.enqueue({ status: 503 });
      h.upstreams[1]?.enqueue({ reply: 'one two', chunkDelayMs: PAUSE_MS });
      const { response, headersMs, contentMs } = await arrivals(h);
      expect(contentMs - headersMs).to.be.greaterThan(PAUSE_MS / 2);
      expect(response.headers.get('x-switchyard-provider')).to.equal('p1');
      expect(response.headers.get('x-switchyard-attempts')).to.equal('2');
    });
  });

  it('holds the headers back while a failover could still follow', async () => {
    await withHarness({ upstreams: 2 }, async (h) => {
      h.upstreams[0]?.enqueue({ reply: 'one two', chunkDelayMs: PAUSE_MS });
      const { response, headersMs, contentMs } = await arrivals(h);
      expect(contentMs - headersMs).to.be.lessThan(PAUSE_MS / 2);
      expect(headersMs).to.be.at.least(PAUSE_MS * 0.8);
      expect(response.headers.get('x-switchyard-provider')).to.equal('p0');
    });
  });

  it('holds them back while the only candidate has a retry left', async () => {
    const retry: HarnessOptions['configure'] = (c) => ({
      ...c,
      routing: { ...c.routing, failover: { ...c.routing?.failover, retriesPerCandidate: 1 } },
    });
    await withHarness({ configure: retry }, async (h) => {
      // The retry is what saves this request: the first answer fails before any output.
      h.upstreams[0]?.enqueue({ errorEventAfterChunks: 1 });
      h.upstreams[0]?.enqueue({ reply: 'saved' });
      const response = await postChat(h.url, { stream: true });
      expect(response.status).to.equal(200);
      expect(response.headers.get('x-switchyard-attempts')).to.equal('2');
      const { data } = await readSse(response);
      expect(data.at(-1)).to.equal('[DONE]');
      expect(h.upstreams[0]?.calls).to.equal(2);
    });
  });

  it('reports a last attempt that fails before any output as an SSE error event the SDK raises', async () => {
    await withHarness({}, async (h) => {
      h.upstreams[0]?.enqueue({ errorEventAfterChunks: 1 });
      const response = await postChat(h.url, { stream: true });
      expect(response.status).to.equal(200);
      expect(response.headers.get('x-switchyard-provider')).to.equal('p0');
      const { data } = await readSse(response);
      expect(data).not.to.include('[DONE]');
      const last = JSON.parse(data.at(-1) ?? '{}') as { error?: { code?: string } };
      expect(last.error?.code).to.equal('SY_ERR_UPSTREAM_SERVER_ERROR');

      h.upstreams[0]?.enqueue({ cutAfterChunks: 1 });
      const stream = await h.client.chat.completions.create({
        model: 'test-model',
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      });
      const error = await (async () => {
        for await (const chunk of stream) void chunk;
      })().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(OpenAI.APIError);
      expect((error as APIError).code).to.equal('SY_ERR_UPSTREAM_SERVER_ERROR');
      expect(String((error as Error).message)).to.match(/stream ended before completion/);
    });
  });

  it('with earlyHeaders: false, sends the headers with the first output and fails with an HTTP status', async () => {
    await withHarness({ configure: noEarlyHeaders }, async (h) => {
      h.upstreams[0]?.enqueue({ reply: 'one two', chunkDelayMs: PAUSE_MS });
      const { headersMs, contentMs } = await arrivals(h);
      expect(contentMs - headersMs).to.be.lessThan(PAUSE_MS / 2);
      expect(headersMs).to.be.at.least(PAUSE_MS * 0.8);

      h.upstreams[0]?.enqueue({ errorEventAfterChunks: 1 });
      const failed = await postChat(h.url, { stream: true });
      expect(failed.status).to.equal(502);
      const body = (await failed.json()) as { error?: { code?: string } };
      expect(body.error?.code).to.equal('SY_ERR_UPSTREAM_SERVER_ERROR');
    });
  });
});
