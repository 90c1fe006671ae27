import { expect } from 'chai';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { CallSignal } from '../../../plugins/providers/shared/abort-scope.js';
import { createHttpClient, type HttpClient } from '../../../plugins/providers/shared/http-client.js';
import { BodyTooLargeError, readBodyText } from '../../../plugins/providers/shared/read-body.js';
import { DEFAULT_TIMEOUTS } from '../../../plugins/providers/shared/timeouts.js';

/** A raw HTTP/1.1 upstream on loopback: `answer` gets each connection once its request arrived. */
async function upstream(
  answer: (socket: Socket) => void,
): Promise<{ server: Server; origin: string; closed: Promise<void> }> {
  let connectionClosed!: () => void;
  const closed = new Promise<void>((resolve) => (connectionClosed = resolve));
  const server = createServer((socket) => {
    socket.once('data', () => answer(socket));
    socket.once('close', () => connectionClosed());
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, closed };
}

describe('createHttpClient', () => {
  let client: HttpClient | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    await client?.close();
    server?.close();
    client = server = undefined;
  });

  async function start(answer: (socket: Socket) => void) {
    const up = await upstream(answer);
    server = up.server;
    client = createHttpClient({ origin: up.origin, timeouts: DEFAULT_TIMEOUTS });
    return { client, closed: up.closed };
  }

  it('reports the status, the content type in any case, every header on demand, and the body', async () => {
    const { client } = await start((socket) =>
      socket.write(
        'HTTP/1.1 429 Too Many Requests\r\nContent-Type: Application/JSON\r\nRetry-After: 3\r\n' +
          'Content-Length: 2\r\n\r\n{}',
      ),
    );
    const response = await client.post('/v1/x', {}, '{}', new CallSignal());
    expect(response.statusCode).to.equal(429);
    expect(response.contentType).to.equal('Application/JSON');
    expect(response.headers['retry-after']).to.equal('3');
    expect(await readBodyText(response.body, 1024)).to.equal('{}');
  });

  it('has an empty content type when the upstream sends none', async () => {
    const { client } = await start((socket) => socket.write('HTTP/1.1 204 No Content\r\n\r\n'));
    const response = await client.post('/v1/x', {}, '{}', new CallSignal());
    expect(response.contentType).to.equal('');
    expect(await readBodyText(response.body, 1024)).to.equal('');
  });

  it('an abort before the answer rejects with its reason and drops the connection', async () => {
    const { client, closed } = await start(() => undefined);
    const signal = new CallSignal();
    const call = client.post('/v1/x', {}, '{}', signal);
    setTimeout(() => signal.abort(new Error('client left')), 20);
    let failure: unknown;
    await call.catch((error: unknown) => (failure = error));
    expect((failure as Error).message).to.equal('client left');
    await closed;
  });

  it('an abort mid-body ends the body with its reason and drops the connection', async () => {
    const { client, closed } = await start((socket) =>
      socket.write(
        'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n',
      ),
    );
    const signal = new CallSignal();
    const response = await client.post('/v1/x', {}, '{}', signal);
    const text = readBodyText(response.body, 1024);
    signal.abort(new Error('client left'));
    let failure: unknown;
    await text.catch((error: unknown) => (failure = error));
    expect((failure as Error).message).to.equal('client left');
    await closed;
  });

  it('a signal already aborted never sends the call', async () => {
    let received = false;
    const { client } = await start(() => (received = true));
    const signal = new CallSignal();
    signal.abort(new Error('too late'));
    let failure: unknown;
    await client.post('/v1/x', {}, '{}', signal).catch((error: unknown) => (failure = error));
    expect((failure as Error).message).to.equal('too late');
    expect(received).to.equal(false);
  });

  it('an abort while the call waits for a connection rejects at once, and the call is never sent', async () => {
    let requests = 0;
    const up = await upstream(() => requests++);
    server = up.server;
    client = createHttpClient({ origin: up.origin, timeouts: DEFAULT_TIMEOUTS, maxConnections: 1 });
    const first = new CallSignal();
    const holding = client.post('/v1/x', {}, '{}', first).catch(() => undefined);
    const queued = new CallSignal();
    const waiting = client.post('/v1/x', {}, '{}', queued);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const startedAt = Date.now();
    queued.abort(new Error('client left'));
    let failure: unknown;
    await waiting.catch((error: unknown) => (failure = error));
    expect((failure as Error).message).to.equal('client left');
    expect(Date.now() - startedAt).to.be.lessThan(50);
    // The connection frees up; the abandoned call is dropped instead of being written.
    first.abort(new Error('done'));
    await holding;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(requests).to.equal(1);
  });

  it('a body given up inside its own data callback (over the limit) drops the connection', async () => {
    const { client, closed } = await start((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n${'x'.repeat(96)}`);
      setTimeout(() => socket.write('x'.repeat(4000)), 20);
    });
    const response = await client.post('/v1/x', {}, '{}', new CallSignal());
    let failure: unknown;
    await readBodyText(response.body, 100).catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(BodyTooLargeError);
    expect(response.body.destroyed).to.equal(true);
    await closed;
  });

  it('a body that arrived whole keeps its connection for reuse, even when its reader gives up', async () => {
    let connections = 0;
    let requests = 0;
    server = createServer((socket) => {
      connections++;
      socket.on('data', () => {
        const body = requests++ === 0 ? 'x'.repeat(300) : 'ok';
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = createHttpClient({ origin, timeouts: DEFAULT_TIMEOUTS, maxConnections: 1 });
    const first = await client.post('/v1/x', {}, '{}', new CallSignal());
    let failure: unknown;
    await readBodyText(first.body, 100).catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(BodyTooLargeError);
    const second = await client.post('/v1/x', {}, '{}', new CallSignal());
    expect(await readBodyText(second.body, 100)).to.equal('ok');
    expect(connections).to.equal(1);
  });

  it('a connection reset after the headers fails the body', async () => {
    const { client } = await start((socket) => {
      socket.write(
        'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n',
      );
      setTimeout(() => socket.resetAndDestroy(), 20);
    });
    const response = await client.post('/v1/x', {}, '{}', new CallSignal());
    let failure: unknown;
    await readBodyText(response.body, 1024).catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(Error);
  });
});
