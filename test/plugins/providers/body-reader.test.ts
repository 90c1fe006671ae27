import { expect } from 'chai';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { createBodyReader } from '../../../plugins/providers/shared/body-reader.js';
import type { UpstreamResponse } from '../../../plugins/providers/shared/http-client.js';

/** A body the test writes to: what undici hands over, as far as the reader uses it. */
function body(): { stream: Readable; as: UpstreamResponse['body'] } {
  // Not destroyed at its end by itself: `destroyed` then means the reader dropped it.
  const stream = new Readable({ read() {}, autoDestroy: false });
  return { stream, as: stream as unknown as UpstreamResponse['body'] };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('createBodyReader', () => {
  it('hands over the parts in order, then undefined at the end', async () => {
    const { stream, as } = body();
    const reader = createBodyReader(as);
    stream.push(Buffer.from('one'));
    stream.push(Buffer.from('two'));
    stream.push(null);
    const parts: string[] = [];
    for (let part = await reader.read(); part !== undefined; part = await reader.read()) {
      parts.push(part.toString());
    }
    expect(parts.join('')).to.equal('onetwo');
  });

  describe('discardRest', () => {
    /** A reader that has handed over the answer, `answer`, and nothing more yet. */
    async function answered(): Promise<{ stream: Readable; reader: ReturnType<typeof createBodyReader> }> {
      const { stream, as } = body();
      const reader = createBodyReader(as);
      stream.push(Buffer.from('answer'));
      expect((await reader.read())?.toString()).to.equal('answer');
      return { stream, reader };
    }

    it('reads the rest of the body to its end without keeping it, leaving the body intact', async () => {
      const { stream, reader } = await answered();
      reader.discardRest(1024);
      stream.push(Buffer.alloc(100));
      stream.push(Buffer.alloc(100));
      stream.push(null);
      await once(stream, 'end');
      expect(stream.destroyed).to.equal(false);
    });

    it('drops the connection once more than the limit follows', async () => {
      const { stream, reader } = await answered();
      reader.discardRest(150);
      stream.push(Buffer.alloc(100));
      await tick();
      expect(stream.destroyed).to.equal(false);
      stream.push(Buffer.alloc(100));
      await tick();
      expect(stream.destroyed).to.equal(true);
    });

    it('counts what was already buffered against the limit', async () => {
      const { stream, reader } = await answered();
      // Arrives while nobody reads: kept (and the body paused) until the next read.
      stream.push(Buffer.alloc(200));
      await tick();
      reader.discardRest(150);
      expect(stream.destroyed).to.equal(true);
    });

    it('keeps a failure after the answer from being an uncaught error (it only costs the connection)', async () => {
      const { stream, reader } = await answered();
      reader.discardRest(1024);
      // Without a listener of the reader's own, this error would be thrown as uncaught.
      expect(stream.listenerCount('error')).to.be.greaterThan(0);
      stream.destroy(new Error('reset'));
      await tick();
    });

    it('is a no-op once the body ended', async () => {
      const { stream, as } = body();
      const reader = createBodyReader(as);
      stream.push(Buffer.from('answer'));
      stream.push(null);
      await reader.read();
      expect(await reader.read()).to.equal(undefined);
      reader.discardRest(0);
      expect(stream.destroyed).to.equal(false);
    });
  });
});
