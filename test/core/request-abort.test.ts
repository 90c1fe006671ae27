import { expect } from 'chai';
import { RequestAbort, realSignal } from '../../core/request-abort.js';

describe('RequestAbort (a request signal made only when asked for)', () => {
  it('runs each listener once, on abort, in order; a removed one never', () => {
    const abort = new RequestAbort();
    const seen: string[] = [];
    const removed = () => seen.push('removed');
    abort.addEventListener('abort', () => seen.push('a'));
    abort.addEventListener('abort', removed);
    abort.addEventListener('abort', () => seen.push('b'));
    abort.removeEventListener('abort', removed);
    abort.abort(new Error('gone'));
    abort.abort(new Error('again'));
    expect(seen).to.deep.equal(['a', 'b']);
    expect(abort.aborted).to.equal(true);
    expect((abort.reason as Error).message).to.equal('gone');
  });

  it('makes its AbortSignal on first use, aborted with the same reason if it already was', () => {
    const before = new RequestAbort();
    const signal = before.signal;
    expect(signal).to.be.instanceOf(AbortSignal);
    expect(signal.aborted).to.equal(false);
    const reason = new Error('client closed');
    before.abort(reason);
    expect(signal.aborted).to.equal(true);
    expect(signal.reason).to.equal(reason);

    const after = new RequestAbort();
    after.abort(reason);
    expect(after.signal.aborted).to.equal(true);
    expect(after.signal.reason).to.equal(reason);
    expect(realSignal(after)).to.equal(after.signal);
  });

  it('aborts without a reason with an AbortError, as AbortController does', () => {
    const abort = new RequestAbort();
    abort.abort();
    expect((abort.reason as DOMException).name).to.equal('AbortError');
    expect(abort.signal.reason).to.equal(abort.reason);
  });
});
