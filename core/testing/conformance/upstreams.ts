/**
 * The bundled mock upstreams as conformance upstreams: each maps the kit's faults onto its
 * vendor's behaviours. A plugin for an OpenAI-compatible vendor can run the kit against
 * startOpenAIConformanceUpstream() as it is.
 */
import { startMockAnthropicUpstream } from '../mock-anthropic-upstream.js';
import { startMockGeminiUpstream } from '../mock-gemini-upstream.js';
import { startMockOpenAIUpstream } from '../mock-openai-upstream.js';
import type { MockFaults, MockServer } from '../mock-server.js';
import type { ConformanceFault, ConformanceUpstream } from './types.js';

type Text = { reply?: string };

function adapt<B extends MockFaults & Text>(
  server: MockServer<B> & { url: string },
  toolCall: (name: string, args: Record<string, unknown>) => B,
): ConformanceUpstream {
  const behaviour = (fault: ConformanceFault): B => {
    switch (fault.type) {
      case 'reply':
        return { reply: fault.text } as B;
      case 'tool-call':
        return toolCall(fault.name, fault.arguments);
      case 'status':
        return { status: fault.status, retryAfter: fault.retryAfterSeconds } as B;
      case 'slow':
        return { reply: fault.text, delayFirstByteMs: fault.delayMs, chunkDelayMs: fault.delayMs } as B;
    }
  };
  return {
    url: server.url,
    enqueue: (fault) => server.enqueue(behaviour(fault)),
    get requests() {
      return server.requests;
    },
    close: () => server.close(),
  };
}

export async function startOpenAIConformanceUpstream(): Promise<ConformanceUpstream> {
  return adapt(await startMockOpenAIUpstream(), (name, args) => ({
    toolCall: { name, arguments: JSON.stringify(args) },
  }));
}

export async function startAnthropicConformanceUpstream(): Promise<ConformanceUpstream> {
  return adapt(await startMockAnthropicUpstream(), (name, args) => ({
    toolCalls: [{ name, arguments: JSON.stringify(args) }],
  }));
}

export async function startGeminiConformanceUpstream(): Promise<ConformanceUpstream> {
  return adapt(await startMockGeminiUpstream(), (name, args) => ({ functionCalls: [{ name, args }] }));
}
