import { expect } from 'chai';
import fc from 'fast-check';
import { createParser } from 'eventsource-parser';
import { createSseQueue, createSseSplitter, type SseItem } from '../../../plugins/providers/shared/sse.js';

function drain(queue: ReturnType<typeof createSseQueue>): SseItem[] {
  const items: SseItem[] = [];
  for (let item = queue.shift(); item; item = queue.shift()) items.push(item);
  return items;
}

function data(items: SseItem[]): string[] {
  return items.map((item) => (item.kind === 'event' ? item.data : '<overflow>'));
}

/** What eventsource-parser alone makes of the same text: the reference. */
function reference(text: string): { data: string; event: string | undefined }[] {
  const events: { data: string; event: string | undefined }[] = [];
  const parser = createParser({ onEvent: (event) => events.push({ data: event.data, event: event.event }) });
  parser.feed(text);
  return events;
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
    expect(items[0]?.kind === 'event' && items[0].event).to.equal('error');
  });

  it('drops an unclosed single-line event at the end of the body too', () => {
    const queue = createSseQueue();
    queue.feed(Buffer.from('data: {"a":1}\n\ndata: {"b":2}\n'));
    queue.end();
    expect(data(drain(queue))).to.deep.equal(['{"a":1}']);
  });

  it('reports an overflow instead of buffering an endless event', () => {
    const queue = createSseQueue();
    const line = new TextEncoder().encode(`data: ${'x'.repeat(1024 * 1024)}\n`);
    for (let i = 0; i < 17; i++) queue.feed(line);
    expect(data(drain(queue))).to.deep.equal(['<overflow>']);
    expect(queue.pending()).to.equal(false);
  });

  it('reports an overflow for an endless single line too', () => {
    const queue = createSseQueue();
    const part = Buffer.alloc(1024 * 1024, 0x78);
    queue.feed(Buffer.from('data: '));
    for (let i = 0; i < 17; i++) queue.feed(part);
    expect(data(drain(queue))).to.deep.equal(['<overflow>']);
  });

  it("keeps each single-line data event's bytes, split across reads or not", () => {
    const queue = createSseQueue();
    const first = 'data: {"n":"é"}\n\n';
    const second = 'data:{"n":2}\n\n';
    const bytes = Buffer.from(first + second);
    queue.feed(bytes.subarray(0, 9));
    queue.feed(bytes.subarray(9, 20));
    queue.feed(bytes.subarray(20));
    const items = drain(queue);
    expect(data(items)).to.deep.equal(['{"n":"é"}', '{"n":2}']);
    const wires = items.map((item) =>
      item.kind === 'event' ? item.bytes?.subarray(item.start, item.end).toString() : undefined,
    );
    expect(wires).to.deep.equal([first, second]);
  });

  it('hands the rest of the stream to the full parser at the first other framing, without wire bytes', () => {
    const queue = createSseQueue();
    queue.feed(Buffer.from('data: 1\n\n: keep-alive\n\ndata: 2\n\n'));
    queue.feed(Buffer.from('data: 3\r\n\r\n'));
    const items = drain(queue);
    expect(data(items)).to.deep.equal(['1', '2', '3']);
    expect(items.map((item) => item.kind === 'event' && item.bytes !== undefined)).to.deep.equal([
      true,
      false,
      false,
    ]);
  });

  it('reads any event stream, split anywhere, the way eventsource-parser does', () => {
    const line = fc.oneof(
      fc.constantFrom('data: {"choices":[]}', 'data:x', 'data: ', 'data:', 'data', ': ping', 'event: error'),
      fc.constantFrom('id: 7', 'retry: 10', '', 'data: é👋', '\uFEFFdata: bom', 'data:  two spaces'),
      fc.string().map((value) => `data: ${value.replace(/[\r\n]/g, '')}`),
    );
    const stream = fc.tuple(
      fc.array(fc.tuple(line, fc.constantFrom('\n', '\r\n', '\r')), { maxLength: 12 }),
      fc.array(fc.nat(), { maxLength: 6 }),
    );
    fc.assert(
      fc.property(stream, ([lines, cuts]) => {
        const text = lines.map(([content, end]) => content + end).join('');
        const bytes = Buffer.from(text);
        const queue = createSseQueue();
        let at = 0;
        for (const cut of [...cuts.map((n) => (bytes.length === 0 ? 0 : n % bytes.length))].sort(
          (a, b) => a - b,
        )) {
          queue.feed(bytes.subarray(at, Math.max(at, cut)));
          at = Math.max(at, cut);
        }
        queue.feed(bytes.subarray(at));
        queue.end();
        const items = drain(queue).map((item) =>
          item.kind === 'event' ? { data: item.data, event: item.event } : item,
        );
        expect(items).to.deep.equal(reference(text));
      }),
      { numRuns: 500 },
    );
  });

  it('hands events straight to the consumer and stops at the one it says closes the stream', () => {
    for (const text of [
      'data: a\n\ndata: [DONE]\n\ndata: late\n\n',
      'data: a\r\n\r\ndata: [DONE]\r\n\r\ndata: late\r\n\r\n',
    ]) {
      const seen: string[] = [];
      const splitter = createSseSplitter((item) => {
        seen.push(item.kind === 'event' ? item.data : '<overflow>');
        return item.kind === 'event' && item.data === '[DONE]';
      });
      splitter.feed(Buffer.from(text));
      splitter.feed(Buffer.from('data: later still\n\n'));
      splitter.end();
      expect(seen, JSON.stringify(text)).to.deep.equal(['a', '[DONE]']);
    }
  });
});
