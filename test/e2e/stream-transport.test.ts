import { expect } from 'chai';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeSse } from '../../core/http/sse-writer.js';
import type { ChatCompletionChunk } from '../../core/types/openai.js';
import { startHarness, readSse, postChat } from '../support/harness.js';

const chunk = (content: string): ChatCompletionChunk => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 0,
  model: 'm',
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
});

describe('SSE transport', () => {
  it('sends keep-alive comments while waiting for a slow first token, then fails over if needed', async () => {
    const h = await startHarness({
      upstreams: 2,
      configure: (c) => ({ ...c, streaming: { keepAliveMs: 50 } }),
    });
    try {
      // p0 keeps the client waiting, then fails: failover must still happen after the comments.
      h.upstreams[0]?.enqueue({ delayFirstByteMs: 300, status: 503 });
      const response = await postChat(h.url, { stream: true });
      expect(response.status).to.equal(200);
      const { data, comments } = await readSse(response);
      expect(comments.length).to.be.at.least(2);
      expect(comments[0]).to.equal(': keep-alive');
      expect(data.at(-1)).to.equal('[DONE]');
      expect(h.upstreams[1]?.calls).to.equal(1);
    } finally {
      await h.close();
    }
  });

  it('reports a failure after keep-alives as an SSE error event, since the status line is gone', async () => {
    const h = await startHarness({ configure: (c) => ({ ...c, streaming: { keepAliveMs: 50 } }) });
    try {
      h.upstreams[0]?.enqueue({
        delayFirstByteMs: 200,
        status: 400,
        error: { message: 'nope', type: 'invalid_request_error' },
      });
      const response = await postChat(h.url, { stream: true });
      const { data } = await readSse(response);
      expect(data).not.to.include('[DONE]');
      expect(JSON.parse(data.at(-1) ?? '{}').error.code).to.equal('SY_ERR_UPSTREAM_BAD_REQUEST');
    } finally {
      await h.close();
    }
  });

  it('sends keep-alive comments between chunks when the upstream pauses mid-stream', async () => {
    const h = await startHarness({ configure: (c) => ({ ...c, streaming: { keepAliveMs: 40 } }) });
    try {
      h.upstreams[0]?.enqueue({ reply: 'one two three', chunkDelayMs: 200 });
      const response = await postChat(h.url, { stream: true });
      const text = await response.text();
      const events = text.split('\n\n').filter((event) => event !== '');
      const firstData = events.findIndex((event) => event.startsWith('data: '));
      const lastData = events.findLastIndex((event) => event.startsWith('data: {'));
      const between = events.slice(firstData, lastData).filter((event) => event === ': keep-alive');
      expect(between.length, text).to.be.at.least(2);
      expect(events.at(-1)).to.equal('data: [DONE]');
    } finally {
      await h.close();
    }
  });

  it('respects backpressure: a reader that stops reading stops the pulling of chunks', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<ChatCompletionChunk> {
      const text = 'x'.repeat(1024);
      for (let i = 0; i < 1_000_000; i++) {
        pulled++;
        yield chunk(text);
      }
    }
    let finished: Promise<unknown> = Promise.resolve();
    const server: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      finished = pipeSse(res, endless(), 60_000);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const req = request({ port, host: '127.0.0.1', path: '/' });
    const response = await new Promise<IncomingMessage>((resolve) => {
      req.on('response', resolve);
      req.end();
    });
    response.pause(); // a reader that never reads
    await new Promise((resolve) => setTimeout(resolve, 300));
    const first = pulled;
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Bounded by socket and kernel buffers (a few MB at most), not by the million chunks on offer.
    expect(pulled).to.equal(first, 'pulling must stop while the reader does not read');
    expect(pulled).to.be.below(20_000);
    req.destroy();
    expect(await finished).to.equal('closed');
    server.close();
  });
});
