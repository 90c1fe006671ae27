import { expect } from 'chai';
import { trace } from '@opentelemetry/api';
import { startMockAnthropicUpstream, startMockGeminiUpstream } from '../../../core/testing/index.js';
import { formatTraceparent, parseTraceparent } from '../../../index.js';
import { startHarness, type Harness } from '../../support/harness.js';
import { createTestTracerProvider } from '../../support/test-tracer.js';

const INCOMING = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function chat(h: Harness, headers: Record<string, string> = {}, model = 'test-model') {
  return fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
}

const seen = (h: Harness, i: number) =>
  h.upstreams[i]?.requests.map((r) => ({
    traceparent: r.headers.traceparent,
    tracestate: r.headers.tracestate,
  }));

describe('trace context', () => {
  it('parses and formats W3C traceparent, refusing malformed and all-zero ids', () => {
    const parsed = parseTraceparent(INCOMING);
    expect(parsed).to.include({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' });
    expect(formatTraceparent(parsed as NonNullable<typeof parsed>)).to.equal(INCOMING);
    for (const bad of ['', 'garbage', `ff${INCOMING.slice(2)}`, `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`]) {
      expect(parseTraceparent(bad), bad).to.equal(undefined);
    }
  });

  describe('without an OpenTelemetry SDK', () => {
    let h: Harness;
    before(async () => (h = await startHarness({ upstreams: 2 })));
    after(() => h.close());
    beforeEach(() => h.upstreams.forEach((u) => u.reset()));

    it('passes the incoming traceparent and tracestate upstream unchanged', async () => {
      const response = await chat(h, { traceparent: INCOMING, tracestate: 'vendor=abc' });
      expect(response.status).to.equal(200);
      expect(seen(h, 0)).to.deep.equal([{ traceparent: INCOMING, tracestate: 'vendor=abc' }]);
    });

    it('starts a trace named after the request id when none came in, the same for every attempt', async () => {
      h.upstreams[0]?.enqueue({ status: 500 });
      const response = await chat(h, { traceparent: 'not-a-traceparent' });
      expect(response.status).to.equal(200);
      const requestId = response.headers.get('x-switchyard-request-id') ?? '';
      const first = seen(h, 0)?.[0]?.traceparent;
      expect(first).to.match(new RegExp(`^00-${requestId.slice(4)}-[0-9a-f]{16}-00$`));
      expect(seen(h, 1)?.[0]?.traceparent).to.equal(first);
    });
  });

  describe('with an OpenTelemetry SDK registered by the host', () => {
    const provider = createTestTracerProvider();
    let h: Harness;
    before(async () => {
      trace.setGlobalTracerProvider(provider);
      h = await startHarness({ upstreams: 2 });
    });
    after(async () => {
      await h.close();
      trace.disable();
    });

    it('records a request span under the incoming one and a span per attempt, whose id goes upstream', async () => {
      h.upstreams[0]?.enqueue({ status: 503 });
      const response = await chat(h, { traceparent: INCOMING });
      expect(response.status).to.equal(200);
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const request = provider.spans.find((s) => s.name === 'switchyard.request');
      const attempts = provider.spans.filter((s) => s.name === 'switchyard.attempt');
      expect(request?.parentSpanId).to.equal('00f067aa0ba902b7');
      expect(request?.context.traceId).to.equal(traceId);
      expect(request?.ended).to.equal(true);
      expect(attempts).to.have.length(2);
      expect(attempts.every((a) => a.parentSpanId === request?.context.spanId && a.ended)).to.equal(true);
      expect(attempts[0]?.attributes).to.include({
        'switchyard.provider': 'p0',
        'switchyard.error_code': 'SY_ERR_UPSTREAM_OVERLOADED',
      });
      expect(attempts[0]?.status?.code).to.equal(2);
      expect(attempts[1]?.attributes).to.include({ 'switchyard.provider': 'p1' });
      expect(seen(h, 0)?.[0]?.traceparent).to.equal(
        formatTraceparent(attempts[0]?.context ?? request!.context),
      );
      expect(seen(h, 1)?.[0]?.traceparent).to.equal(
        formatTraceparent(attempts[1]?.context ?? request!.context),
      );
    });
  });

  it('reaches Anthropic and Gemini upstreams too', async () => {
    const claude = await startMockAnthropicUpstream();
    const gemini = await startMockGeminiUpstream();
    const h = await startHarness({
      configure: (config) => ({
        ...config,
        providers: {
          claude: {
            plugin: 'anthropic',
            options: { baseUrl: claude.url, apiKey: 'sk-ant-0123456789' },
            models: { claude: {} },
          },
          google: {
            plugin: 'gemini',
            options: { baseUrl: gemini.url, apiKey: 'AIza-0123456789' },
            models: { gemini: {} },
          },
        },
      }),
    });
    try {
      expect((await chat(h, { traceparent: INCOMING }, 'claude')).status).to.equal(200);
      expect((await chat(h, { traceparent: INCOMING }, 'gemini')).status).to.equal(200);
      expect(claude.requests[0]?.headers.traceparent).to.equal(INCOMING);
      expect(gemini.requests[0]?.headers.traceparent).to.equal(INCOMING);
    } finally {
      await h.close();
      await Promise.all([claude.close(), gemini.close()]);
    }
  });
});
