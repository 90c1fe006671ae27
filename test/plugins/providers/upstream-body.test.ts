import { expect } from 'chai';
import { UpstreamBody, type BodySink } from '../../../plugins/providers/shared/upstream-body.js';

/** A body fed as undici's parser would, with a log of what it asked of the connection and told its sink. */
function fed() {
  const log: string[] = [];
  const upstream = new UpstreamBody({
    abort: (reason) => log.push(`abort:${(reason as Error).message}`),
    resume: () => log.push('resume'),
  });
  const sink: BodySink = {
    data: (part) => log.push(`data:${part.length}`),
    end: () => log.push('end'),
    error: (error) => log.push(`error:${(error as Error).message}`),
  };
  upstream.onClose(() => log.push('close'));
  return { upstream, sink, log };
}

describe('UpstreamBody', () => {
  it('keeps what arrives before its consumer and hands it over in order, then the end', () => {
    const { upstream, sink, log } = fed();
    expect(upstream.push(Buffer.alloc(3))).to.equal(true);
    expect(upstream.push(Buffer.alloc(4))).to.equal(true);
    upstream.complete();
    expect(log).to.deep.equal([]);
    upstream.consume(sink);
    expect(log).to.deep.equal(['data:3', 'data:4', 'end', 'close']);
  });

  it('delivers straight to a flowing consumer', () => {
    const { upstream, sink, log } = fed();
    upstream.consume(sink);
    expect(upstream.push(Buffer.alloc(5))).to.equal(true);
    upstream.complete();
    expect(log).to.deep.equal(['data:5', 'end', 'close']);
  });

  it('buffers while paused, asks the parser to stop past the high-water mark, and wakes it on resume', () => {
    const { upstream, sink, log } = fed();
    upstream.consume(sink);
    upstream.pause();
    expect(upstream.push(Buffer.alloc(32 * 1024))).to.equal(true);
    expect(upstream.push(Buffer.alloc(32 * 1024))).to.equal(false);
    expect(log).to.deep.equal([]);
    upstream.resume();
    expect(log).to.deep.equal(['data:32768', 'data:32768', 'resume']);
  });

  it('a consumer that pauses inside its data callback gets the next reads buffered, then the parser stops', () => {
    const { upstream, log } = fed();
    upstream.consume({
      data: (part) => {
        log.push(`data:${part.length}`);
        upstream.pause();
      },
      end: () => log.push('end'),
      error: () => undefined,
    });
    expect(upstream.push(Buffer.alloc(1))).to.equal(true);
    expect(upstream.push(Buffer.alloc(32 * 1024))).to.equal(true);
    expect(upstream.push(Buffer.alloc(32 * 1024))).to.equal(false);
    upstream.resume();
    expect(log).to.deep.equal(['data:1', 'data:32768']);
    upstream.resume();
    expect(log).to.deep.equal(['data:1', 'data:32768', 'data:32768', 'resume']);
  });

  it('drops buffered parts on a failure and reports it, once', () => {
    const { upstream, sink, log } = fed();
    upstream.consume(sink);
    upstream.pause();
    upstream.push(Buffer.alloc(2));
    upstream.fail(new Error('reset'));
    upstream.fail(new Error('again'));
    upstream.resume();
    expect(log).to.deep.equal(['error:reset', 'close']);
    expect(upstream.destroyed).to.equal(true);
  });

  it('keeps a failure that comes before its consumer for the consumer', () => {
    const { upstream, sink, log } = fed();
    upstream.fail(new Error('reset'));
    expect(log).to.deep.equal(['close']);
    upstream.consume(sink);
    expect(log).to.deep.equal(['close', 'error:reset']);
  });

  it('destroyed before its end: drops the connection and tells a reading consumer it closed early', () => {
    const { upstream, sink, log } = fed();
    upstream.consume(sink);
    upstream.push(Buffer.alloc(1));
    upstream.destroy();
    upstream.destroy();
    expect(log).to.deep.equal(['data:1', 'abort:Premature close', 'error:Premature close', 'close']);
    // The parser's own report of the abort changes nothing.
    upstream.fail(new Error('aborted'));
    expect(log).to.have.length(4);
  });

  it('destroyed with a reason: the consumer hears the reason', () => {
    const { upstream, sink, log } = fed();
    upstream.consume(sink);
    upstream.destroy(new Error('client closed'));
    expect(log).to.deep.equal(['abort:client closed', 'error:client closed', 'close']);
  });

  it('destroyed after it arrived whole: the connection is left alone', () => {
    const { upstream, log } = fed();
    upstream.push(Buffer.alloc(1));
    upstream.complete();
    upstream.destroy();
    expect(log).to.deep.equal(['close']);
  });

  it('runs a close callback at once when the body is already over', () => {
    const { upstream, sink } = fed();
    upstream.consume(sink);
    upstream.complete();
    let closed = false;
    upstream.onClose(() => (closed = true));
    expect(closed).to.equal(true);
  });

  it('has one consumer', () => {
    const { upstream, sink } = fed();
    upstream.consume(sink);
    expect(() => upstream.consume(sink)).to.throw(/one consumer/);
  });
});
