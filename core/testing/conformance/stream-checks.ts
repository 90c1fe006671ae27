import { deepStrictEqual } from 'node:assert/strict';
import type { ChatCompletionChunk } from '../../types/openai.js';
import { check, pingRequest, type Suite } from './context.js';
import { assertOpenAIShape } from './openai-shapes.js';
import type { ConformanceRunner } from './types.js';

async function collect(chunks: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const all: ChatCompletionChunk[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

/** Shape and order: every chunk valid, one id, nothing after the finish reason but the usage chunk. */
function checkOrder(chunks: ChatCompletionChunk[], usage: boolean): void {
  check(chunks.length > 0, 'the stream yielded no chunks');
  for (const chunk of chunks) assertOpenAIShape('CreateChatCompletionStreamResponse', chunk);
  check(new Set(chunks.map((c) => c.id)).size === 1, 'chunks of one stream must share one id');
  const finishAt = chunks.findIndex((c) => c.choices.some((choice) => choice.finish_reason));
  check(finishAt >= 0, 'no chunk carries a finish_reason');
  const after = chunks.slice(finishAt + 1);
  check(
    after.every((c) => c.choices.length === 0 && c.usage),
    'only the usage chunk may follow the finish reason',
  );
  const usageChunks = chunks.filter((c) => c.usage);
  if (!usage) return check(usageChunks.length === 0, 'a usage chunk came without include_usage');
  check(usageChunks.length === 1 && chunks.at(-1) === usageChunks[0], 'the usage chunk must come once, last');
  check(chunks.at(-1)?.choices.length === 0, 'the usage chunk has choices: []');
  check((chunks.at(-1)?.usage?.total_tokens ?? 0) > 0, 'the usage chunk has no total_tokens');
}

export function streamChecks<O>(t: ConformanceRunner, s: Suite<O>, tools: boolean, usage: boolean): void {
  const streaming = { ...pingRequest, stream: true };
  t.describe('chatStream()', () => {
    t.it('streams valid chunks in order whose text reassembles, ending with a finish reason', async () => {
      s.upstream().enqueue({ type: 'reply', text: 'one two three four' });
      const chunks = await collect((await s.provider().chatStream(streaming, s.call())).chunks);
      checkOrder(chunks, false);
      const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
      check(text === 'one two three four', `the text reassembles to ${JSON.stringify(text)}`);
    });

    if (usage) {
      t.it('ends with one usage chunk (choices: []) when include_usage is set', async () => {
        const request = { ...streaming, stream_options: { include_usage: true } };
        checkOrder(await collect((await s.provider().chatStream(request, s.call())).chunks), true);
      });
    }

    if (!tools) return;
    t.it(
      'streams a tool call: id and name first, arguments that reassemble, finish_reason tool_calls',
      async () => {
        const args = { city: 'Paris', unit: 'celsius', days: [1, 2] };
        s.upstream().enqueue({ type: 'tool-call', name: 'get_weather', arguments: args });
        const request = {
          ...streaming,
          tools: [
            { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } },
          ],
        };
        const chunks = await collect((await s.provider().chatStream(request, s.call())).chunks);
        checkOrder(chunks, false);
        const deltas = chunks
          .flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])
          .filter((d) => d.index === 0);
        check(
          typeof deltas[0]?.id === 'string' && deltas[0].function?.name === 'get_weather',
          'the first tool delta needs id and name',
        );
        deepStrictEqual(JSON.parse(deltas.map((d) => d.function?.arguments ?? '').join('')), args);
        const finish = chunks.flatMap((c) => c.choices).find((choice) => choice.finish_reason)?.finish_reason;
        check(finish === 'tool_calls', `finish_reason is ${finish}`);
      },
    );
  });
}
