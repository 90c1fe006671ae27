import { expect } from 'chai';
import OpenAI from 'openai';
import { startHarness } from '../support/harness.js';

describe('gateway.close()', () => {
  it('lets an in-flight stream finish completely before it resolves', async () => {
    const h = await startHarness({ upstreamOptions: { chunkDelayMs: 20 } });
    const reply = Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ');
    h.upstreams[0]?.enqueue({ reply });
    const stream = await h.client.chat.completions.create({
      model: 'test-model',
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    });
    const iterator = stream[Symbol.asyncIterator]();
    let content = (await iterator.next()).value?.choices[0]?.delta.content ?? '';
    let closedAt = 0;
    const closing = h.gateway.close().then(() => (closedAt = Date.now()));
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
      content += step.value.choices[0]?.delta.content ?? '';
    }
    const streamEndedAt = Date.now();
    await closing;
    expect(content).to.equal(reply);
    expect(closedAt).to.be.at.least(streamEndedAt - 5);
    await Promise.all(h.upstreams.map((u) => u.close()));
  });

  it('refuses new requests while draining with a retryable 503', async () => {
    const h = await startHarness({ upstreamOptions: { chunkDelayMs: 30 } });
    try {
      h.upstreams[0]?.enqueue({ reply: 'a b c d e f g h i j' });
      const agent = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'x', maxRetries: 0 });
      const stream = await agent.chat.completions.create({
        model: 'test-model',
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      });
      const closing = h.gateway.close();
      // The same keep-alive connection is still open for the stream; a new request on another
      // connection must not be accepted any more.
      const refused = await fetch(`${h.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content: 'x' }] }),
      }).then(
        (r) => r.status,
        () => 'connection refused',
      );
      expect([503, 'connection refused']).to.include(refused);
      for await (const _chunk of stream) void _chunk;
      await closing;
    } finally {
      await h.close();
    }
  });
});
