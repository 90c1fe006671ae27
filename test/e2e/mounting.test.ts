import { expect } from 'chai';
import Koa from 'koa';
import OpenAI from 'openai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGateway, createSilentLogger, type Gateway } from '../../index.js';

const config = {
  providers: { mock: { plugin: 'mock', models: { 'mock-small': {} } } },
  auth: { keys: [{ key: 'sy-test-key-123456', team: 'blue' }] },
};

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('mounting the gateway', () => {
  let gateway: Gateway;
  before(async () => (gateway = await createGateway(config, { logger: createSilentLogger() })));
  after(() => gateway.close());

  it('mounts under a prefix in a host Koa app, leaving the host’s routes alone', async () => {
    const app = new Koa();
    app.use(gateway.koa({ prefix: '/llm' }));
    app.use(async (ctx) => {
      ctx.body = { host: ctx.path };
    });
    const { server, url } = await serve(app.callback());
    try {
      const client = new OpenAI({ baseURL: `${url}/llm/v1`, apiKey: 'sy-test-key-123456', maxRetries: 0 });
      const completion = await client.chat.completions.create({
        model: 'mock-small',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(completion.choices[0]?.message.content).to.include('hi');
      expect(await (await fetch(`${url}/other`)).json()).to.deep.equal({ host: '/other' });
    } finally {
      server.close();
    }
  });

  it('serves as a plain Node (req, res) handler', async () => {
    const { server, url } = await serve(gateway.handler);
    try {
      const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sy-test-key-123456', maxRetries: 0 });
      const stream = await client.chat.completions.create({
        model: 'mock-small',
        stream: true,
        messages: [{ role: 'user', content: 'yo' }],
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      expect(text).to.include('yo');
    } finally {
      server.close();
    }
  });

  it('answers a missing or wrong key with 401 AuthenticationError, the same message either way', async () => {
    const { server, url } = await serve(gateway.handler);
    try {
      const messages: string[] = [];
      for (const apiKey of ['sy-wrong-key-000000', 'sy-test-key-12345']) {
        const client = new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });
        const error = await client.chat.completions
          .create({ model: 'mock-small', messages: [{ role: 'user', content: 'x' }] })
          .catch((e: unknown) => e);
        expect(error).to.be.instanceOf(OpenAI.AuthenticationError);
        messages.push((error as Error).message);
      }
      expect(messages[0]).to.equal(messages[1]);
      const missing = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'mock-small', messages: [{ role: 'user', content: 'x' }] }),
      });
      expect(missing.status).to.equal(401);
    } finally {
      server.close();
    }
  });
});
