import { expect } from 'chai';
import {
  createChatRouter,
  createGateway,
  createSilentLogger,
  SwitchyardError,
  toChatRequest,
  type Caller,
  type Gateway,
  type GatewayEventMap,
} from '../../index.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../../core/testing/index.js';
import { upstreamProvider } from '../support/harness.js';
import { upstreamAbortSeen } from '../support/embedding.js';

const alice: Caller = { id: 'alice', team: 'red', labels: {} };
const messages = [{ role: 'user' as const, content: 'hello in-process' }];

async function rejection(promise: Promise<unknown>): Promise<SwitchyardError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!SwitchyardError.isInstance(error)) throw new Error(`expected a SwitchyardError, got ${String(error)}`);
  return error;
}

describe('gateway.chat() in-process', () => {
  let upstream: MockOpenAIUpstream;
  let gateway: Gateway;
  before(async () => {
    upstream = await startMockOpenAIUpstream({ record: true });
    gateway = await createGateway(
      {
        providers: {
          up: upstreamProvider(upstream),
          mock: { plugin: 'mock', models: { 'mock-small': { pricing: { input: 0.1, output: 0.4 } } } },
        },
        routing: { failover: { backoffBaseMs: 1, backoffMaxMs: 5 } },
        auth: { keys: [{ key: 'sy-inproc-key-123456', team: 'blue' }] },
      },
      { logger: createSilentLogger() },
    );
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  it('returns the completion, priced by the accounting stage, without touching the request', async () => {
    const request = { model: 'test-model', messages };
    const completion = await gateway.chat(request, { caller: alice });
    expect(completion.object).to.equal('chat.completion');
    expect(completion.usage?.cost).to.be.a('number').above(0);
    expect(upstream.requests[0]?.body).to.have.nested.property('messages[0].content', 'hello in-process');
    expect(request).to.deep.equal({ model: 'test-model', messages });
  });

  it('returns an async iterator of chunks for stream: true', async () => {
    upstream.enqueue({ replyChunks: ['a', 'b', 'c'] });
    const stream = await gateway.chat({ model: 'test-model', stream: true, messages }, { caller: alice });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).to.equal('abc');
  });

  it('trusts the given caller, applies its allow-list, and authenticates without one', async () => {
    const limited: Caller = { id: 'bob', labels: {}, allow: { models: ['mock-*'] } };
    const forbidden = await rejection(gateway.chat({ model: 'test-model', messages }, { caller: limited }));
    expect(forbidden.code).to.equal('SY_ERR_AUTH_FORBIDDEN');
    const anonymous = await rejection(gateway.chat({ model: 'test-model', messages }));
    expect(anonymous.code).to.equal('SY_ERR_AUTH_UNAUTHORIZED');
    const keyed = await gateway.chat(
      { model: 'mock-small', messages },
      { headers: { Authorization: 'Bearer sy-inproc-key-123456' } },
    );
    expect(keyed.choices[0]?.message.content).to.include('hello in-process');
  });

  it('throws SwitchyardError for an invalid request', async () => {
    const error = await rejection(gateway.chat({ model: 'test-model', messages: [] }, { caller: alice }));
    expect(error.code).to.match(/^SY_ERR_REQUEST_INVALID/);
    expect(error.status).to.equal(400);
  });

  it('cancels the upstream call when the caller’s signal aborts', async () => {
    upstream.enqueue({ delayFirstByteMs: 3_000 });
    const controller = new AbortController();
    const pending = gateway.chat(
      { model: 'test-model', messages },
      { caller: alice, signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 100);
    const error = await rejection(pending);
    expect(error.code).to.equal('SY_ERR_CLIENT_CLOSED');
    await upstreamAbortSeen(upstream.requests);
  });

  it('cancels the upstream stream when the consumer breaks out', async () => {
    upstream.enqueue({ reply: Array.from({ length: 100 }, (_, i) => `w${i}`).join(' '), chunkDelayMs: 30 });
    const stream = await gateway.chat({ model: 'test-model', stream: true, messages }, { caller: alice });
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) break;
    await upstreamAbortSeen(upstream.requests);
  });

  it('router.chat maps fallback onto models and fails over, emitting the request’s events', async () => {
    upstream.enqueue({ status: 500 });
    const seen: string[] = [];
    let routed: GatewayEventMap['routed'] | undefined;
    let usage: GatewayEventMap['usage'] | undefined;
    const listeners = {
      request: () => seen.push('request'),
      routed: (e: GatewayEventMap['routed']) => (seen.push('routed'), (routed = e)),
      'attempt-failed': (e: GatewayEventMap['attempt-failed']) => seen.push(`failed:${e.attempt.provider}`),
      usage: (e: GatewayEventMap['usage']) => (seen.push('usage'), (usage = e)),
      response: (e: GatewayEventMap['response']) => seen.push(`response:${e.outcome}:${e.served?.provider}`),
    };
    gateway.on('request', listeners.request).on('routed', listeners.routed);
    gateway.on('attempt-failed', listeners['attempt-failed']).on('usage', listeners.usage);
    gateway.on('response', listeners.response);
    try {
      const router = createChatRouter(gateway, { caller: alice });
      const completion = await router.chat({ model: 'test-model', fallback: ['mock-small'], messages });
      expect(completion.choices[0]?.message.content).to.include('hello in-process');
    } finally {
      gateway.off('request', listeners.request).off('routed', listeners.routed);
      gateway.off('attempt-failed', listeners['attempt-failed']).off('usage', listeners.usage);
      gateway.off('response', listeners.response);
    }
    expect(seen).to.deep.equal(['request', 'routed', 'failed:up', 'usage', 'response:ok:mock']);
    expect(routed?.plan.candidates.map((c) => c.entry.provider)).to.deep.equal(['up', 'mock']);
    expect(routed?.caller?.id).to.equal('alice');
    expect(usage?.usage.costUsd).to.be.above(0);
  });

  it('router.chat maps maxPrice onto provider.max_price', async () => {
    expect(
      toChatRequest({ model: 'm', messages, maxPrice: { prompt: 1 }, provider: { sort: 'price' } }),
    ).to.deep.equal({
      model: 'm',
      messages,
      provider: { sort: 'price', max_price: { prompt: 1 } },
    });
    const router = createChatRouter(gateway, { caller: alice });
    const error = await rejection(router.chat({ model: 'test-model', maxPrice: { prompt: 0.01 }, messages }));
    expect(error.status).to.be.within(400, 599);
    expect(upstream.calls).to.equal(0);
    const cheap = await router.chat({
      model: 'test-model',
      fallback: ['mock-small'],
      maxPrice: { prompt: 0.5 },
      messages,
    });
    expect(cheap.choices[0]?.message.content).to.include('hello in-process');
  });
});
