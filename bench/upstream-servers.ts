/**
 * The scaffolding the benchmark's hand-written servers share (the bare proxy, the lean reference
 * gateway): one `node:http` server per upstream named in `BENCH_UPSTREAMS` (JSON
 * `{ name: origin }`), each with its own undici Pool (keep-alive, unlimited connections, as the
 * providers use it), stopped when the orchestrator goes, and `ready` told with their URLs.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { Pool } from 'undici';
import { exitWithParent, requiredEnv, tell } from './protocol.js';

// The V8 setting `switchyard serve` applies for speed (cli/heap.ts) applies here too: a burst of
// new connections (each wrk start) can tip any Node server into pretenuring short-lived request
// objects, and a floor left exposed to that while Switchyard is not would flatter Switchyard.
// (The heap growth cap is not applied: it trades CPU for memory, and would slow the floor.)
setFlagsFromString('--no-allocation-site-pretenuring');

export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse) => void;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Starts one server per upstream, each answering with `handlerFor` its pool, and tells `ready`. */
export async function serveUpstreams(handlerFor: (pool: Pool) => UpstreamHandler): Promise<void> {
  const upstreams = JSON.parse(requiredEnv('BENCH_UPSTREAMS')) as Record<string, string>;
  const pools: Pool[] = [];
  const servers: Server[] = [];
  const urls: Record<string, string> = {};
  for (const [name, origin] of Object.entries(upstreams)) {
    const pool = new Pool(origin, { connections: null });
    const server = createServer(handlerFor(pool));
    server.keepAliveTimeout = 5_000;
    pools.push(pool);
    servers.push(server);
    urls[name] = await listen(server);
  }
  exitWithParent(async () => {
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    await Promise.all(pools.map((pool) => pool.destroy()));
  });
  tell({ type: 'ready', urls });
}

/** Reads a request body whole (every JSON gateway must) and hands it on. */
export function readBody(req: IncomingMessage, then: (body: Buffer) => void): void {
  const parts: Buffer[] = [];
  req.on('data', (part: Buffer) => parts.push(part));
  req.on('end', () => then(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts)));
}

/** A client that goes before its answer is complete takes the upstream call with it. */
export function abortWithClient(res: ServerResponse, abortCall: (reason?: Error) => void): void {
  res.once('close', () => {
    if (!res.writableFinished) abortCall();
  });
}
