/**
 * A chat request no stage replaced goes upstream as the client's own JSON text
 * (core/request-text.ts); anything that changes what the upstream must receive (another model
 * name, routing fields, a rewrite by a stage, a stage that might edit in place) gets the request
 * serialised again. These tests read the bytes the upstream received.
 */
import { expect } from 'chai';
import {
  createGateway,
  createSilentLogger,
  defineStage,
  type AnyStageFactory,
  type ChatCompletionRequest,
  type GatewayConfig,
} from '../../index.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../../core/testing/mock-openai-upstream.js';
import { withUsageRequested } from '../../core/request-text.js';

// The catalog id is the upstream's own name for the model, so the text can go as it is.
const MODEL = 'gpt-4o-mini';

interface Started {
  url: string;
  upstream: MockOpenAIUpstream;
  close(): Promise<void>;
}

async function start(
  adjust: (config: GatewayConfig) => GatewayConfig = (config) => config,
  stages: AnyStageFactory[] = [],
): Promise<Started> {
  const upstream = await startMockOpenAIUpstream({ record: true });
  const model = { pricing: { input: 1, output: 2 }, contextWindow: 128000 };
  const config = adjust({
    providers: {
      p0: {
        plugin: 'openai-compatible',
        options: { baseUrl: upstream.url, apiKey: 'sk-upstream-secret-0123456789' },
        models: { [MODEL]: model, alias: { ...model, upstreamModel: MODEL } },
      },
    },
  });
  const gateway = await createGateway(config, { logger: createSilentLogger(), stages });
  const { url } = await gateway.listen(0, '127.0.0.1');
  return {
    url,
    upstream,
    async close() {
      await gateway.close();
      await upstream.close();
    },
  };
}

/** POSTs `text` as it is and reads the whole answer. */
async function post(url: string, text: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: text,
  });
  return { status: response.status, body: await response.text() };
}

function sent(upstream: MockOpenAIUpstream): { text: string; body: Record<string, unknown> } {
  const request = upstream.requests.at(-1);
  if (!request) throw new Error('the upstream received no request');
  return { text: request.text ?? '', body: request.body as Record<string, unknown> };
}

// Spacing, key order and a vendor field the gateway does not know, as a client might write them.
const COMPLETE = `{ "messages": [ {"role":"user", "content":"caf\\u00e9 au lait"} ],
  "vendor_extension": {"keep": [1, 2.50]}, "model" : "${MODEL}" }\n`;
const STREAMED = `{"model":"${MODEL}","stream":true,"messages":[{"role":"user","content":"hi"}],"temperature":0.2}`;

describe('the client request text sent upstream', () => {
  // Each test starts its own gateway; whatever a test started is closed after it, pass or fail.
  const running: Started[] = [];
  let s: Started;
  const startTracked = async (...args: Parameters<typeof start>): Promise<Started> => {
    const started = await start(...args);
    running.push(started);
    return started;
  };
  afterEach(() => Promise.all(running.splice(0).map((started) => started.close())));

  it('sends a complete request as the client wrote it, byte for byte', async () => {
    s = await startTracked();
    const answer = await post(s.url, COMPLETE);
    expect(answer.status).to.equal(200);
    expect(sent(s.upstream).text).to.equal(COMPLETE);
  });

  it('sends a stream request as written plus the usage request, and still hides usage from the client', async () => {
    s = await startTracked();
    const answer = await post(s.url, STREAMED);
    expect(answer.status).to.equal(200);
    const { text, body } = sent(s.upstream);
    expect(text).to.equal(`${STREAMED.slice(0, -1)},"stream_options":{"include_usage":true}}`);
    expect(body.stream_options).to.deep.equal({ include_usage: true });
    expect(answer.body).to.include('data: [DONE]');
    expect(answer.body).not.to.include('"prompt_tokens"');
  });

  it('sends a stream request that asked for usage itself exactly as written', async () => {
    s = await startTracked();
    const text = STREAMED.replace('"stream":true', '"stream":true,"stream_options":{"include_usage":true}');
    const answer = await post(s.url, text);
    expect(answer.status).to.equal(200);
    expect(sent(s.upstream).text).to.equal(text);
    expect(answer.body).to.include('"prompt_tokens"');
  });

  it('serialises the request again when it must differ from the text', async () => {
    s = await startTracked();
    const cases: { text: string; check(body: Record<string, unknown>): void }[] = [
      {
        // stream_options the client wrote without usage: the gateway's own value wins.
        text: STREAMED.replace('"stream":true', '"stream":true,"stream_options":{"include_usage":false}'),
        check: (body) => expect(body.stream_options).to.deep.equal({ include_usage: true }),
      },
      {
        // Another catalog name: the upstream's own name goes instead.
        text: COMPLETE.replace(`"${MODEL}"`, '"alias"'),
        check: (body) => expect(body.model).to.equal(MODEL),
      },
      {
        // Gateway-only routing fields never leave.
        text: COMPLETE.replace('"model" :', `"models": ["${MODEL}"], "model" :`),
        check: (body) => expect(body).not.to.have.property('models'),
      },
      {
        // A complete answer never sends `stream`, even a false one.
        text: COMPLETE.replace('"model" :', '"stream": false, "model" :'),
        check: (body) => expect(body).not.to.have.property('stream'),
      },
    ];
    for (const { text, check } of cases) {
      const answer = await post(s.url, text);
      expect(answer.status, text).to.equal(200);
      const upstream = sent(s.upstream);
      expect(upstream.text, text).not.to.equal(text);
      check(upstream.body);
    }
  });

  it('sends what a guardrail rewrote, never the text the client wrote', async () => {
    s = await startTracked((config) => ({
      ...config,
      guardrails: {
        default: 'standard',
        profiles: {
          standard: [{ guardrail: 'deny-list', options: { terms: ['Falcon'] }, action: 'redact' }],
        },
      },
    }));
    const text = `{"model":"${MODEL}","messages":[{"role":"user","content":"status of Falcon"}]}`;
    expect((await post(s.url, text)).status).to.equal(200);
    const upstream = sent(s.upstream);
    expect(upstream.text).not.to.include('Falcon');
    expect((upstream.body.messages as { content: string }[])[0]?.content).to.equal('status of [DENY_LIST]');
  });

  it('serialises every request when a stage does not promise to replace rather than edit it', async () => {
    const editInPlace = defineStage({
      name: 'shout',
      create: () =>
        async function shout(ctx, next) {
          const request = ctx.request as ChatCompletionRequest;
          const message = request.messages[0] as { content: string };
          message.content = message.content.toUpperCase();
          await next();
        },
    });
    s = await startTracked(
      (config) => ({ ...config, pipeline: ['accounting', 'auth', 'shout', 'policy', 'route'] }),
      [editInPlace as AnyStageFactory],
    );
    expect((await post(s.url, COMPLETE)).status).to.equal(200);
    const upstream = sent(s.upstream);
    expect((upstream.body.messages as { content: string }[])[0]?.content).to.equal('CAFÉ AU LAIT');
  });

  it('adds the usage request as the last member of the object', () => {
    expect(withUsageRequested('{"a":1}')).to.equal('{"a":1,"stream_options":{"include_usage":true}}');
    expect(JSON.parse(withUsageRequested('{ "a" : {"b":"}"} }\n'))).to.deep.equal({
      a: { b: '}' },
      stream_options: { include_usage: true },
    });
  });
});
