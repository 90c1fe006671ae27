/**
 * A preload for the phase benchmark (bench/phases.ts), loaded into a server process with
 * `--import`: it timestamps what crosses the process's sockets, without touching the code under
 * measurement, so a gateway and the bare proxy are timed the same way.
 *
 * - `request`: the HTTP server emits a request (its headers were parsed);
 * - `write`: a socket write leaves Node's stream layer for libuv (after any cork);
 * - `read`: a socket read is pushed into a socket's stream (undici's upstream sockets; Node's
 *   HTTP server feeds its parser directly, so client reads show up as `request` instead).
 *
 * Each mark says whether the bytes carry stream content (`"content":"` followed by a character),
 * and on which local port. On SIGUSR2 the marks so far are written as JSON to BENCH_MARKS_FILE
 * and cleared. It patches Node's internals (Socket.prototype._writeGeneric, Readable.prototype.push,
 * Server.prototype.emit), which is acceptable for a diagnostic and nowhere else.
 */
import { writeFileSync } from 'node:fs';
import { Server } from 'node:http';
import { Socket } from 'node:net';
import { Readable } from 'node:stream';

export interface SocketMark {
  /** Microseconds since the preload ran. */
  at: number;
  kind: 'request' | 'read' | 'write';
  localPort: number;
  content: boolean;
}

const file = process.env.BENCH_MARKS_FILE;
const origin = process.hrtime.bigint();
const marks: SocketMark[] = [];
// A delta with content: `"content":"` and then something other than the closing quote.
const CONTENT = /"content":"[^"]/;

function mark(kind: SocketMark['kind'], socket: Socket, text: string): void {
  const at = Number(process.hrtime.bigint() - origin) / 1000;
  marks.push({ at, kind, localPort: socket.localPort ?? 0, content: CONTENT.test(text) });
}

function textOf(data: unknown): string {
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('latin1');
  return '';
}

if (file) {
  type WriteGeneric = (
    this: Socket,
    writev: boolean,
    data: unknown,
    encoding: string,
    cb: unknown,
  ) => unknown;
  const proto = Socket.prototype as unknown as { _writeGeneric: WriteGeneric };
  const writeGeneric = proto._writeGeneric;
  proto._writeGeneric = function (this: Socket, writev, data, encoding, cb) {
    let text = '';
    if (writev) for (const entry of data as { chunk: unknown }[]) text += textOf(entry.chunk);
    else text = textOf(data);
    mark('write', this, text);
    return writeGeneric.call(this, writev, data, encoding, cb);
  };

  const push = Readable.prototype.push;
  Readable.prototype.push = function (this: Readable, chunk: unknown, encoding?: BufferEncoding) {
    if (this instanceof Socket && chunk) mark('read', this, textOf(chunk));
    return push.call(this, chunk, encoding);
  };

  type Emit = (this: Server, event: string | symbol, ...args: unknown[]) => boolean;
  const server = Server.prototype as unknown as { emit: Emit };
  const emit = server.emit;
  server.emit = function (this: Server, event, ...args) {
    if (event === 'request') mark('request', (args[0] as { socket: Socket }).socket, '');
    return emit.call(this, event, ...args);
  };

  process.on('SIGUSR2', () => {
    writeFileSync(file, JSON.stringify(marks.splice(0)));
  });
}
