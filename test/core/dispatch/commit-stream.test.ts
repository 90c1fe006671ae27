import { expect } from 'chai';
import { commitStream } from '../../../core/dispatch/commit-stream.js';
import type { ChatCompletionChunk } from '../../../core/types/openai.js';
import { SwitchyardError } from '../../../core/errors/switchyard-error.js';

const chunk = (
  delta: ChatCompletionChunk['choices'][number]['delta'],
  finish: 'stop' | null = null,
): ChatCompletionChunk => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 0,
  model: 'm',
  choices: [{ index: 0, delta, finish_reason: finish }],
});

async function* script(items: (ChatCompletionChunk | Error)[]): AsyncGenerator<ChatCompletionChunk> {
  for (const item of items) {
    if (item instanceof Error) throw item;
    yield item;
  }
}

async function collect(stream: AsyncIterable<ChatCompletionChunk>) {
  const out: ChatCompletionChunk[] = [];
  for await (const c of stream) out.push(c);
  return out;
}

describe('commitStream', () => {
  it('replays the read-ahead chunks and then the rest', async () => {
    const chunks = [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hi' }), chunk({}, 'stop')];
    const stream = await commitStream(script(chunks), 'p');
    expect(await collect(stream)).to.deep.equal(chunks);
  });

  it('fails before the commit when the stream errors before any output (failover still possible)', async () => {
    const error = await commitStream(script([chunk({ role: 'assistant' }), new Error('reset')]), 'p').catch(
      (e) => e,
    );
    expect((error as Error).message).to.equal('reset');
  });

  it('fails before the commit when the stream closes cleanly before any output', async () => {
    const error = (await commitStream(script([chunk({ role: 'assistant' })]), 'p').catch(
      (e) => e,
    )) as SwitchyardError;
    expect(error.code).to.equal('SY_ERR_UPSTREAM_SERVER_ERROR');
    expect(error.retryable).to.equal(true);
  });

  it('passes the client hanging up after the commit on as it is, not as an interruption', async () => {
    const gone = new SwitchyardError('SY_ERR_CLIENT_CLOSED', 'The client closed the connection.');
    const stream = await commitStream(script([chunk({ content: 'Hi' }), gone]), 'p');
    expect(await collect(stream).catch((e) => e)).to.equal(gone);
  });

  it('turns a failure after the commit into SY_ERR_UPSTREAM_STREAM_INTERRUPTED', async () => {
    const stream = await commitStream(script([chunk({ content: 'Hi' }), new Error('reset')]), 'p');
    const error = (await collect(stream).catch((e) => e)) as SwitchyardError;
    expect(error.code).to.equal('SY_ERR_UPSTREAM_STREAM_INTERRUPTED');
    expect(error.retryable).to.equal(false);
  });

  it('treats an end without a finish reason after the commit as an interruption', async () => {
    const stream = await commitStream(script([chunk({ content: 'Hi' })]), 'p');
    const error = (await collect(stream).catch((e) => e)) as SwitchyardError;
    expect(error.code).to.equal('SY_ERR_UPSTREAM_STREAM_INTERRUPTED');
  });

  it('releases the upstream iterator when the consumer stops early', async () => {
    let released = false;
    async function* upstream() {
      try {
        yield chunk({ content: 'a' });
        yield chunk({ content: 'b' });
        yield chunk({}, 'stop');
      } finally {
        released = true;
      }
    }
    const stream = await commitStream(upstream(), 'p');
    for await (const _c of stream) break;
    expect(released).to.equal(true);
  });
});
