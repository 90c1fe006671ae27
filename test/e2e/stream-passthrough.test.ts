/**
 * Chunks from an OpenAI-format upstream travel as the upstream's own text and are parsed only
 * where the gateway must read them (core/stream/stream-chunk.ts). These tests pin down what the
 * client sees: the upstream's bytes where nothing changed a chunk, the gateway's changes where
 * something did, and failures caught even in events nobody parsed.
 */
import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { countTextTokens } from '../../core/metering.js';
import {
  ChatStream,
  defineStage,
  StreamChunk,
  type ChatCompletionChunk,
  type AnyStageFactory,
} from '../../index.js';
import { postChat, readSse, startHarness, type Harness } from '../support/harness.js';

/** An upstream that answers every call with `events` (SSE data payloads), written `split` ways. */
async function rawUpstream(events: () => string[], split = 1): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const text = events()
        .map((data) => `data: ${data}\n\n`)
        .join('');
      const size = Math.ceil(text.length / split);
      let at = 0;
      const next = (): void => {
        if (at >= text.length) return void res.end();
        res.write(text.slice(at, at + size));
        at += size;
        setTimeout(next, 2);
      };
      next();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` };
}

// Spelled the way no JSON.stringify would: spaces, a vendor field first, key order of its own.
const head = '"id": "chatcmpl-raw", "object": "chat.completion.chunk", "created": 1, "model": "up-model"';
const content = (text: string): string =>
  `{"x_vendor": {"region": "eu"}, ${head}, "choices": [{"delta": {"content": ${JSON.stringify(text)}}, "index": 0, "finish_reason": null}]}`;
const finish = `{${head}, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}`;
const usage = `{${head}, "choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}}`;
const WORDS = ['Hello', ' "quoted" ', 'wörld', ' \\ done'];

describe('streaming pass-through of upstream chunks', () => {
  let upstream: { server: Server; url: string };
  let h: Harness;
  let script: () => string[];

  async function start(split: number, stages: AnyStageFactory[] = []): Promise<void> {
    upstream = await rawUpstream(() => script(), split);
    h = await startHarness({
      upstreams: 0,
      stages,
      configure: (config) => ({
        ...config,
        ...(stages.length > 0
          ? { pipeline: ['accounting', ...stages.map((stage) => stage.name), 'policy', 'route'] }
          : {}),
        providers: {
          raw: {
            plugin: 'openai-compatible',
            options: { baseUrl: upstream.url, apiKey: 'sk-raw' },
            models: { 'test-model': { upstreamModel: 'up-model', pricing: { input: 1, output: 2 } } },
          },
        },
      }),
    });
  }

  afterEach(async () => {
    await h.close();
    await new Promise((resolve) => upstream.server.close(resolve));
  });

  for (const split of [1, 7]) {
    it(`sends content chunks byte for byte and decorates the usage chunk (upstream writes: ${split})`, async () => {
      await start(split);
      script = () => [
        '{' +
          head +
          ', "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": null}]}',
        ...WORDS.map(content),
        finish,
        usage,
        '[DONE]',
      ];
      const { data } = await readSse(
        await postChat(h.url, { stream: true, stream_options: { include_usage: true } }),
      );
      expect(data.slice(1, 1 + WORDS.length)).to.deep.equal(WORDS.map(content));
      expect(data[1 + WORDS.length]).to.equal(finish);
      const usageChunk = JSON.parse(data.at(-2) ?? '{}');
      expect(usageChunk.usage).to.include({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
      expect(usageChunk.usage.cost).to.be.a('number').and.greaterThan(0);
      expect(data.at(-1)).to.equal('[DONE]');
    });
  }

  it('hides the usage chunk from a client that did not ask for it', async () => {
    await start(1);
    script = () => [...WORDS.map(content), finish, usage, '[DONE]'];
    const { data } = await readSse(await postChat(h.url, { stream: true }));
    expect(data).to.deep.equal([...WORDS.map(content), finish, '[DONE]']);
  });

  it('counts the unparsed chunks when the upstream reports no usage', async () => {
    await start(3);
    script = () => [...WORDS.map(content), finish, '[DONE]'];
    const { data } = await readSse(
      await postChat(h.url, { stream: true, stream_options: { include_usage: true } }),
    );
    const estimated = JSON.parse(data.at(-2) ?? '{}').usage;
    expect(estimated.estimated).to.equal(true);
    expect(estimated.completion_tokens).to.equal(countTextTokens(WORDS.join(''), 'up-model'));
  });

  for (const [what, bad] of [
    ['an event that is not JSON', 'this is not json'],
    ['an error event', '{"error": {"message": "upstream exploded", "type": "server_error"}}'],
    ['a JSON object without choices', '{"id": "x"}'],
  ]) {
    it(`ends the stream with an error event, never [DONE], on ${what} after the first output`, async () => {
      await start(1);
      script = () => [content('Hello'), content(' there'), bad as string, content('never'), finish, '[DONE]'];
      const { data } = await readSse(await postChat(h.url, { stream: true }));
      expect(data.slice(0, 2)).to.deep.equal([content('Hello'), content(' there')]);
      expect(data).not.to.include('[DONE]');
      expect(JSON.parse(data.at(-1) ?? '{}').error.code).to.equal('SY_ERR_UPSTREAM_STREAM_INTERRUPTED');
    });
  }

  it('lets a stage change chunks with hooks, and another wrap the stream in a generator', async () => {
    const upper = defineStage({
      name: 'upper',
      create: () => async (ctx, next) => {
        await next();
        if (ctx.operation !== 'chat' || !ctx.stream) return;
        ctx.stream = ChatStream.from(ctx.stream).use({
          chunk(piece) {
            const content = piece.chunk.choices[0]?.delta.content;
            if (!content) return piece;
            const changed = structuredClone(piece.chunk);
            (changed.choices[0] as { delta: { content: string } }).delta.content = content.toUpperCase();
            return StreamChunk.of(changed);
          },
        });
      },
    });
    const exclaim = defineStage({
      name: 'exclaim',
      create: () => async (ctx, next) => {
        await next();
        if (ctx.operation !== 'chat' || !ctx.stream) return;
        const inner = ctx.stream;
        // Editing the chunk in place is fine here: what a generator yields is serialised again.
        ctx.stream = (async function* (): AsyncGenerator<ChatCompletionChunk> {
          for await (const chunk of inner) {
            const choice = chunk.choices[0];
            if (choice?.delta.content) choice.delta.content += '!';
            yield chunk;
          }
        })();
      },
    });
    // exclaim runs outside upper: it sees upper's chunks.
    await start(1, [exclaim, upper]);
    script = () => [content('ab'), content('cd'), finish, '[DONE]'];
    const { data } = await readSse(await postChat(h.url, { stream: true }));
    const contents = data.slice(0, 2).map((d) => JSON.parse(d).choices[0].delta.content);
    expect(contents).to.deep.equal(['AB!', 'CD!']);
    expect(JSON.parse(data[0] ?? '{}').x_vendor).to.deep.equal({ region: 'eu' });
    expect(data.at(-1)).to.equal('[DONE]');
  });
});
