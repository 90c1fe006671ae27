/**
 * Helpers for the embedding tests: serve a host app on loopback, watch a mock upstream for the
 * cancelled call, and read a stream's arrival times off a raw socket.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGunzip } from 'node:zlib';
import type { MockUpstreamRequest } from '../../core/testing/index.js';

export interface Served {
  url: string;
  close(): Promise<void>;
}

export async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Served> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Resolves with the first upstream request that saw its client go away (fails after ~2 s). */
export async function upstreamAbortSeen(
  requests: readonly MockUpstreamRequest[],
): Promise<MockUpstreamRequest> {
  for (let i = 0; i < 200; i++) {
    const seen = requests.find((r) => r.aborted);
    if (seen) return seen;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the upstream never saw the abort');
}

/** POSTs a JSON body and records when each piece of the (possibly gzipped) answer arrived. */
export function streamArrivals(
  url: string,
  body: object,
  headers: Record<string, string> = {},
): Promise<{ status: number; times: number[]; text: string; encoding: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const encoding = res.headers['content-encoding'];
      const source = encoding === 'gzip' ? res.pipe(createGunzip()) : res;
      const times: number[] = [];
      let text = '';
      source.on('data', (piece: Buffer) => {
        times.push(Date.now());
        text += piece.toString('utf8');
      });
      source.on('error', reject);
      source.on('end', () => resolve({ status: res.statusCode ?? 0, times, text, encoding }));
    });
    req.end(JSON.stringify(body));
  });
}

/** Sends a streaming chat request and destroys the socket on the first byte of the answer. */
export function disconnectOnFirstData(url: string, body: object, headers: Record<string, string> = {}) {
  return new Promise<number>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } });
    req.on('error', () => undefined);
    req.on('response', (res) => {
      res.on('error', () => undefined);
      res.once('data', () => {
        req.destroy();
        resolve(Date.now());
      });
    });
    req.end(JSON.stringify(body));
    setTimeout(() => reject(new Error('no data arrived')), 5_000).unref();
  });
}
