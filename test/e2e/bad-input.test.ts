import { expect } from 'chai';
import fc from 'fast-check';
import { request } from 'node:http';
import OpenAI, { type BadRequestError } from 'openai';
import { startHarness, type Harness } from '../support/harness.js';
import { assertOpenAIShape } from '../support/openai-schemas.js';

async function post(h: Harness, body: string | Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return {
    status: response.status,
    body: (await response.json()) as { error: { code: string; param: string | null; message: string } },
  };
}

describe('bad input gets a 4xx in the OpenAI error shape', () => {
  let h: Harness;
  before(
    async () => (h = await startHarness({ configure: (c) => ({ ...c, server: { bodyLimitBytes: 4096 } }) })),
  );
  after(() => h.close());

  it('malformed JSON → 400 SY_ERR_REQUEST_INVALID_JSON', async () => {
    const { status, body } = await post(h, '{"model": "test-model", ');
    expect(status).to.equal(400);
    assertOpenAIShape('ErrorResponse', body);
    expect(body.error.code).to.equal('SY_ERR_REQUEST_INVALID_JSON');
  });

  it('a missing field → 400 naming the field', async () => {
    const { status, body } = await post(h, JSON.stringify({ model: 'test-model' }));
    expect(status).to.equal(400);
    expect(body.error).to.include({ code: 'SY_ERR_REQUEST_INVALID', param: 'messages' });
  });

  it('a wrong type → 400 naming the field, raised by the SDK as BadRequestError', async () => {
    const error = await h.client.chat.completions
      .create({
        model: 'test-model',
        messages: [{ role: 'user', content: 'x' }],
        max_tokens: 'ten' as unknown as number,
      })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(OpenAI.BadRequestError);
    expect((error as BadRequestError).param).to.equal('max_tokens');
  });

  it('an unknown model → 404 that says how to list models, raised as NotFoundError', async () => {
    const error = await h.client.chat.completions
      .create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(OpenAI.NotFoundError);
    expect((error as Error).message).to.include('GET /v1/models');
  });

  it('a body over the limit → 413 from Content-Length, before reading it', async () => {
    const { status, body } = await post(
      h,
      JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content: 'x'.repeat(10_000) }] }),
    );
    expect(status).to.equal(413);
    expect(body.error.code).to.equal('SY_ERR_REQUEST_TOO_LARGE');
  });

  it('a chunked body over the limit → 413 while reading', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${h.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write('x'.repeat(1000));
      req.end();
    });
    expect(status).to.equal(413);
  });

  it('an unknown path → 404 and a wrong method → 405, both in the OpenAI shape', async () => {
    const missing = await fetch(`${h.url}/v1/nothing-here`);
    expect(missing.status).to.equal(404);
    assertOpenAIShape('ErrorResponse', await missing.json());
    const wrongMethod = await fetch(`${h.url}/v1/chat/completions`);
    expect(wrongMethod.status).to.equal(405);
    expect(((await wrongMethod.json()) as { error: { code: string } }).error.code).to.equal(
      'SY_ERR_METHOD_NOT_ALLOWED',
    );
  });

  it('random bodies and headers never produce a 5xx or take the process down (fast-check)', async function () {
    this.timeout(60_000);
    const json = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .record(
          {
            model: fc.oneof(fc.constant('mock-small'), fc.string(), fc.integer()),
            messages: fc.oneof(
              fc.array(
                fc.record({ role: fc.oneof(fc.constant('user'), fc.string()), content: fc.jsonValue() }),
                { maxLength: 3 },
              ),
              fc.jsonValue(),
            ),
            stream: fc.oneof(fc.boolean(), fc.jsonValue()),
            temperature: fc.jsonValue(),
            tools: fc.jsonValue(),
            n: fc.jsonValue(),
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
    );
    const header = fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s));
    await fc.assert(
      fc.asyncProperty(json, header, header, async (body, contentType, authorization) => {
        const response = await fetch(`${h.url}/v1/chat/completions`, {
          method: 'POST',
          headers: {
            'content-type': contentType || 'application/json',
            authorization,
            'x-api-key': authorization,
          },
          body,
        });
        const text = await response.text();
        if (response.status >= 500) throw new Error(`status ${response.status} for ${body}: ${text}`);
        if (response.status >= 400) assertOpenAIShape('ErrorResponse', JSON.parse(text));
      }),
      { numRuns: 300, seed: 20261122 },
    );
    const health = await fetch(`${h.url}/health`);
    expect(health.status).to.equal(200);
  });
});
