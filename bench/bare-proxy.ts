/**
 * The floor for any Node gateway: node:http in front, the same HTTP client as the
 * openai-compatible provider behind (an undici Pool driven through `dispatch()`, keep-alive,
 * unlimited connections), and no logic in between. The request body is read whole (any JSON
 * gateway must) and sent on with its length; the response status, content type and body are
 * passed back untouched, no parsing, with backpressure (a full socket pauses undici's parser).
 *
 * The cheapest way through each layer, since a floor must be the cheapest:
 * - undici's `dispatch()` hands the parser's chunks straight to the response: `request()` wraps
 *   every body in a Readable and an async resource, 10–13 µs more per request (the seventh
 *   session; `BENCH_PROXY_CLIENT=request` measures against that proxy, the floor until then);
 * - with `request()`, the body goes back with plain 'data'/'drain' listeners: `stream.pipeline()`
 *   costs an AbortController per response and a DOMException (with its stack trace) when it
 *   completes, about twice the proxy's CPU per request on Node 20 (`BENCH_PROXY_FORWARD=pipeline`,
 *   the floor of the first two sessions).
 *
 * One server per upstream named in `BENCH_UPSTREAMS` (JSON `{ name: origin }`), each with its own
 * Pool. With `BENCH_PROFILE=1` it can be CPU-profiled (see profiler.ts). Started by
 * bench/gateway.bench.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import type { Dispatcher, Pool } from 'undici';
import { answerProfileRequests } from './profiler.js';
import { abortWithClient, readBody, serveUpstreams } from './upstream-servers.js';

const FORWARDED_REQUEST_HEADERS = ['content-type', 'authorization'] as const;
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'content-length', 'cache-control'] as const;

/** Sends the upstream body on as it arrives, with backpressure. */
const forward: (body: Readable, res: ServerResponse) => void =
  process.env.BENCH_PROXY_FORWARD !== 'pipeline'
    ? (body, res) => {
        body.on('data', (part: Buffer) => {
          if (!res.write(part)) {
            body.pause();
            res.once('drain', () => body.resume());
          }
        });
        body.once('end', () => res.end());
        body.once('error', () => res.destroy());
        res.once('close', () => {
          if (!body.readableEnded) body.destroy();
        });
      }
    : (body, res) =>
        pipeline(body, res, (error) => {
          if (error) res.destroy();
        });

/** Headers to forward, from undici's raw list (name, value, name, value…). */
function responseHeaders(raw: Buffer[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as Buffer).toString('latin1').toLowerCase();
    if ((FORWARDED_RESPONSE_HEADERS as readonly string[]).includes(name)) {
      out[name] = (raw[i + 1] as Buffer).toString('latin1');
    }
  }
  return out;
}

function failed(res: ServerResponse): void {
  if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
  res.end('{"error":{"message":"upstream failed","type":"server_error"}}');
}

/** One upstream call through undici's dispatcher: its chunks go straight to `res`. */
function dispatchTo(res: ServerResponse): Dispatcher.DispatchHandler {
  return {
    onConnect: (abortCall) => abortWithClient(res, abortCall),
    onHeaders(statusCode, rawHeaders, resume) {
      res.writeHead(statusCode, responseHeaders(rawHeaders as Buffer[]));
      res.on('drain', resume);
      return true;
    },
    // false pauses the parser until 'drain' resumes it.
    onData: (chunk) => res.write(chunk),
    onComplete: () => res.end(),
    onError: () => failed(res),
  };
}

/** The body, and the request headers the proxy forwards. */
function readRequest(
  req: IncomingMessage,
  then: (body: Buffer, headers: Record<string, string>) => void,
): void {
  readBody(req, (body) => {
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    then(body, headers);
  });
}

function dispatchProxy(pool: Pool) {
  return function bareProxy(req: IncomingMessage, res: ServerResponse): void {
    readRequest(req, (body, headers) => {
      const method = req.method === 'GET' ? 'GET' : 'POST';
      pool.dispatch({ path: req.url ?? '/', method, headers, body }, dispatchTo(res));
    });
  };
}

function requestProxy(pool: Pool) {
  return function bareProxy(req: IncomingMessage, res: ServerResponse): void {
    readRequest(req, (body, headers) => {
      const method = req.method === 'GET' ? 'GET' : 'POST';
      pool.request({ path: req.url ?? '/', method, headers, body }).then(
        (upstream) => {
          const out: Record<string, string> = {};
          for (const name of FORWARDED_RESPONSE_HEADERS) {
            const value = upstream.headers[name];
            if (typeof value === 'string') out[name] = value;
          }
          res.writeHead(upstream.statusCode, out);
          forward(upstream.body, res);
        },
        () => failed(res),
      );
    });
  };
}

const proxyTo = process.env.BENCH_PROXY_CLIENT === 'request' ? requestProxy : dispatchProxy;

answerProfileRequests();
await serveUpstreams(proxyTo);
