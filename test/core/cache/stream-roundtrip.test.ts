import { expect } from 'chai';
import { pieces, replayChunks, StreamAccumulator } from '../../../core/cache/index.js';
import type { ChatCompletion } from '../../../core/index.js';
import { assertOpenAIShape } from '../../support/openai-schemas.js';

const answer: ChatCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  system_fingerprint: 'fp_1',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hello 🎉 '.repeat(100), refusal: null },
      finish_reason: 'stop',
      logprobs: null,
    },
    {
      index: 1,
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'a', arguments: '{"x":1}' } },
          { id: 'call_2', type: 'function', function: { name: 'b', arguments: '{}' } },
        ],
      },
      finish_reason: 'tool_calls',
      logprobs: null,
    },
  ],
  usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 },
};

describe('replayChunks and StreamAccumulator', () => {
  it('replays an answer as schema-valid chunks that accumulate back into the same answer', () => {
    const chunks = replayChunks(answer, 64);
    for (const chunk of chunks) assertOpenAIShape('CreateChatCompletionStreamResponse', chunk);
    expect(chunks.at(-1)?.choices).to.deep.equal([]);
    const accumulator = new StreamAccumulator();
    for (const chunk of chunks) accumulator.observe(chunk);
    expect(accumulator.complete).to.equal(true);
    expect(accumulator.answer()).to.deep.equal(answer);
  });

  it('is not complete until every choice finished', () => {
    const chunks = replayChunks(answer).filter((c) => c.choices[0]?.finish_reason !== 'tool_calls');
    const accumulator = new StreamAccumulator();
    for (const chunk of chunks) accumulator.observe(chunk);
    expect(accumulator.complete).to.equal(false);
  });
});

describe('pieces', () => {
  it('never splits a surrogate pair and loses nothing', () => {
    const text = '🎉'.repeat(10);
    const split = pieces(text, 3);
    expect(split.join('')).to.equal(text);
    for (const piece of split) expect(piece).to.not.match(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
  });
});
