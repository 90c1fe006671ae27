import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createGateway, createLogger, type Gateway } from '../../../index.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../../../core/testing/index.js';
import { upstreamProvider } from '../../support/harness.js';

const CLIENT_KEY = 'sk-client-secret-abcdef0123456789';
const UPSTREAM_KEY = 'sk-upstream-secret-0123456789';
const PROMPT = 'my-private-prompt-text-4471';

/** Collects every line a pino logger writes. */
function captured() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

describe('request logs', () => {
  let upstream: MockOpenAIUpstream;
  let gateway: Gateway;
  let url: string;
  const log = captured();

  before(async () => {
    upstream = await startMockOpenAIUpstream({ defaultBehaviour: { echo: true } });
    const provider = upstreamProvider(upstream);
    gateway = await createGateway(
      {
        providers: { p0: { ...provider, data: { zeroDataRetention: true } } },
        auth: { keys: [{ key: CLIENT_KEY, team: 'alpha' }] },
      },
      { logger: createLogger({ level: 'trace' }, log.stream) },
    );
    ({ url } = await gateway.listen(0, '127.0.0.1'));
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  const post = (headers: Record<string, string>) =>
    fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${CLIENT_KEY}`,
        'x-api-key': CLIENT_KEY,
        ...headers,
      },
      body: JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content: PROMPT }] }),
    });

  it('writes one request line with the request id and trace id, and no secret or content', async () => {
    const response = await post({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    expect(response.status).to.equal(200);
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content, 'the echo reached the client').to.equal(PROMPT);
    const requestId = response.headers.get('x-switchyard-request-id');
    const lines = log.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = lines.filter((l) => l.msg === 'request' && l.requestId === requestId);
    expect(requests).to.have.length(1);
    expect(requests[0]).to.include({
      team: 'alpha',
      provider: 'p0',
      status: 200,
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    });
    const all = log.lines.join('\n');
    expect(all).not.to.include(CLIENT_KEY);
    expect(all).not.to.include(UPSTREAM_KEY);
    expect(all).not.to.include(PROMPT);
  });

  it('keeps a zero-retention request out of every line, even at trace level, and marks it', async () => {
    const before = log.lines.length;
    const response = await post({ 'x-switchyard-zdr': '1' });
    expect(response.status).to.equal(200);
    const lines = log.lines.slice(before);
    const request = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'request');
    expect(request).to.include({ zeroRetention: true });
    expect(lines.join('\n')).not.to.include(PROMPT);
  });

  it('redacts credentials wherever a stage logs headers or provider options', () => {
    const out = captured();
    const logger = createLogger({ level: 'info' }, out.stream);
    logger.info(
      {
        req: {
          headers: {
            authorization: 'Bearer sk-a',
            'x-api-key': 'sk-b',
            'api-key': 'sk-c',
            cookie: 'sid=sk-d',
          },
        },
        upstream: {
          headers: { 'api-key': 'sk-e', 'x-switchyard-provider-key': 'sk-f' },
          options: { apiKey: 'sk-g' },
        },
        caller: { credentials: { openai: { apiKey: 'sk-h' } } },
      },
      'headers',
    );
    expect(out.lines.join('\n')).not.to.match(/sk-[a-h]/);
  });
});
