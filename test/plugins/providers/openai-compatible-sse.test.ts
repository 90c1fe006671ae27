import { expect } from 'chai';
import { createSseQueue, type SseItem } from '../../../plugins/providers/shared/sse.js';

function drain(queue: ReturnType<typeof createSseQueue>): SseItem[] {
  const items: SseItem[] = [];
  for (let item = queue.shift(); item; item = queue.shift()) items.push(item);
  return items;
}

function data(items: SseItem[]): string[] {
  return items.map((item) => (item.kind === 'event' ? item.event.data : '<overflow>'));
}

describe('createSseQueue', () => {
  it('reassembles events split anywhere, including inside a multi-byte character', () => {
    const queue = createSseQueue();
    const bytes = new TextEncoder().encode(
      'data: {"content":"héllo 👋"}\r\n\r\n: comment\n\ndata: a\ndata: b\n\n',
    );
    // One byte per feed: every possible split of lines, CRLF pairs and UTF-8 sequences.
    for (const byte of bytes) queue.feed(Uint8Array.of(byte));
    expect(data(drain(queue))).to.deep.equal(['{"content":"héllo 👋"}', 'a\nb']);
  });

  it('keeps the event name and drops an event the body ended before closing', () => {
    const queue = createSseQueue();
    queue.feed(new TextEncoder().encode('event: error\ndata: {"error":{}}\n\ndata: [DONE]'));
    queue.end();
    const items = drain(queue);
    expect(items).to.have.length(1);
    expect(items[0]?.kind === 'event' && items[0].event.event).to.equal('error');
  });

  it('reports an overflow instead of buffering an endless event', () => {
    const queue = createSseQueue();
    const line = new TextEncoder().encode(`data: ${'x'.repeat(1024 * 1024)}\n`);
    for (let i = 0; i < 17; i++) queue.feed(line);
    expect(data(drain(queue))).to.deep.equal(['<overflow>']);
    expect(queue.pending()).to.equal(false);
  });
});
