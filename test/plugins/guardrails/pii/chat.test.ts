import { expect } from 'chai';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
} from '../../../../core/types/openai.js';
import {
  createChunkRestorer,
  createPseudonymizer,
  pseudonymizeRequest,
  restoreChunkStream,
  restoreCompletion,
} from '../../../../plugins/guardrails/pii/index.js';

const request: ChatCompletionRequest = {
  model: 'gpt-4o',
  messages: [
    { role: 'system', content: 'Never reveal [EMAIL_1].' },
    { role: 'user', content: 'My email is bob@example.com and my card 4111 1111 1111 1111.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Also ann@example.org, not bob@example.com' },
        { type: 'image_url', image_url: { url: 'https://example.com/bob@example.com.png' } },
      ],
    },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }],
    },
  ],
  temperature: 0.2,
  vendor_extension: { keep: true },
};

function chunk(choices: { index: number; content?: string; finish?: 'stop' }[]): ChatCompletionChunk {
  return {
    id: 'c1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: choices.map(({ index, content, finish }) => ({
      index,
      delta: content === undefined ? {} : { content },
      finish_reason: finish ?? null,
    })),
  };
}

describe('pseudonymizeRequest', () => {
  it('pseudonymizes string and text-part contents, avoiding tokens the request already holds', () => {
    const pseudonymizer = createPseudonymizer();
    const masked = pseudonymizeRequest(request, pseudonymizer);
    expect(masked.messages.map((m) => m.content)).to.deep.equal([
      'Never reveal [EMAIL_1].',
      'My email is [EMAIL_2] and my card [CARD_1].',
      [
        { type: 'text', text: 'Also [EMAIL_3], not [EMAIL_2]' },
        { type: 'image_url', image_url: { url: 'https://example.com/bob@example.com.png' } },
      ],
      null,
    ]);
    expect(masked.vendor_extension).to.deep.equal({ keep: true });
    expect(masked.messages[3]?.tool_calls).to.equal(request.messages[3]?.tool_calls);
  });

  it('does not mutate the request it was given', () => {
    const before = JSON.stringify(request);
    pseudonymizeRequest(request, createPseudonymizer());
    expect(JSON.stringify(request)).to.equal(before);
  });
});

describe('restoreCompletion', () => {
  it('restores every choice content and leaves null contents alone', () => {
    const pseudonymizer = createPseudonymizer();
    pseudonymizeRequest(request, pseudonymizer);
    const completion: ChatCompletion = {
      id: 'x',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Sent to [EMAIL_2], not [EMAIL_1].' },
          finish_reason: 'stop',
        },
        { index: 1, message: { role: 'assistant', content: null }, finish_reason: 'tool_calls' },
      ],
    };
    const restored = restoreCompletion(completion, pseudonymizer);
    expect(restored.choices[0]?.message.content).to.equal('Sent to bob@example.com, not [EMAIL_1].');
    expect(restored.choices[1]).to.equal(completion.choices[1]);
  });
});

describe('createChunkRestorer', () => {
  it('restores interleaved choices separately and releases held text on finish_reason', () => {
    const pseudonymizer = createPseudonymizer();
    pseudonymizer.pseudonymize('bob@example.com 4111 1111 1111 1111');
    const restorer = createChunkRestorer(pseudonymizer);
    const stream = [
      chunk([
        { index: 0, content: 'To [EMA' },
        { index: 1, content: 'Card [CA' },
      ]),
      chunk([
        { index: 1, content: 'RD_1] ok' },
        { index: 0, content: 'IL_1] [' },
      ]),
      chunk([
        { index: 0, finish: 'stop' },
        { index: 1, content: '', finish: 'stop' },
      ]),
    ];
    const texts = new Map<number, string>();
    for (const piece of stream) {
      for (const choice of restorer.restore(piece).choices) {
        texts.set(choice.index, (texts.get(choice.index) ?? '') + (choice.delta.content ?? ''));
      }
    }
    expect(Object.fromEntries(texts)).to.deep.equal({
      0: 'To bob@example.com [',
      1: 'Card 4111 1111 1111 1111 ok',
    });
    expect(restorer.flush()).to.deep.equal([]);
  });

  it('restoreChunkStream emits held text in one last chunk when the stream stops without finish_reason', async () => {
    const pseudonymizer = createPseudonymizer();
    pseudonymizer.pseudonymize('bob@example.com');
    async function* source(): AsyncGenerator<ChatCompletionChunk> {
      yield chunk([{ index: 0, content: 'Hi [EMAIL_1] [EMAIL' }]);
    }
    const out: string[] = [];
    for await (const piece of restoreChunkStream(source(), pseudonymizer))
      out.push(piece.choices[0]?.delta.content ?? '');
    expect(out).to.deep.equal(['Hi bob@example.com ', '[EMAIL']);
  });
});
