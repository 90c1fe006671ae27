import { expect } from 'chai';
import { encode as cl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { encode as o200k } from 'gpt-tokenizer/encoding/o200k_base';
import {
  answerUsage,
  countPromptTokens,
  countTextTokens,
  encodingFor,
  reportedAnswerUsage,
  estimatePromptTokens,
  StreamMeter,
} from '../../core/metering.js';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '../../core/types/openai.js';

/** Text the two encodings and the byte estimate all count differently. */
const TEXT = 'Tokenizers split naïve café prose, 東京の天気, and snake_case_identifiers differently.';
const asText = { disallowedSpecial: new Set<string>() };
const byteEstimate = (text: string) => Math.ceil(Buffer.byteLength(text) / 4);

const request = (
  messages: ChatCompletionRequest['messages'],
  model = 'gpt-4o-mini',
): ChatCompletionRequest => ({
  model,
  messages,
});

function completion(model: string, content: string, usage?: ChatCompletion['usage']): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 0,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    ...(usage ? { usage } : {}),
  } as ChatCompletion;
}

function chunk(model: string, content: string): ChatCompletionChunk {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 0,
    model,
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  } as ChatCompletionChunk;
}

describe('metering', () => {
  it('guards its own premise: the encodings and the byte estimate disagree on the sample text', () => {
    const counts = new Set([o200k(TEXT).length, cl100k(TEXT).length, byteEstimate(TEXT)]);
    expect(counts.size).to.equal(3);
  });

  describe('encodingFor', () => {
    it('picks o200k_base for the GPT-4o, GPT-4.1, GPT-5, o-series and gpt-oss families', () => {
      for (const model of [
        'gpt-4o',
        'gpt-4o-mini-2024-07-18',
        'openai/gpt-4.1',
        'gpt-5-nano',
        'o1',
        'o3-mini',
        'o4-mini',
        'gpt-oss-20b',
      ])
        expect(encodingFor(model), model).to.equal('o200k_base');
    });

    it('picks cl100k_base for older OpenAI models, other vendors and an unknown model', () => {
      for (const model of [
        'gpt-4',
        'gpt-4-turbo',
        'gpt-3.5-turbo',
        'claude-sonnet-4',
        'llama3',
        'ollama-7b',
        'omega',
        undefined,
      ])
        expect(encodingFor(model), String(model)).to.equal('cl100k_base');
    });
  });

  describe('countTextTokens', () => {
    it("counts with the model's real tokenizer", () => {
      expect(countTextTokens(TEXT, 'gpt-4o')).to.equal(o200k(TEXT).length);
      expect(countTextTokens(TEXT, 'gpt-4')).to.equal(cl100k(TEXT).length);
      expect(countTextTokens('', 'gpt-4o')).to.equal(0);
    });

    it('counts special-token markup in user text as plain text instead of throwing', () => {
      const text = 'ignore <|endoftext|> this';
      expect(countTextTokens(text, 'gpt-4o')).to.equal(o200k(text, asText).length);
    });
  });

  describe('countPromptTokens', () => {
    it('adds 4 per message, 1 plus the name per name, and 3 for the priming to the tokens of the text', () => {
      const messages: ChatCompletionRequest['messages'] = [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: TEXT, name: 'ada_lovelace' },
      ];
      const expected =
        3 +
        (4 + o200k('You are terse.').length) +
        (4 + o200k(TEXT).length) +
        1 +
        o200k('ada_lovelace').length;
      expect(countPromptTokens(request(messages), 'gpt-4o')).to.equal(expected);
    });

    it('counts text parts and 85 per image in array content', () => {
      const messages = [
        {
          role: 'user',
          content: [
            { type: 'text', text: TEXT },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          ],
        },
      ] as ChatCompletionRequest['messages'];
      expect(countPromptTokens(request(messages), 'gpt-4')).to.equal(3 + 4 + cl100k(TEXT).length + 85);
    });
  });

  describe('estimatePromptTokens (the cheap admission estimate)', () => {
    it('stays a quarter of the UTF-8 bytes plus the same message overhead, without a tokenizer', () => {
      const messages: ChatCompletionRequest['messages'] = [{ role: 'user', content: TEXT }];
      expect(estimatePromptTokens(request(messages))).to.equal(3 + 4 + byteEstimate(TEXT));
    });
  });

  describe('answerUsage', () => {
    const prompt = request([{ role: 'user', content: TEXT }], 'alias-of-the-client');

    it("counts an answer without usage with the answering model's tokenizer and marks it estimated", async () => {
      const usage = await answerUsage(prompt, completion('gpt-4o-mini', TEXT), { input: 1, output: 2 });
      expect(usage).to.include({
        promptTokens: 3 + 4 + o200k(TEXT).length,
        completionTokens: o200k(TEXT).length,
        estimated: true,
      });
      expect(usage?.costUsd).to.be.closeTo(
        ((7 + o200k(TEXT).length) * 1 + o200k(TEXT).length * 2) / 1e6,
        1e-12,
      );
    });

    it('counts in the worker what countPromptTokens counts in the thread: names, parts, images, tools', async () => {
      const messages = [
        { role: 'system', content: 'You are terse. <|endoftext|> is text here.' },
        {
          role: 'user',
          name: 'ada_lovelace',
          content: [
            { type: 'text', text: TEXT },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
            { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '' },
      ] as ChatCompletionRequest['messages'];
      const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }];
      for (const model of ['gpt-4o', 'gpt-4']) {
        const chat = { ...request(messages, model), tools } as ChatCompletionRequest;
        const usage = await answerUsage(chat, completion(model, TEXT), undefined);
        expect(usage?.promptTokens, model).to.equal(countPromptTokens(chat, model));
        expect(usage?.completionTokens, model).to.equal(countTextTokens(TEXT, model));
      }
      const embeddings = { model: 'text-embedding-3-small', input: [TEXT, '', 'two'] };
      const embedded = await answerUsage(embeddings, { model: 'text-embedding-3-small' }, undefined);
      expect(embedded).to.include({ promptTokens: countPromptTokens(embeddings, 'x'), completionTokens: 0 });
    });

    it('keeps the usage a provider reported, not estimated', async () => {
      const reported = { prompt_tokens: 11, completion_tokens: 22, total_tokens: 33 };
      const usage = await answerUsage(prompt, completion('gpt-4o-mini', TEXT, reported), undefined);
      expect(usage).to.include({ promptTokens: 11, completionTokens: 22 });
      expect(usage?.estimated).to.not.equal(true);
    });

    it('hands reported usage over synchronously, and nothing for an answer without usage', () => {
      const reported = { prompt_tokens: 11, completion_tokens: 22, total_tokens: 33 };
      const usage = reportedAnswerUsage(completion('gpt-4o-mini', TEXT, reported), { input: 1, output: 2 });
      expect(usage).to.include({ promptTokens: 11, completionTokens: 22 });
      expect(usage?.costUsd).to.be.closeTo((11 * 1 + 22 * 2) / 1e6, 1e-12);
      expect(reportedAnswerUsage(completion('gpt-4o-mini', TEXT), undefined)).to.equal(undefined);
    });
  });

  describe('StreamMeter', () => {
    it('counts the joined streamed text with the tokenizer of the model the chunks name', async () => {
      const meter = new StreamMeter(() => 0);
      const pieces = [
        'Tokenizers split na',
        'ïve café prose, 東',
        '京の天気, and snake_case_identifiers differently.',
      ];
      for (const piece of pieces) meter.observe(chunk('gpt-4', piece));
      const usage = await meter.usage(request([{ role: 'user', content: TEXT }], 'alias'), undefined);
      expect(meter.text).to.equal(TEXT);
      expect(usage).to.include({
        promptTokens: 3 + 4 + cl100k(TEXT).length,
        completionTokens: cl100k(TEXT).length,
        estimated: true,
      });
    });
  });
});
