/**
 * One HTTP request/response pair, whatever framework delivered it. The handlers speak only this,
 * so the same code serves the gateway's own node:http server (no framework on the hot path),
 * Koa (`gateway.koa()`), and any host that hands over Node's (req, res).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'koa';
import type { HostRequest } from '../context.js';
import { headerList } from './header-list.js';

export interface HttpCall {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The path, without the query string. */
  readonly path: string;
  /** A body the host already parsed (koa-bodyparser's `ctx.request.body`, express.json()'s `req.body`). */
  readonly parsedBody: unknown;
  /** The host framework's objects, for the `identify` hook. */
  readonly host: HostRequest;
  setHeaders(headers: Readonly<Record<string, string>>): void;
  /** Answers with a JSON body, and `headers` besides the content type and length. */
  send(status: number, body: unknown, headers?: Readonly<Record<string, string>>): void;
  /** The route writes the response itself from now on (server-sent events). */
  takeOver(): void;
}

/**
 * A call on a bare Node server (or any framework that passes Node's objects through). A class,
 * so a request costs one object and no closures: an object literal with methods makes a closure
 * per method per request, and they live as long as the request.
 */
class NodeCall implements HttpCall {
  readonly parsedBody: unknown;
  readonly host: HostRequest;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly path: string,
    kind: 'node' | 'express',
  ) {
    this.parsedBody = (req as { body?: unknown }).body;
    this.host = { kind, req, res };
  }

  setHeaders(headers: Readonly<Record<string, string>>): void {
    for (const name in headers) this.res.setHeader(name, headers[name] as string);
  }

  send(status: number, body: unknown, headers?: Readonly<Record<string, string>>): void {
    let text: string;
    try {
      text = JSON.stringify(body);
    } catch (error) {
      if (headers) this.setHeaders(headers);
      throw error;
    }
    // One header list for writeHead: no setHeader per header (./header-list.ts).
    const base = [
      'content-type',
      'application/json; charset=utf-8',
      'content-length',
      String(Buffer.byteLength(text)),
    ];
    this.res.writeHead(status, headers === undefined ? base : headerList(base, headers));
    this.res.end(text);
  }

  takeOver(): void {}
}

/** A call on a bare Node server (or any framework that passes Node's objects through). */
export function nodeCall(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  kind: 'node' | 'express' = 'node',
): HttpCall {
  return new NodeCall(req, res, path, kind);
}

/** A call inside Koa: answers through the context so host middleware still sees the response. */
export function koaCall(ctx: Context): HttpCall {
  return {
    req: ctx.req,
    res: ctx.res,
    path: ctx.path,
    parsedBody: (ctx.request as { body?: unknown }).body ?? (ctx.req as { body?: unknown }).body,
    host: { kind: 'koa', ctx },
    setHeaders(headers) {
      ctx.set(headers as Record<string, string>);
    },
    send(status, body, headers) {
      if (headers) ctx.set(headers as Record<string, string>);
      ctx.respond = true;
      ctx.status = status;
      ctx.body = body;
    },
    takeOver() {
      ctx.respond = false;
    },
  };
}
