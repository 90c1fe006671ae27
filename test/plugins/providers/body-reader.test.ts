import { expect } from 'chai';
import { createBodyReader } from '../../../plugins/providers/shared/body-reader.js';
import { UpstreamBody } from '../../../plugins/providers/shared/upstream-body.js';

/** A body the test feeds as undici's parser would, recording what the body asks of the connection. */
function body(): { upstream: UpstreamBody; aborted: unknown[] } {
  const aborted: unknown[] = [];
  const upstream = new UpstreamBody({ abort: (reason) => aborted.push(reason), resume: () => undefined });
  return { upstream, aborted };
}

describe('createBodyReader', () => {
  it('hands over the parts in order, then undefined at the end', async () => {
    const { upstream } = body();
    const reader = createBodyReader(upstream);
    upstream.push(Buffer.from('one'));
    upstream.push(Buffer.from('two'));
    upstream.complete();
    const parts: string[] = [];
    for (let part = await reader.read(); part !== undefined; part = await reader.read()) {
      parts.push(part.toString());
    }
    expect(parts.join('')).to.equal('onetwo');
  });

  it('hands over what arrived before a failure, then the failure', async () => {
    const { upstream } = body();
    const reader = createBodyReader(upstream);
    upstream.push(Buffer.from('one'));
    upstream.fail(new Error('reset'));
    expect((await reader.read())?.toString()).to.equal('one');
    let failure: unknown;
    await reader.read().catch((error: unknown) => (failure = error));
    expect((failure as Error).message).to.equal('reset');
  });

  describe('discardRest', () => {
    /** A reader that has handed over the answer, `answer`, and nothing more yet. */
    async function answered() {
      const fed = body();
      const reader = createBodyReader(fed.upstream);
      fed.upstream.push(Buffer.from('answer'));
      expect((await reader.read())?.toString()).to.equal('answer');
      return { ...fed, reader };
    }

    it('reads the rest of the body to its end without keeping it, leaving the connection intact', async () => {
      const { upstream, aborted, reader } = await answered();
      reader.discardRest(1024);
      expect(upstream.push(Buffer.alloc(100))).to.equal(true);
      expect(upstream.push(Buffer.alloc(100))).to.equal(true);
      upstream.complete();
      expect(upstream.destroyed).to.equal(false);
      expect(aborted).to.have.length(0);
    });

    it('drops the connection once more than the limit follows', async () => {
      const { upstream, aborted, reader } = await answered();
      reader.discardRest(150);
      upstream.push(Buffer.alloc(100));
      expect(upstream.destroyed).to.equal(false);
      upstream.push(Buffer.alloc(100));
      expect(upstream.destroyed).to.equal(true);
      expect(aborted).to.have.length(1);
    });

    it('counts what was already buffered against the limit', async () => {
      const { upstream, aborted, reader } = await answered();
      // Arrives while nobody reads: kept (and the body paused) until the next read.
      upstream.push(Buffer.alloc(200));
      reader.discardRest(150);
      expect(upstream.destroyed).to.equal(true);
      expect(aborted).to.have.length(1);
    });

    it('ignores a failure after the answer (it only costs the connection)', async () => {
      const { upstream, reader } = await answered();
      reader.discardRest(1024);
      upstream.fail(new Error('reset'));
      expect(upstream.destroyed).to.equal(true);
    });

    it('is a no-op once the body ended', async () => {
      const { upstream, aborted } = body();
      const reader = createBodyReader(upstream);
      upstream.push(Buffer.from('answer'));
      upstream.complete();
      await reader.read();
      expect(await reader.read()).to.equal(undefined);
      reader.discardRest(0);
      expect(upstream.destroyed).to.equal(false);
      expect(aborted).to.have.length(0);
    });
  });
});
