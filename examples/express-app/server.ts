/**
 * An Express app that parses JSON bodies itself (express.json()) and mounts Switchyard under
 * /llm. Works the same with Express 4 and 5. The app's own auth (here a header standing in for
 * a real session or JWT check) sets `req.user`; `identify` turns it into the caller.
 *
 *   node --import tsx examples/express-app/server.ts
 *   curl -H 'x-user: alice' -H 'content-type: application/json' localhost:3001/llm/v1/chat/completions \
 *     -d '{"model":"mock-small","messages":[{"role":"user","content":"hi"}]}'
 */
import express from 'express';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createGateway, createSilentLogger, type Logger } from '../../index.js';

type AppRequest = IncomingMessage & { user?: { id: string; team: string } };

const TEAMS: Record<string, string> = { alice: 'research', bob: 'support' };

export async function start(options: { port?: number; logger?: Logger } = {}) {
  const gateway = await createGateway(
    {
      providers: {
        mock: { plugin: 'mock', models: { 'mock-small': { pricing: { input: 0.1, output: 0.4 } } } },
      },
      auth: { required: true },
    },
    {
      logger: options.logger ?? createSilentLogger(),
      identify: ({ host }) => {
        if (host?.kind !== 'express') return undefined;
        const user = (host.req as AppRequest).user;
        return user && { id: user.id, user: user.id, team: user.team, labels: {} };
      },
    },
  );
  const spend: Record<string, number> = {};
  gateway.on('usage', ({ caller, usage }) => {
    const team = caller?.team ?? 'unknown';
    spend[team] = (spend[team] ?? 0) + usage.costUsd;
  });

  const app = express();
  app.use(express.json());
  app.use((req, _res, next) => {
    const name = req.get('x-user');
    const team = name === undefined ? undefined : TEAMS[name];
    if (name && team) (req as AppRequest).user = { id: name, team };
    next();
  });
  app.get('/spend', (_req, res) => {
    res.json(spend);
  });
  app.use('/llm', gateway.express());
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });

  const server = createServer(app);
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
  const { url } = await start({ port: Number(process.env.PORT ?? 3001) });
  console.log(`Express app on ${url}; the gateway is at ${url}/llm/v1`);
}
