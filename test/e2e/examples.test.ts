import { expect } from 'chai';
import OpenAI from 'openai';
import { start as startExpressApp } from '../../examples/express-app/server.js';
import { run as runInProcess, start as startInProcess } from '../../examples/in-process/main.js';
import { start as startKoaApp } from '../../examples/koa-app/server.js';

describe('examples/koa-app', () => {
  let app: Awaited<ReturnType<typeof startKoaApp>>;
  before(async () => (app = await startKoaApp()));
  after(() => app.close());

  it('serves the OpenAI SDK under /llm for a logged-in user, with the user’s team', async () => {
    const login = await fetch(`${app.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'alice' }),
    });
    expect(login.status).to.equal(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).to.match(/^sid=/);
    const teams: (string | undefined)[] = [];
    app.gateway.on('response', (event) => teams.push(event.caller?.team));
    const client = new OpenAI({
      baseURL: `${app.url}/llm/v1`,
      apiKey: 'unused',
      defaultHeaders: { cookie },
      maxRetries: 0,
    });
    const completion = await client.chat.completions.create({
      model: 'mock-small',
      messages: [{ role: 'user', content: 'hello from koa' }],
    });
    expect(completion.choices[0]?.message.content).to.include('hello from koa');
    expect(teams).to.deep.equal(['research']);
    expect(await (await fetch(`${app.url}/me`, { headers: { cookie } })).json()).to.deep.equal({
      user: 'alice',
    });
  });

  it('refuses a request without a session with 401', async () => {
    const client = new OpenAI({ baseURL: `${app.url}/llm/v1`, apiKey: 'unused', maxRetries: 0 });
    const error = await client.chat.completions
      .create({ model: 'mock-small', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(OpenAI.AuthenticationError);
  });
});

describe('examples/express-app', () => {
  let app: Awaited<ReturnType<typeof startExpressApp>>;
  before(async () => (app = await startExpressApp()));
  after(() => app.close());

  it('streams to the OpenAI SDK under /llm and tallies spend per team from usage events', async () => {
    const client = new OpenAI({
      baseURL: `${app.url}/llm/v1`,
      apiKey: 'unused',
      defaultHeaders: { 'x-user': 'bob' },
      maxRetries: 0,
    });
    const stream = await client.chat.completions.create({
      model: 'mock-small',
      stream: true,
      messages: [{ role: 'user', content: 'hello from express' }],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).to.include('hello from express');
    const spend = (await (await fetch(`${app.url}/spend`)).json()) as Record<string, number>;
    expect(spend.support).to.be.above(0);
    expect((await fetch(`${app.url}/elsewhere`)).status).to.equal(404);
  });
});

describe('examples/in-process', () => {
  it('answers through the fallback under the price ceiling, and streams', async () => {
    const { router, close } = await startInProcess();
    try {
      const result = await runInProcess(router);
      expect(result.model).to.equal('mock-small');
      expect(result.summary).to.include('overnight alerts');
      expect(result.streamed).to.include('haiku');
    } finally {
      await close();
    }
  });
});
