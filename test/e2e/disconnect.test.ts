import { expect } from 'chai';
import { request } from 'node:http';
import { startHarness, type Harness } from '../support/harness.js';
import type { MockUpstreamRequest } from '../../core/testing/index.js';
import type { GatewayEventMap } from '../../index.js';

/** Sends a chat request over a raw socket and destroys it after `afterMs` (or after the first data). */
function sendThenDisconnect(url: string, body: object, when: { afterMs?: number; afterFirstData?: boolean }) {
  return new Promise<number>((resolve, reject) => {
    const req = request(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    req.on('error', () => undefined);
    req.on('response', (res) => {
      res.on('error', () => undefined);
      res.once('data', () => {
        if (when.afterFirstData) {
          req.destroy();
          resolve(Date.now());
        }
      });
    });
    req.end(JSON.stringify(body));
    if (when.afterMs !== undefined) {
      setTimeout(() => {
        req.destroy();
        resolve(Date.now());
      }, when.afterMs);
    }
    setTimeout(() => reject(new Error('never disconnected')), 5_000).unref();
  });
}

async function upstreamAbortSeen(requests: readonly MockUpstreamRequest[]): Promise<MockUpstreamRequest> {
  for (let i = 0; i < 100; i++) {
    const seen = requests.find((r) => r.aborted);
    if (seen) return seen;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the upstream never saw the abort');
}

describe('client disconnects abort the upstream call within 100 ms', () => {
  let h: Harness;
  before(async () => {
    // A cut stream is accounted by counting its tokens, in the token-count worker: the mock
    // upstream shares this process's event loop, and loading the tokenizer here would delay the
    // mock's own notice of the abort (docs/accounting.md).
    h = await startHarness({ upstreamOptions: { chunkDelayMs: 50 } });
  });
  after(() => h.close());
  beforeEach(() => h.upstreams[0]?.reset());

  const messages = [{ role: 'user', content: 'long answer please' }];

  it('before the first token of a stream', async () => {
    h.upstreams[0]?.enqueue({ delayFirstByteMs: 3_000 });
    const closedAt = await sendThenDisconnect(
      h.url,
      { model: 'test-model', stream: true, messages },
      { afterMs: 150 },
    );
    const seen = await upstreamAbortSeen(h.upstreams[0]!.requests);
    expect(seen.abortedAt! - closedAt).to.be.below(100);
  });

  it('in the middle of a stream, which ends as closed (499), not as an upstream error', async () => {
    h.upstreams[0]?.enqueue({ reply: Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ') });
    const over = new Promise<GatewayEventMap['response']>((resolve) => h.gateway.once('response', resolve));
    const closedAt = await sendThenDisconnect(
      h.url,
      { model: 'test-model', stream: true, messages },
      { afterFirstData: true },
    );
    const seen = await upstreamAbortSeen(h.upstreams[0]!.requests);
    expect(seen.abortedAt! - closedAt).to.be.below(100);
    const response = await over;
    expect([response.outcome, response.status, response.error?.code]).to.deep.equal([
      'closed',
      499,
      undefined,
    ]);
  });

  it('during a non-streaming call', async () => {
    h.upstreams[0]?.enqueue({ delayFirstByteMs: 3_000 });
    const closedAt = await sendThenDisconnect(h.url, { model: 'test-model', messages }, { afterMs: 150 });
    const seen = await upstreamAbortSeen(h.upstreams[0]!.requests);
    expect(seen.abortedAt! - closedAt).to.be.below(100);
  });
});
