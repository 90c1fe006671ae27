/**
 * A Koa app with its own session login that embeds Switchyard under /llm. The app's session says
 * who is calling; `identify` maps the user to a Switchyard caller with their team, so budgets,
 * limits, policies and the audit ledger see the app's users, not API keys.
 *
 *   node --import tsx examples/koa-app/server.ts
 *   curl -c jar -d '{"user":"alice"}' -H 'content-type: application/json' localhost:3000/login
 *   curl -b jar -H 'content-type: application/json' localhost:3000/llm/v1/chat/completions \
 *     -d '{"model":"mock-small","messages":[{"role":"user","content":"hi"}]}'
 */
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createGateway, createSilentLogger, type Caller, type Logger } from '../../index.js';

/** The app's own users and the team each belongs to. */
const USERS: Record<string, { team: string }> = { alice: { team: 'research' }, bob: { team: 'support' } };

export async function start(options: { port?: number; logger?: Logger } = {}) {
  const gateway = await createGateway(
    {
      providers: {
        mock: { plugin: 'mock', models: { 'mock-small': { pricing: { input: 0.1, output: 0.4 } } } },
      },
      // Without a session there is no caller: refuse rather than serve anonymously.
      auth: { required: true },
      budgets: { teams: { day: 5 } },
    },
    {
      logger: options.logger ?? createSilentLogger(),
      identify: ({ host }): Caller | undefined => {
        if (host?.kind !== 'koa') return undefined;
        const user = host.ctx.state.user as string | undefined;
        const team = user === undefined ? undefined : USERS[user]?.team;
        return user && team ? { id: user, user, team, labels: { app: 'koa-example' } } : undefined;
      },
    },
  );

  const sessions = new Map<string, string>();
  const app = new Koa();
  app.use(bodyParser());
  // The app's session middleware: a cookie naming a session made by POST /login.
  app.use(async (ctx, next) => {
    const user = sessions.get(ctx.cookies.get('sid') ?? '');
    if (user) ctx.state.user = user;
    await next();
  });
  app.use(gateway.koa({ prefix: '/llm' }));
  app.use(async (ctx) => {
    if (ctx.method === 'POST' && ctx.path === '/login') {
      const user = (ctx.request.body as { user?: string } | undefined)?.user;
      if (!user || !USERS[user]) return ctx.throw(401, 'unknown user');
      const sid = randomUUID();
      sessions.set(sid, user);
      ctx.cookies.set('sid', sid, { httpOnly: true });
      ctx.body = { user, team: USERS[user]?.team };
    } else if (ctx.path === '/me') {
      ctx.body = { user: ctx.state.user ?? null };
    } else {
      ctx.status = 404;
      ctx.body = { error: 'not found' };
    }
  });

  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    gateway,
    async close() {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { url } = await start({ port: Number(process.env.PORT ?? 3000) });
  console.log(`Koa app on ${url}; the gateway is at ${url}/llm/v1`);
}
