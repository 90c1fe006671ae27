import { expect } from 'chai';
import { encodeBatch, openaiSseEncoder } from '../../../core/http/sse-writer.js';
import { StreamChunk } from '../../../core/stream/stream-chunk.js';
import type { ChatCompletionChunk } from '../../../core/types/openai.js';

const parse = (json: string) => JSON.parse(json) as ChatCompletionChunk;

function chunkJson(content: string): string {
  return JSON.stringify({
    id: 'c',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  });
}

/** Chunks over one upstream read, each keeping its event's bytes (as the SSE queue makes them). */
function read(contents: string[]): { bytes: Buffer; chunks: StreamChunk[] } {
  const events = contents.map((content) => `data: ${chunkJson(content)}\n\n`);
  const bytes = Buffer.from(events.join(''));
  let at = 0;
  const chunks = events.map((event, i) => {
    const length = Buffer.byteLength(event);
    const wire = { bytes, start: at, end: at + length };
    at += length;
    return StreamChunk.fromJson(chunkJson(contents[i] as string), parse, wire);
  });
  return { bytes, chunks };
}

const joined = (parts: (string | Buffer)[]) => parts.map((part) => part.toString()).join('');

describe('encodeBatch', () => {
  it('sends an untouched read as one view of the upstream buffer', () => {
    const { bytes, chunks } = read(['Hé', 'llo', ' 👋']);
    const out = encodeBatch(chunks, openaiSseEncoder);
    expect(out).to.have.length(1);
    const only = out[0] as Buffer;
    expect(Buffer.isBuffer(only)).to.equal(true);
    expect(only.buffer).to.equal(bytes.buffer);
    expect(only.equals(bytes)).to.equal(true);
  });

  it('writes changed chunks as text between the unchanged runs, in order', () => {
    const { chunks } = read(['a', 'b', 'c', 'd']);
    const changed = StreamChunk.of(parse(chunkJson('B!')));
    const batch = [chunks[0], changed, chunks[2], chunks[3]] as StreamChunk[];
    const out = encodeBatch(batch, openaiSseEncoder);
    expect(out.map((part) => (typeof part === 'string' ? 'text' : 'bytes'))).to.deep.equal([
      'bytes',
      'text',
      'bytes',
    ]);
    expect(joined(out)).to.equal(['a', 'B!', 'c', 'd'].map((c) => `data: ${chunkJson(c)}\n\n`).join(''));
  });

  it('does not join views that are not neighbours (a chunk dropped between them)', () => {
    const { chunks } = read(['a', 'b', 'c']);
    const out = encodeBatch([chunks[0], chunks[2]] as StreamChunk[], openaiSseEncoder);
    expect(out).to.have.length(2);
    expect(joined(out)).to.equal(['a', 'c'].map((c) => `data: ${chunkJson(c)}\n\n`).join(''));
  });

  it('uses the text for an encoder of another wire format', () => {
    const { chunks } = read(['a']);
    const encoder = { chunk: (piece: StreamChunk) => `x:${piece.json()}\n`, end: () => '', error: () => '' };
    expect(encodeBatch(chunks, encoder)).to.deep.equal([`x:${chunkJson('a')}\n`]);
  });
});
