import { expect } from 'chai';
import { Ajv } from 'ajv';
import { createSilentLogger } from '../../../core/logger.js';
import { SwitchyardError } from '../../../core/errors/switchyard-error.js';
import type { Provider } from '../../../core/provider.js';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../../../core/types/openai.js';
import { mockPlugin, type MockOptions } from '../../../plugins/providers/mock/index.js';
import { rejection } from '../../support/rejection.js';

const NOW = Date.UTC(2025, 0, 1);

function create(options: MockOptions = {}): Provider {
  return mockPlugin.create(options, { id: 'mocky', logger: createSilentLogger(), now: () => NOW });
}

const call = (signal: AbortSignal = new AbortController().signal) => ({ signal, upstreamModel: 'mock-1' });

const request: ChatCompletionRequest = {
  model: 'catalog-model',
  messages: [
    { role: 'system', content: 'Be brief.' },
    {
      role: 'user',
      content: 'What is the capital of France? Please answer in one word and nothing else at all.',
    },
  ],
};

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string' },
        unit: { enum: ['celsius', 'fahrenheit'] },
        days: { type: 'integer' },
      },
      required: ['city'],
    },
  },
};

async function collect(chunks: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const result: ChatCompletionChunk[] = [];
  for await (const chunk of chunks) result.push(chunk);
  return result;
}

describe('mockPlugin', () => {
  it('declares the contract version, its name and an options schema that checks failWith', () => {
    expect(mockPlugin.apiVersion).to.equal(1);
    expect(mockPlugin.name).to.equal('mock');
    const validate = new Ajv({ strict: false }).compile(mockPlugin.optionsSchema);
    expect(
      validate({ latencyMs: 5, failWith: 'SY_ERR_UPSTREAM_OVERLOADED', failRate: 0.5, seed: 3 }),
    ).to.equal(true);
    expect(validate({ failWith: 'SY_ERR_INTERNAL' })).to.equal(false);
    expect(validate({ failRate: 2 })).to.equal(false);
  });

  describe('chat()', () => {
    it('replies deterministically with the start of the last user message', async () => {
      const first = await create().chat(request, call());
      const second = await create().chat(request, call());
      expect(first.response.choices[0]?.message.content).to.equal(
        'Mock reply to: What is the capital of France? Please answer in one word and',
      );
      expect(second).to.deep.equal(first);
      expect(first.response.model).to.equal('mock-1');
      expect(first.response.created).to.equal(NOW / 1000);
      expect(first.response.choices[0]?.finish_reason).to.equal('stop');
    });

    it('uses the configured reply and estimates usage at about four characters a token', async () => {
      const { response } = await create({ reply: 'x'.repeat(40) }).chat(request, call());
      expect(response.choices[0]?.message.content).to.equal('x'.repeat(40));
      expect(response.usage?.completion_tokens).to.equal(10);
      expect(response.usage?.total_tokens).to.equal(
        (response.usage?.prompt_tokens ?? 0) + (response.usage?.completion_tokens ?? 0),
      );
    });

    it('calls the named or first tool when the request requires one, with arguments from its schema', async () => {
      const required = await create().chat(
        { ...request, tools: [weatherTool], tool_choice: 'required' },
        call(),
      );
      const toolCall = required.response.choices[0]?.message.tool_calls?.[0];
      expect(required.response.choices[0]?.finish_reason).to.equal('tool_calls');
      expect(toolCall?.function.name).to.equal('get_weather');
      expect(JSON.parse(toolCall?.function.arguments ?? '')).to.deep.equal({
        city: 'mock',
        unit: 'celsius',
        days: 0,
      });
      const auto = await create().chat({ ...request, tools: [weatherTool], tool_choice: 'auto' }, call());
      expect(auto.response.choices[0]?.message.tool_calls).to.equal(undefined);
    });

    it('answers json_schema requests with JSON of the schema shape', async () => {
      const { response } = await create().chat(
        {
          ...request,
          response_format: {
            type: 'json_schema',
            json_schema: {
              name: 'a',
              schema: { type: 'object', properties: { answer: { type: 'string' } } },
            },
          },
        },
        call(),
      );
      expect(JSON.parse(response.choices[0]?.message.content ?? '')).to.deep.equal({ answer: 'mock' });
    });

    it('warns that n > 1 is not honoured instead of ignoring it silently', async () => {
      const result = await create().chat({ ...request, n: 3 }, call());
      expect(result.warnings).to.have.length(1);
    });

    it('fails every call with failWith, as a retryable-or-not SwitchyardError naming the provider', async () => {
      const provider = create({ failWith: 'SY_ERR_UPSTREAM_RATE_LIMITED' });
      for (let i = 0; i < 3; i++) {
        const error = await rejection(provider.chat(request, call()));
        expect(SwitchyardError.isInstance(error) && error.code).to.equal('SY_ERR_UPSTREAM_RATE_LIMITED');
        expect(SwitchyardError.isInstance(error) && error.provider).to.equal('mocky');
        expect(SwitchyardError.isInstance(error) && error.retryable).to.equal(true);
      }
      const badRequest = await rejection(
        create({ failWith: 'SY_ERR_UPSTREAM_BAD_REQUEST' }).chat(request, call()),
      );
      expect(SwitchyardError.isInstance(badRequest) && badRequest.retryable).to.equal(false);
    });

    it('fails the same share of calls in the same order for the same seed', async () => {
      const pattern = async (seed: number) => {
        const provider = create({ failRate: 0.3, seed, failWith: 'SY_ERR_UPSTREAM_OVERLOADED' });
        const outcomes: boolean[] = [];
        for (let i = 0; i < 200; i++)
          outcomes.push(
            await provider.chat(request, call()).then(
              () => true,
              () => false,
            ),
          );
        return outcomes;
      };
      const first = await pattern(42);
      expect(await pattern(42)).to.deep.equal(first);
      expect(await pattern(43)).not.to.deep.equal(first);
      const failures = first.filter((ok) => !ok).length;
      expect(failures).to.be.within(40, 80);
    });

    it('waits latencyMs before answering', async () => {
      const started = Date.now();
      await create({ latencyMs: 60 }).chat(request, call());
      expect(Date.now() - started).to.be.at.least(55);
    });

    it('rejects promptly with the signal reason when aborted', async () => {
      const controller = new AbortController();
      const pending = create({ latencyMs: 5000 }).chat(request, call(controller.signal));
      const reason = new Error('gone');
      const started = Date.now();
      setTimeout(() => controller.abort(reason), 10);
      expect(await rejection(pending)).to.equal(reason);
      expect(Date.now() - started).to.be.lessThan(100);
    });
  });

  describe('chatStream()', () => {
    it('streams the same text word by word in the OpenAI chunk shape', async () => {
      const provider = create({ reply: 'One two three' });
      const chunks = await collect((await provider.chatStream(request, call())).chunks);
      expect(chunks[0]?.choices[0]?.delta).to.deep.include({ role: 'assistant', content: '' });
      expect(chunks.slice(1, -1).map((chunk) => chunk.choices[0]?.delta.content)).to.deep.equal([
        'One',
        ' two',
        ' three',
      ]);
      expect(chunks.at(-1)?.choices[0]).to.deep.include({ delta: {}, finish_reason: 'stop' });
      expect(
        chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && !('usage' in chunk)),
      ).to.equal(true);
    });

    it('ends with a usage chunk with no choices when include_usage is set', async () => {
      const chunks = await collect(
        (await create().chatStream({ ...request, stream_options: { include_usage: true } }, call())).chunks,
      );
      const last = chunks.at(-1);
      expect(last?.choices).to.deep.equal([]);
      expect(last?.usage?.total_tokens).to.be.greaterThan(0);
      expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).to.equal(true);
    });

    it('streams a required tool call as argument fragments that reassemble', async () => {
      const body = {
        ...request,
        tools: [weatherTool],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
      };
      const chunks = await collect((await create().chatStream(body, call())).chunks);
      const deltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
      const complete = await create().chat(body, call());
      expect(deltas[0]).to.deep.include({ index: 0, type: 'function' });
      expect(deltas.length).to.be.greaterThan(3);
      expect(deltas.map((delta) => delta.function?.arguments ?? '').join('')).to.equal(
        complete.response.choices[0]?.message.tool_calls?.[0]?.function.arguments,
      );
      expect(chunks.at(-1)?.choices[0]?.finish_reason).to.equal('tool_calls');
    });

    it('spaces chunks by chunkDelayMs', async () => {
      const started = Date.now();
      await collect(
        (await create({ reply: 'a b c d', chunkDelayMs: 20 }).chatStream(request, call())).chunks,
      );
      // Six chunks: role, four words, finish; five gaps.
      expect(Date.now() - started).to.be.at.least(95);
    });

    it('stops streaming and rejects with the signal reason when aborted', async () => {
      const controller = new AbortController();
      const { chunks } = await create({ reply: 'a b c d e f', chunkDelayMs: 1000 }).chatStream(
        request,
        call(controller.signal),
      );
      const iterator = chunks[Symbol.asyncIterator]();
      await iterator.next();
      const pending = iterator.next();
      const reason = new Error('client left');
      const started = Date.now();
      controller.abort(reason);
      expect(await rejection(pending)).to.equal(reason);
      expect(Date.now() - started).to.be.lessThan(100);
      expect(await iterator.next()).to.deep.equal({ done: true, value: undefined });
    });
  });

  describe('embeddings()', () => {
    it('returns one deterministic unit vector per input', async () => {
      const provider = create({ embeddingDimensions: 16 });
      const response = await provider.embeddings?.({ model: 'e', input: ['a', 'b', 'a'] }, call());
      const [a, b, again] = response?.data.map((item) => item.embedding as number[]) ?? [];
      expect(a).to.have.length(16);
      expect(again).to.deep.equal(a);
      expect(b).not.to.deep.equal(a);
      expect(Math.hypot(...(a ?? []))).to.be.closeTo(1, 1e-9);
      expect(response?.usage.prompt_tokens).to.equal(3);
    });

    it('honours dimensions and base64 encoding', async () => {
      const response = await create().embeddings?.(
        { model: 'e', input: 'hello', dimensions: 4, encoding_format: 'base64' },
        call(),
      );
      const embedding = response?.data[0]?.embedding;
      expect(embedding).to.be.a('string');
      expect(Buffer.from(String(embedding), 'base64').length).to.equal(16);
    });
  });
});
