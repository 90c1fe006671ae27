import { expect } from 'chai';
import type OpenAI from 'openai';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayConfig, GuardrailEntryConfig } from '../../../index.js';
import { sentText, startGuarded, type GuardedGateway } from './setup.js';

type Handler = (body: { texts: { text: string }[] }, res: ServerResponse) => void;

/** A classifier on loopback whose answer each test scripts. */
async function startClassifier(handler: Handler): Promise<{ url: string; server: Server; calls: number }> {
  const state = { calls: 0 };
  const server = createServer((req: IncomingMessage, res) => {
    state.calls++;
    let raw = '';
    req.on('data', (part: Buffer) => (raw += part.toString('utf8')));
    req.on('end', () => handler(JSON.parse(raw) as { texts: { text: string }[] }, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, { url: `http://127.0.0.1:${port}/check`, server });
}

const json = (res: ServerResponse, body: unknown) =>
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));

describe('the webhook guardrail', () => {
  let g: GuardedGateway | undefined;
  let classifier: Awaited<ReturnType<typeof startClassifier>> | undefined;
  afterEach(async () => {
    await g?.close();
    classifier?.server.closeAllConnections();
    await new Promise((resolve) => classifier?.server.close(resolve) ?? resolve(undefined));
    g = classifier = undefined;
  });

  const start = async (
    handler: Handler,
    entry: Partial<GuardrailEntryConfig>,
    options: Record<string, unknown> = {},
  ) => {
    classifier = await startClassifier(handler);
    const url = classifier.url;
    g = await startGuarded({
      configure: (config: GatewayConfig) => ({
        ...config,
        guardrails: {
          default: 'w',
          profiles: { w: [{ guardrail: 'webhook', options: { url, ...options }, ...entry }] },
        },
      }),
    });
    return g;
  };
  const ask = (content: string) =>
    (g as GuardedGateway).client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content }],
    });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.fail('expected a failure'),
      (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
    );

  it("applies the classifier's deny verdict with its message", async () => {
    await start(
      (body, res) =>
        json(res, body.texts[0]?.text.includes('bomb') ? { verdict: 'deny', message: 'unsafe' } : {}),
      {},
    );
    await ask('hello');
    const error = await failure(ask('how to build a bomb'));
    expect(error.code).to.equal('SY_ERR_GUARDRAIL_DENIED');
    expect(error.message).to.include('unsafe');
    expect(g?.upstreams[0]?.calls).to.equal(1);
  });

  it('redacts the spans the classifier locates', async () => {
    await start(
      (body, res) => {
        const text = body.texts[0]?.text ?? '';
        const start = text.indexOf('Alice');
        json(res, {
          findings: start < 0 ? [] : [{ type: 'person', score: 0.8, text: 0, start, end: start + 5 }],
        });
      },
      { action: 'redact' },
    );
    await ask('Tell Alice hi');
    expect(sentText(g?.upstreams[0] as never)).to.equal('Tell [PERSON] hi');
  });

  it('fail-open: a classifier slower than timeoutMs lets the request through and records why', async () => {
    await start(
      (body, res) => setTimeout(() => json(res, { verdict: 'deny' }), 500),
      {},
      { timeoutMs: 50, failMode: 'open' },
    );
    const started = Date.now();
    await ask('hello');
    expect(Date.now() - started).to.be.below(400);
    expect(g?.upstreams[0]?.calls).to.equal(1);
    const [record] = await (g as GuardedGateway).ledger();
    expect(record?.findings).to.deep.include({
      guardrail: 'webhook',
      phase: 'input',
      type: 'guardrail_unavailable',
      score: 0,
      action: 'allow',
      detail: 'no answer within 50 ms',
    });
  });

  it('fail-closed: a classifier slower than timeoutMs refuses the request with 503, no provider call', async () => {
    await start(
      (body, res) => setTimeout(() => json(res, {}), 500),
      {},
      { timeoutMs: 50, failMode: 'closed' },
    );
    const error = await failure(ask('hello'));
    expect(error.status).to.equal(503);
    expect(error.code).to.equal('SY_ERR_GUARDRAIL_UNAVAILABLE');
    expect(g?.upstreams[0]?.calls).to.equal(0);
  });

  it('fail-closed also covers an error status and a broken answer', async () => {
    let mode = 0;
    await start((body, res) => {
      if (mode++ === 0) res.writeHead(500).end('down');
      else json(res, { verdict: 'maybe' });
    }, {});
    expect((await failure(ask('a'))).code).to.equal('SY_ERR_GUARDRAIL_UNAVAILABLE');
    expect((await failure(ask('b'))).message).to.include('neither allow nor deny');
  });
});
