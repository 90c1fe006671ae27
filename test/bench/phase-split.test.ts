import { expect } from 'chai';
import { phasesOf } from '../../bench/phase-split.js';
import type { SocketMark } from '../../bench/socket-marks.js';

const PORT = 8080;
const at = (time: number, kind: SocketMark['kind'], localPort: number, content = false): SocketMark => ({
  at: time,
  kind,
  localPort,
  content,
});

describe('bench phase split', () => {
  it('splits sequential requests into pre-send, upstream and content-out phases', () => {
    const marks = [
      at(0, 'request', PORT),
      at(300, 'write', 40000, true), // the upstream request (its prompt has content)
      at(900, 'read', 40000), // headers and the role chunk: no content yet
      at(1000, 'write', PORT), // the client's headers (a keep-alive or role chunk)
      at(2000, 'read', 40000, true), // the first content from upstream
      at(2150, 'write', PORT, true), // ...written to the client
      at(3000, 'read', 40000, true), // later content is not counted again
      at(3100, 'write', PORT, true),
      at(5000, 'request', PORT),
      at(5200, 'write', 40000, true),
      at(6000, 'read', 40000, true),
      at(6050, 'write', PORT, true),
    ];
    expect(phasesOf(marks, PORT)).to.deep.equal([
      { preSend: 300, upstream: 1700, contentOut: 150 },
      { preSend: 200, upstream: 800, contentOut: 50 },
    ]);
  });

  it('skips a request that never reached the upstream or never wrote content', () => {
    const marks = [
      at(0, 'request', PORT),
      at(100, 'write', PORT), // an error answer: nothing went upstream
      at(1000, 'request', PORT),
      at(1100, 'write', 40000, true),
      at(1500, 'read', 40000, true),
      at(1600, 'write', PORT, true),
    ];
    expect(phasesOf(marks, PORT)).to.deep.equal([{ preSend: 100, upstream: 400, contentOut: 100 }]);
  });
});
