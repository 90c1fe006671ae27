import { expect } from 'chai';
import compression from 'compression';
import express5 from 'express';
import express4 from 'express4';
import type { IncomingMessage } from 'node:http';
import OpenAI from 'openai';
import {
  createGateway,
  createSilentLogger,
  type Caller,
  type Gateway,
  type GatewayEventMap,
} from '../../index.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../../core/testing/index.js';
import { upstreamProvider } from '../support/harness.js';
import {
  disconnectOnFirstData,
  serve,
  streamArrivals,
  upstreamAbortSeen,
  type Served,
} from '../support/embedding.js';

const KEY = 'sy-express-key-123456';

type HostRequest = IncomingMessage & { user?: { name: string; team: string } };

for (const [version, express] of [
  ['Express 4', express4],
  ['Express 5', express5],
] as const) {
  describe(`gateway.express() in ${version}`, () => {
    let upstream: MockOpenAIUpstream;
    let gateway: Gateway;
    let app: Served;
    let responses: GatewayEventMap['response'][];

    before(async () => {
      upstream = await startMockOpenAIUpstream({ record: true });
      gateway = await createGateway(
        {
          providers: { up: upstreamProvider(upstream) },
          auth: { keys: [{ key: KEY, team: 'blue' }] },
        },
        {
          logger: createSilentLogger(),
          identify: ({ host }) => {
            if (host?.kind !== 'express') return undefined;
            const user = (host.req as HostRequest).user;
            return user ? ({ id: user.name, team: user.team, labels: {} } satisfies Caller) : undefined;
          },
        },
      );
      gateway.on('response', (event) => responses.push(event));
      const host = express();
      host.use(compression());
      host.use(express.json());
      host.use((req, _res, next) => {
        if (req.headers['x-session'] === 'alice') (req as HostRequest).user = { name: 'alice', team: 'red' };
        next();
      });
      host.get('/hello', (_req, res) => {
        res.json({ host: true });
      });
      host.use('/llm', gateway.express());
      host.use((_req, res) => {
        res.status(404).json({ host404: true });
      });
      app = await serve(host);
    });
    after(async () => {
      await app.close();
      await gateway.close();
      await upstream.close();
    });
    beforeEach(() => {
      upstream.reset();
      responses = [];
    });

    it('serves the OpenAI SDK under /llm after express.json() consumed the body', async () => {
      const client = new OpenAI({ baseURL: `${app.url}/llm/v1`, apiKey: KEY, maxRetries: 0 });
      const completion = await client.chat.completions.create({
        model: 'test-model',
        messages: [{ role: 'user', content: 'hello express' }],
      });
      expect(completion.choices[0]?.message.content).to.be.a('string').with.length.above(0);
      expect(upstream.requests[0]?.body).to.have.nested.property('messages[0].content', 'hello express');
      const models = await client.models.list();
      expect(models.data.map((m) => m.id)).to.include('test-model');
    });

    it('leaves the host’s own routes and its 404 alone', async () => {
      expect(await (await fetch(`${app.url}/hello`)).json()).to.deep.equal({ host: true });
      const missing = await fetch(`${app.url}/llm/not-ours`);
      expect(missing.status).to.equal(404);
      expect(await missing.json()).to.deep.equal({ host404: true });
    });

    it('takes the caller from the host’s session through identify({ host })', async () => {
      const anonymous = await fetch(`${app.url}/llm/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content: 'x' }] }),
      });
      expect(anonymous.status).to.equal(401);
      const alice = await fetch(`${app.url}/llm/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-session': 'alice' },
        body: JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content: 'x' }] }),
      });
      expect(alice.status).to.equal(200);
      const last = responses.at(-1);
      expect(last?.caller).to.include({ id: 'alice', team: 'red' });
      expect(last?.outcome).to.equal('ok');
    });

    it('streams chunk by chunk through compression()', async () => {
      upstream.enqueue({ replyChunks: ['one ', 'two ', 'three ', 'four ', 'five'], chunkDelayMs: 120 });
      const { status, times, text } = await streamArrivals(
        `${app.url}/llm/v1/chat/completions`,
        { model: 'test-model', stream: true, messages: [{ role: 'user', content: 'count' }] },
        { authorization: `Bearer ${KEY}`, 'accept-encoding': 'gzip' },
      );
      expect(status).to.equal(200);
      expect(text).to.include('data: [DONE]');
      const first = times[0] ?? 0;
      // Buffered, every piece would arrive at once at the end; flushed, they spread over ~500 ms.
      expect((times.at(-1) ?? 0) - first).to.be.at.least(300);
      expect(times.filter((t) => t - first < 200).length).to.be.below(times.length);
    });

    it('cancels the upstream call when the client disconnects mid-stream', async () => {
      upstream.enqueue({ reply: Array.from({ length: 100 }, (_, i) => `w${i}`).join(' '), chunkDelayMs: 40 });
      const closedAt = await disconnectOnFirstData(
        `${app.url}/llm/v1/chat/completions`,
        { model: 'test-model', stream: true, messages: [{ role: 'user', content: 'long' }] },
        { authorization: `Bearer ${KEY}` },
      );
      const seen = await upstreamAbortSeen(upstream.requests);
      expect((seen.abortedAt ?? Infinity) - closedAt).to.be.below(200);
    });
  });
}
