import { expect } from 'chai';
import { ChatStream, type ChunkSource, type StreamOutcome } from '../../../core/stream/chat-stream.js';
import { StreamChunk } from '../../../core/stream/stream-chunk.js';
import { SwitchyardError } from '../../../core/errors/switchyard-error.js';
import type { ChatCompletionChunk } from '../../../core/types/openai.js';

const chunk = (content: string, finish: 'stop' | null = null): ChatCompletionChunk => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 0,
  model: 'm',
  choices: [{ index: 0, delta: { content }, finish_reason: finish }],
});

const contentOf = (piece: StreamChunk): string => piece.chunk.choices[0]?.delta.content ?? '';

/** A source that hands out `batches` in order, then ends, or fails with `error` where it stands. */
function scripted(
  batches: (ChatCompletionChunk[] | Error)[],
): ChunkSource & { cancelled: number; pulls: number } {
  let next = 0;
  const source = {
    cancelled: 0,
    pulls: 0,
    async pull() {
      source.pulls += 1;
      const batch = batches[next++];
      if (batch === undefined) return undefined;
      if (batch instanceof Error) throw batch;
      return batch.map((c) => StreamChunk.of(c));
    },
    cancel() {
      source.cancelled += 1;
    },
  };
  return source;
}

async function drain(stream: ChatStream): Promise<string[][]> {
  const out: string[][] = [];
  for (let batch = await stream.nextBatch(); batch; batch = await stream.nextBatch())
    out.push(batch.map(contentOf));
  return out;
}

describe('ChatStream', () => {
  it('hands out whole batches, each through every hook in the order the hooks were added', async () => {
    const stream = new ChatStream(scripted([[chunk('a'), chunk('b')], [chunk('c', 'stop')]]));
    stream.use({ chunk: (p) => StreamChunk.of(chunk(contentOf(p) + '1')) });
    stream.use({ chunk: (p) => StreamChunk.of(chunk(contentOf(p) + '2')) });
    expect(await drain(stream)).to.deep.equal([['a12', 'b12'], ['c12']]);
  });

  it('lets a hook drop a chunk or turn it into several, and skips batches left empty', async () => {
    const stream = new ChatStream(scripted([[chunk('drop')], [chunk('x'), chunk('drop')]]));
    stream.use({ chunk: (p) => (contentOf(p) === 'drop' ? [] : [p, StreamChunk.of(chunk('y'))]) });
    expect(await drain(stream)).to.deep.equal([['x', 'y']]);
  });

  it('keeps the chunks a watching hook hands back, and the order when a later chunk changes', async () => {
    const stream = new ChatStream(scripted([[chunk('a'), chunk('b'), chunk('c'), chunk('d')]]));
    const watched: string[] = [];
    stream.use({ chunk: (p) => (watched.push(contentOf(p)), p) });
    // Unchanged up to `c`, which becomes two chunks; `b` is dropped after `a` was kept as it came.
    stream.use({
      chunk: (p) => (contentOf(p) === 'b' ? [] : contentOf(p) === 'c' ? [p, StreamChunk.of(chunk('c+'))] : p),
    });
    expect(await drain(stream)).to.deep.equal([['a', 'c', 'c+', 'd']]);
    expect(watched).to.deep.equal(['a', 'b', 'c', 'd']);
  });

  it('passes what an end hook adds through the hooks after it, before their own additions', async () => {
    const stream = new ChatStream(scripted([[chunk('a')]]));
    stream.use({ end: () => [StreamChunk.of(chunk('inner'))] });
    stream.use({
      chunk: (p) => StreamChunk.of(chunk(contentOf(p).toUpperCase())),
      end: () => [StreamChunk.of(chunk('outer'))],
    });
    expect(await drain(stream)).to.deep.equal([['A'], ['INNER', 'outer']]);
  });

  it('waits for an async end hook, in order, and fails the stream when it rejects', async () => {
    const stream = new ChatStream(scripted([[chunk('a')]]));
    stream.use({ end: async () => [StreamChunk.of(chunk('counted'))] });
    stream.use({ end: () => [StreamChunk.of(chunk('after'))] });
    expect(await drain(stream)).to.deep.equal([['a'], ['counted', 'after']]);

    const outcomes: StreamOutcome[] = [];
    const failing = new ChatStream(scripted([[chunk('a')]]));
    failing.use({
      end: () => Promise.reject(new Error('count failed')),
      finally: (o) => void outcomes.push(o),
    });
    await failing.nextBatch();
    const error = await failing.nextBatch().catch((e: Error) => e);
    expect((error as Error).message).to.equal('count failed');
    expect(outcomes).to.deep.equal(['error']);
  });

  it('keeps what synchronous end hooks added before an async one, and runs the rest in order', async () => {
    const stream = new ChatStream(scripted([[chunk('a')]]));
    stream.use({ end: () => [StreamChunk.of(chunk('sync-before'))] });
    stream.use({
      end: async () => {
        await new Promise((resolve) => setImmediate(resolve));
        return [StreamChunk.of(chunk('async'))];
      },
    });
    stream.use({ end: () => [StreamChunk.of(chunk('sync-after'))] });
    expect(await drain(stream)).to.deep.equal([['a'], ['sync-before', 'async', 'sync-after']]);
  });

  it('runs every finally hook, sync and async, and the first failure decides what the end throws', async () => {
    const ran: string[] = [];
    const stream = new ChatStream(scripted([[chunk('a')]]));
    stream.use({ finally: () => void ran.push('sync') });
    stream.use({
      finally: async () => {
        await new Promise((resolve) => setImmediate(resolve));
        ran.push('async');
        throw new Error('first');
      },
    });
    stream.use({
      finally: () => {
        ran.push('sync, throwing');
        throw new Error('second');
      },
    });
    await stream.nextBatch();
    const error = await stream.nextBatch().catch((e: Error) => e);
    expect((error as Error).message).to.equal('first');
    expect(ran).to.deep.equal(['sync', 'async', 'sync, throwing']);

    const synchronous = new ChatStream(scripted([[chunk('a')]]));
    synchronous.use({
      finally: () => {
        throw new Error('only');
      },
    });
    await synchronous.nextBatch();
    expect(((await synchronous.nextBatch().catch((e: Error) => e)) as Error).message).to.equal('only');
  });

  it('maps a source failure through every error hook and reports it to every finally hook', async () => {
    const seen: [StreamOutcome, string][] = [];
    const stream = new ChatStream(scripted([[chunk('a')], new Error('reset')]));
    stream.use({
      error: (e) => new Error(`inner(${(e as Error).message})`),
      finally: (o, e) => void seen.push([o, (e as Error).message]),
    });
    stream.use({
      error: (e) => new Error(`outer(${(e as Error).message})`),
      finally: (o, e) => void seen.push([o, (e as Error).message]),
    });
    expect((await stream.nextBatch())?.map(contentOf)).to.deep.equal(['a']);
    const error = await stream.nextBatch().catch((e: Error) => e);
    expect((error as Error).message).to.equal('outer(inner(reset))');
    expect(seen).to.deep.equal([
      ['error', 'outer(inner(reset))'],
      ['error', 'outer(inner(reset))'],
    ]);
  });

  it('ends as closed, not failed, when the failure says the client went away', async () => {
    const gone = new SwitchyardError('SY_ERR_CLIENT_CLOSED', 'The client closed the connection.');
    const source = scripted([[chunk('a')], gone]);
    const stream = new ChatStream(source);
    const seen: [StreamOutcome, unknown][] = [];
    stream.use({ finally: (o, e) => void seen.push([o, e]) });
    await stream.nextBatch();
    expect(await stream.nextBatch().catch((e: unknown) => e)).to.equal(gone);
    expect(seen).to.deep.equal([['closed', undefined]]);
    expect(source.cancelled).to.equal(1);
  });

  it('maps a hook failure only through the hooks after it, and cancels the source', async () => {
    const source = scripted([[chunk('a')]]);
    const stream = new ChatStream(source);
    stream.use({ error: () => new Error('must not map') });
    stream.use({
      chunk: () => {
        throw new Error('blocked');
      },
    });
    stream.use({ error: (e) => new Error(`outer(${(e as Error).message})`) });
    const error = await stream.nextBatch().catch((e: Error) => e);
    expect((error as Error).message).to.equal('outer(blocked)');
    expect(source.cancelled).to.equal(1);
  });

  it('fails the stream when an end hook throws, after the chunks', async () => {
    const outcomes: StreamOutcome[] = [];
    const stream = new ChatStream(scripted([[chunk('a')]]));
    stream.use({
      end: () => {
        throw new Error('no finish reason');
      },
      finally: (o) => void outcomes.push(o),
    });
    expect((await stream.nextBatch())?.map(contentOf)).to.deep.equal(['a']);
    const error = await stream.nextBatch().catch((e: Error) => e);
    expect((error as Error).message).to.equal('no finish reason');
    expect(outcomes).to.deep.equal(['error']);
  });

  it('waits for async finally hooks before reporting the end, and runs them once', async () => {
    const order: string[] = [];
    const stream = new ChatStream(scripted([[chunk('a')]]));
    stream.use({
      finally: async (outcome) => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        order.push(`settled ${outcome}`);
      },
    });
    await drain(stream);
    order.push('ended');
    await stream.close();
    expect(await stream.nextBatch()).to.equal(undefined);
    expect(order).to.deep.equal(['settled ok', 'ended']);
  });

  it('a consumer leaving early cancels the source and ends with outcome closed', async () => {
    const outcomes: StreamOutcome[] = [];
    const source = scripted([[chunk('a')], [chunk('b')]]);
    const stream = new ChatStream(source).use({ finally: (o) => void outcomes.push(o) });
    for await (const c of stream) {
      expect(c.choices[0]?.delta.content).to.equal('a');
      break;
    }
    expect(source.cancelled).to.equal(1);
    expect(outcomes).to.deep.equal(['closed']);
  });

  it('replays what peekUntil read ahead through the hooks added afterwards', async () => {
    const source = scripted([[chunk('')], [chunk('hi'), chunk('there')], [chunk('', 'stop')]]);
    const stream = new ChatStream(source);
    expect(await stream.peekUntil((p) => contentOf(p) !== '')).to.equal(true);
    expect(source.pulls).to.equal(2);
    stream.use({ chunk: (p) => StreamChunk.of(chunk(`<${contentOf(p)}>`)) });
    expect(await drain(stream)).to.deep.equal([['<>', '<hi>', '<there>'], ['<>']]);
  });

  it('adapts any async iterable, and iterates as parsed chunks', async () => {
    async function* generated(): AsyncGenerator<ChatCompletionChunk> {
      yield chunk('a');
      yield chunk('b', 'stop');
    }
    const stream = ChatStream.from(generated());
    expect(ChatStream.from(stream)).to.equal(stream);
    const seen: string[] = [];
    for await (const c of stream) seen.push(c.choices[0]?.delta.content ?? '');
    expect(seen).to.deep.equal(['a', 'b']);
  });
});

describe('StreamChunk', () => {
  const text =
    '{"id":"c","object":"chat.completion.chunk","created":0,"model":"m","vendor_field":{"x":1},' +
    '"choices":[{"index":0,"delta":{"content":"he said \\"finish_reason\\": \\"stop\\""},"finish_reason":null}],"usage":null}';

  it('keeps the upstream text and parses it only when read', () => {
    let parses = 0;
    const piece = StreamChunk.fromJson(text, (json) => {
      parses += 1;
      return JSON.parse(json) as ChatCompletionChunk;
    });
    expect(piece.json()).to.equal(text);
    expect(piece.finishes()).to.equal(false);
    expect(piece.usage()).to.equal(undefined);
    expect(parses).to.equal(0);
    expect(piece.chunk.choices[0]?.delta.content).to.equal('he said "finish_reason": "stop"');
    expect(parses).to.equal(1);
    expect(piece.json()).to.equal(text);
  });

  it('finds a finish reason and a usage object in unparsed text', () => {
    const finished = StreamChunk.fromJson(
      '{"choices":[{"index":0,"delta":{},"finish_reason" : "length"}]}',
      (json) => JSON.parse(json) as ChatCompletionChunk,
    );
    expect(finished.finishes()).to.equal(true);
    const usage = StreamChunk.fromJson(
      '{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}',
      (json) => JSON.parse(json) as ChatCompletionChunk,
    );
    expect(usage.usage()).to.deep.equal({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 });
  });

  it('finds usage before a nested key of the same name, and output without parsing', () => {
    const parse = (json: string) => JSON.parse(json) as ChatCompletionChunk;
    const usage = StreamChunk.fromJson(
      '{"choices":[],"usage" :\n{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3},"x":{"usage":null}}',
      parse,
    );
    expect(usage.usage()).to.deep.equal({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 });
    let parses = 0;
    const counting = (json: string) => {
      parses += 1;
      return parse(json);
    };
    const content = StreamChunk.fromJson('{"choices":[{"index":0,"delta":{"content":"\\"hi"}}]}', counting);
    const tool = StreamChunk.fromJson(
      '{"choices":[{"index":0,"delta":{"tool_calls": [ {"index":0}]}}]}',
      counting,
    );
    expect([content.hasOutput(), tool.hasOutput(), parses]).to.deep.equal([true, true, 0]);
    const role = StreamChunk.fromJson(
      '{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}',
      counting,
    );
    // A role-only chunk is told from its text too: no parse before the first output.
    expect([role.hasOutput(), parses]).to.deep.equal([false, 0]);
  });

  it('serialises a chunk the gateway built', () => {
    const built = chunk('x');
    expect(JSON.parse(StreamChunk.of(built).json())).to.deep.equal(built);
  });
});
