/**
 * Bring-your-own-key in the built-in providers: a call with `CallOptions.credentials` sends the
 * caller's key in the vendor's own auth header instead of the configured one, and that call's
 * errors never show the caller's key.
 */
import { inspect } from 'node:util';
import { expect } from 'chai';
import { createSilentLogger } from '../../../core/logger.js';
import { SwitchyardError } from '../../../core/errors/switchyard-error.js';
import type { CallOptions, Provider, ProviderCreateContext } from '../../../core/provider.js';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../../../core/types/openai.js';
import {
  startMockAnthropicUpstream,
  startMockGeminiUpstream,
  startMockOpenAIUpstream,
  type MockFaults,
  type MockServer,
} from '../../../core/testing/index.js';
import { anthropicPlugin } from '../../../plugins/providers/anthropic/index.js';
import { geminiPlugin } from '../../../plugins/providers/gemini/index.js';
import { openaiCompatiblePlugin } from '../../../plugins/providers/openai-compatible/index.js';
import { DEFAULT_TIMEOUTS } from '../../../plugins/providers/shared/timeouts.js';
import { createCallAuth, createRequestHeaders } from '../../../plugins/providers/shared/headers.js';
import type { ErrorContext } from '../../../plugins/providers/shared/errors.js';
import { collect } from '../../support/async.js';
import { rejection } from '../../support/rejection.js';

const CONFIGURED = 'sk-configured-SECRET-0123456789abcdef';
const CALLER = 'sk-caller-OWNKEY-9876543210fedcba';
const request: ChatCompletionRequest = {
  model: 'catalog-model',
  messages: [{ role: 'user', content: 'Hi' }],
};
const context = (id: string): ProviderCreateContext => ({ id, logger: createSilentLogger(), now: Date.now });

/** What every vendor's mock scripts alike: faults, an error body and a mid-stream error event. */
type Behaviour = MockFaults & { error?: { message?: string }; errorEvent?: { message?: string } };

interface Vendor {
  name: string;
  start(): Promise<MockServer<Behaviour> & { url: string }>;
  create(url: string, options?: Record<string, unknown>): Provider;
  /** The header the vendor reads the key from, and how the key is written there. */
  header: string;
  format(key: string): string;
  embeddings: boolean;
}

const vendors: Vendor[] = [
  {
    name: 'openai-compatible',
    start: startMockOpenAIUpstream,
    create: (url, options) =>
      openaiCompatiblePlugin.create({ baseUrl: url, apiKey: CONFIGURED, ...options }, context('oai')),
    header: 'authorization',
    format: (key) => `Bearer ${key}`,
    embeddings: true,
  },
  {
    name: 'anthropic',
    start: startMockAnthropicUpstream,
    create: (url, options) =>
      anthropicPlugin.create({ baseUrl: url, apiKey: CONFIGURED, ...options }, context('claude')),
    header: 'x-api-key',
    format: (key) => key,
    embeddings: false,
  },
  {
    name: 'gemini',
    start: startMockGeminiUpstream,
    create: (url, options) =>
      geminiPlugin.create({ baseUrl: url, apiKey: CONFIGURED, ...options }, context('gem')),
    header: 'x-goog-api-key',
    format: (key) => key,
    embeddings: true,
  },
];

function expectScrubbed(error: unknown): SwitchyardError {
  if (!SwitchyardError.isInstance(error))
    throw new Error(`expected a SwitchyardError, got ${inspect(error)}`);
  const text = inspect(error, { depth: 8 });
  expect(text).not.to.contain(CALLER);
  expect(text).not.to.contain(CONFIGURED);
  expect(error.message).to.contain('[redacted]');
  return error;
}

for (const vendor of vendors) {
  describe(`BYOK: ${vendor.name} provider`, () => {
    let upstream: MockServer<Behaviour> & { url: string };
    const providers: Provider[] = [];
    const create = (options?: Record<string, unknown>): Provider => {
      const provider = vendor.create(upstream.url, options);
      providers.push(provider);
      return provider;
    };
    const call = (credentials?: { apiKey: string }): CallOptions => ({
      signal: new AbortController().signal,
      upstreamModel: 'upstream-model',
      ...(credentials ? { credentials } : {}),
    });
    const sentKeys = () => upstream.requests.map((r) => r.headers[vendor.header]);
    const allHeaders = () => JSON.stringify(upstream.requests.map((r) => r.headers));

    before(async () => (upstream = await vendor.start()));
    after(async () => {
      await Promise.all(providers.map((p) => p.close?.()));
      await upstream.close();
    });
    beforeEach(() => upstream.reset());

    it('sends the configured key when the call brings none', async () => {
      const provider = create();
      await provider.chat(request, call());
      await collect((await provider.chatStream({ ...request, stream: true }, call())).chunks);
      expect(sentKeys()).to.deep.equal([vendor.format(CONFIGURED), vendor.format(CONFIGURED)]);
    });

    it("sends the caller's key, and never the configured one, on chat, stream and embeddings", async () => {
      const provider = create();
      const byok = call({ apiKey: CALLER });
      await provider.chat(request, byok);
      const chunks: ChatCompletionChunk[] = await collect(
        (await provider.chatStream({ ...request, stream: true }, byok)).chunks,
      );
      expect(chunks.length).to.be.greaterThan(0);
      if (vendor.embeddings) await provider.embeddings?.({ model: 'e', input: 'x' }, byok);
      const expected = vendor.embeddings ? 3 : 2;
      expect(sentKeys()).to.deep.equal(Array(expected).fill(vendor.format(CALLER)));
      expect(allHeaders()).not.to.contain(CONFIGURED);
    });

    it('uses the caller key for that call only: the next call without one is back on the configured key', async () => {
      const provider = create();
      await Promise.all([provider.chat(request, call({ apiKey: CALLER })), provider.chat(request, call())]);
      await provider.chat(request, call());
      expect([...sentKeys()].sort()).to.deep.equal(
        [vendor.format(CALLER), vendor.format(CONFIGURED), vendor.format(CONFIGURED)].sort(),
      );
      expect(sentKeys().at(-1)).to.equal(vendor.format(CONFIGURED));
    });

    it('keeps configured extra headers and propagated headers beside the caller key', async () => {
      const provider = create({ headers: { 'x-extra': 'on' } });
      await provider.chat(request, { ...call({ apiKey: CALLER }), headers: { traceparent: '00-a-b-01' } });
      const headers = upstream.requests[0]?.headers;
      expect(headers?.[vendor.header]).to.equal(vendor.format(CALLER));
      expect(headers?.['x-extra']).to.equal('on');
      expect(headers?.traceparent).to.equal('00-a-b-01');
    });

    it('redacts the caller key from an error answer that echoes it', async () => {
      upstream.enqueue({ status: 401, error: { message: `Incorrect API key provided: ${CALLER}` } });
      const error = expectScrubbed(await rejection(create().chat(request, call({ apiKey: CALLER }))));
      expect(error.code).to.equal('SY_ERR_UPSTREAM_AUTHENTICATION');
    });

    it('redacts the caller key from an error answer to a streaming call', async () => {
      upstream.enqueue({ status: 400, error: { message: `key ${vendor.format(CALLER)} is not valid here` } });
      const provider = create();
      expectScrubbed(
        await rejection(provider.chatStream({ ...request, stream: true }, call({ apiKey: CALLER }))),
      );
    });

    it('redacts the caller key from an error event in the middle of a stream', async () => {
      upstream.enqueue({ errorEventAfterChunks: 1, errorEvent: { message: `quota of ${CALLER} exhausted` } });
      const { chunks } = await create().chatStream({ ...request, stream: true }, call({ apiKey: CALLER }));
      expectScrubbed(await rejection(collect(chunks)));
    });
  });
}

describe('BYOK: openai-compatible auth formats', () => {
  let upstream: Awaited<ReturnType<typeof startMockOpenAIUpstream>>;
  const providers: Provider[] = [];
  const create = (options: Record<string, unknown>): Provider => {
    const provider = openaiCompatiblePlugin.create({ baseUrl: upstream.origin, ...options }, context('oai'));
    providers.push(provider);
    return provider;
  };
  const byok: CallOptions = {
    signal: new AbortController().signal,
    upstreamModel: 'gpt',
    credentials: { apiKey: CALLER },
  };

  before(async () => (upstream = await startMockOpenAIUpstream()));
  after(async () => {
    await Promise.all(providers.map((p) => p.close?.()));
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  it("puts the caller key in Azure's api-key header, unprefixed", async () => {
    await create({ apiKey: CONFIGURED, azure: { apiVersion: '2024-10-21' } }).chat(request, byok);
    expect(upstream.requests[0]?.headers['api-key']).to.equal(CALLER);
    expect(upstream.requests[0]?.headers.authorization).to.equal(undefined);
  });

  it('honours a custom auth header and prefix', async () => {
    await create({ apiKey: CONFIGURED, authHeader: 'X-Api-Key', authPrefix: 'Key ' }).chat(request, byok);
    expect(upstream.requests[0]?.headers['x-api-key']).to.equal(`Key ${CALLER}`);
    expect(JSON.stringify(upstream.requests[0]?.headers)).not.to.contain(CONFIGURED);
  });

  it('sends the caller key to a provider configured without one', async () => {
    await create({}).chat(request, byok);
    expect(upstream.requests[0]?.headers.authorization).to.equal(`Bearer ${CALLER}`);
  });

  it('redacts the caller key from a 200 that carries an error body', async () => {
    const body = JSON.stringify({
      error: { message: `key ${CALLER} revoked`, type: 'invalid_request_error' },
    });
    upstream.enqueue({ rawBody: body });
    expectScrubbed(await rejection(create({ apiKey: CONFIGURED }).chat(request, byok)));
  });
});

describe('BYOK: createCallAuth', () => {
  const fixed = createRequestHeaders({ 'x-extra': 'on' }, { authorization: `Bearer ${CONFIGURED}` });
  const ctx: ErrorContext = {
    providerId: 'p',
    redact: (text) => text.split(CONFIGURED).join('[redacted]'),
    now: Date.now,
    timeouts: DEFAULT_TIMEOUTS,
  };
  const callAuth = createCallAuth(fixed, ctx, (key) => ({ Authorization: `Bearer ${key}` }));

  it('hands out the fixed headers and shared context as they are when the call brings no key', () => {
    const json = callAuth('json', undefined);
    expect(json.headers).to.equal(fixed.json);
    expect(json.ctx).to.equal(ctx);
    expect(callAuth('json', undefined)).to.equal(json);
    expect(callAuth('stream', undefined).headers).to.equal(fixed.stream);
  });

  it('replaces the configured auth header and scrubs both keys, leaving the fixed headers untouched', () => {
    const auth = callAuth('stream', { apiKey: CALLER });
    expect(auth.headers).to.include({
      authorization: `Bearer ${CALLER}`,
      accept: 'text/event-stream',
      'x-extra': 'on',
    });
    expect(auth.headers).not.to.have.property('Authorization');
    expect(fixed.stream.authorization).to.equal(`Bearer ${CONFIGURED}`);
    expect(auth.ctx.redact(`a ${CALLER} b Bearer ${CALLER} c ${CONFIGURED}`)).to.equal(
      'a [redacted] b Bearer [redacted] c [redacted]',
    );
    expect(ctx.redact(CALLER)).to.equal(CALLER);
  });
});
