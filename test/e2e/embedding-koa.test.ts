import { bodyParser } from '@koa/bodyparser';
import { expect } from 'chai';
import Koa from 'koa';
import koaBodyParser from 'koa-bodyparser';
import OpenAI from 'openai';
import { createGateway, createSilentLogger, type Gateway } from '../../index.js';
import { serve, type Served } from '../support/embedding.js';

const config = {
  providers: { mock: { plugin: 'mock', models: { 'mock-small': {} } } },
  auth: { keys: [{ key: 'sy-koa-key-1234567890', team: 'blue' }] },
};

const parsers: [string, Koa.Middleware | undefined][] = [
  ['no body parser', undefined],
  ['@koa/bodyparser', bodyParser() as unknown as Koa.Middleware],
  ['koa-bodyparser', koaBodyParser() as unknown as Koa.Middleware],
];

describe('gateway.koa() in a host Koa app', () => {
  let gateway: Gateway;
  before(async () => {
    gateway = await createGateway(config, {
      logger: createSilentLogger(),
      // The host's session says who is calling; Switchyard's keys are the fallback.
      identify: ({ host }) => {
        if (host?.kind !== 'koa') return undefined;
        const user = host.ctx.state.user as { name: string; team: string } | undefined;
        return user && { id: user.name, team: user.team, labels: { via: 'session' } };
      },
    });
  });
  after(() => gateway.close());

  /** A host app: its own state, error handler, session auth and routes around the gateway. */
  function hostApp(parser: Koa.Middleware | undefined, seen: string[]): Koa {
    const app = new Koa();
    app.silent = true;
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch (error) {
        ctx.status = 500;
        ctx.body = { hostError: (error as Error).message };
      }
    });
    app.use(async (ctx, next) => {
      ctx.state.hostMarker = 'kept';
      if (ctx.get('x-session') === 'alice') ctx.state.user = { name: 'alice', team: 'red' };
      await next();
      seen.push(`${ctx.path} ${ctx.status} ${String(ctx.state.hostMarker)}`);
    });
    if (parser) app.use(parser);
    app.use(gateway.koa({ prefix: '/llm' }));
    app.use(async (ctx) => {
      if (ctx.path === '/boom') throw new Error('host failure');
      ctx.body = { host: ctx.path, parsed: (ctx.request as { body?: unknown }).body ?? null };
    });
    return app;
  }

  for (const [name, parser] of parsers) {
    describe(`with ${name}`, () => {
      let app: Served;
      const seen: string[] = [];
      before(async () => (app = await serve(hostApp(parser, seen).callback())));
      after(() => app.close());

      it('serves the OpenAI SDK under /llm, JSON and streams', async () => {
        const client = new OpenAI({
          baseURL: `${app.url}/llm/v1`,
          apiKey: 'sy-koa-key-1234567890',
          maxRetries: 0,
        });
        const completion = await client.chat.completions.create({
          model: 'mock-small',
          messages: [{ role: 'user', content: 'hello koa' }],
        });
        expect(completion.choices[0]?.message.content).to.include('hello koa');
        const stream = await client.chat.completions.create({
          model: 'mock-small',
          stream: true,
          messages: [{ role: 'user', content: 'stream koa' }],
        });
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        expect(text).to.include('stream koa');
      });

      it('leaves the host’s routes, error handler and context untouched', async () => {
        const other = await fetch(`${app.url}/other`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ a: 1 }),
        });
        const body = (await other.json()) as { host: string; parsed: unknown };
        expect(body.host).to.equal('/other');
        if (parser) expect(body.parsed).to.deep.equal({ a: 1 });
        const boom = await fetch(`${app.url}/boom`);
        expect(boom.status).to.equal(500);
        expect(await boom.json()).to.deep.equal({ hostError: 'host failure' });
        expect(seen.some((line) => line.startsWith('/llm/v1/chat/completions 200 kept'))).to.equal(true);
      });

      it('answers its own errors in the OpenAI shape, inside the prefix only', async () => {
        const bad = await fetch(`${app.url}/llm/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer sy-koa-key-1234567890' },
          body: JSON.stringify({ model: 'mock-small' }),
        });
        expect(bad.status).to.equal(400);
        expect(await bad.json()).to.have.nested.property('error.type', 'invalid_request_error');
      });

      it('takes the caller from the host’s session through identify({ host })', async () => {
        const post = (headers: Record<string, string>) =>
          fetch(`${app.url}/llm/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: JSON.stringify({ model: 'mock-small', messages: [{ role: 'user', content: 'who' }] }),
          });
        expect((await post({})).status).to.equal(401);
        const callers: (string | undefined)[] = [];
        const listener = (event: { caller: { team?: string } | undefined }) =>
          callers.push(event.caller?.team);
        gateway.on('response', listener);
        try {
          expect((await post({ 'x-session': 'alice' })).status).to.equal(200);
        } finally {
          gateway.off('response', listener);
        }
        expect(callers).to.deep.equal(['red']);
      });
    });
  }
});
