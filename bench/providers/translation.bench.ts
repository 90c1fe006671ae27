/**
 * Translation overhead of the anthropic and gemini providers against the openai-compatible
 * pass-through, in process and without sockets: what each costs per request (canonical request →
 * upstream body text, upstream answer text → canonical completion) and per streamed event (event
 * data → canonical chunks). The pass-through's figures are its JSON stringify/parse; the ratios
 * say how many pass-throughs one translation costs.
 *
 *   node --import tsx bench/providers/translation.bench.ts [iterations]
 */
import {
  chatCompletionFromAnthropic,
  chatRequestToAnthropic,
  type AnthropicMessage,
} from '../../core/translate/anthropic/index.js';
import type { ChatCompletionRequest } from '../../core/types/openai.js';
import { anthropicAnswer } from '../../core/testing/mock-anthropic-wire.js';
import { geminiAnswer } from '../../core/testing/mock-gemini-wire.js';
import { wireAnswer } from '../../core/testing/mock-openai-wire.js';
import { createAnthropicStreamTranslator } from '../../plugins/providers/anthropic/stream.js';
import { createGeminiStreamTranslator } from '../../plugins/providers/gemini/stream.js';
import { chatRequestToGemini } from '../../plugins/providers/gemini/translate-request.js';
import { chatCompletionFromGemini } from '../../plugins/providers/gemini/translate-response.js';
import type { GeminiResponse } from '../../plugins/providers/gemini/types.js';
import { chatBody } from '../../plugins/providers/openai-compatible/request-body.js';
import { createOpenAIStreamTranslator } from '../../plugins/providers/openai-compatible/stream.js';
import type { ErrorContext } from '../../plugins/providers/shared/errors.js';
import { DEFAULT_TIMEOUTS } from '../../plugins/providers/shared/timeouts.js';
import type { StreamTranslator } from '../../plugins/providers/shared/chunk-stream.js';

const ITERATIONS = Number(process.argv[2] ?? 20_000);
const REPLY =
  'Switchyard routes each request through its pipeline, picks a provider from the routing plan, ' +
  'fails over on retryable errors and accounts for every token it forwards, so this reply is a ' +
  'paragraph of about sixty words that stands in for a typical short chat answer from a model.';

// A typical agent turn: system prompt, a few exchanges, one tool round trip, two tools declared.
const request: ChatCompletionRequest = {
  model: 'catalog-model',
  temperature: 0.2,
  max_tokens: 1024,
  tools: ['get_weather', 'search_docs'].map((name) => ({
    type: 'function' as const,
    function: {
      name,
      description: `The ${name} tool.`,
      parameters: {
        type: 'object',
        properties: { q: { type: 'string' }, limit: { type: 'integer' } },
        required: ['q'],
      },
    },
  })),
  messages: [
    { role: 'system', content: 'You are a careful assistant. Answer briefly and cite the docs you used.' },
    { role: 'user', content: 'How does failover decide whether to try the next provider?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'search_docs', arguments: '{"q":"failover retryable"}' },
        },
      ],
    },
    {
      role: 'tool',
      tool_call_id: 'call_1',
      content: 'Failover reads the error’s retryable flag and nothing else.',
    },
    { role: 'assistant', content: 'It reads the retryable flag of the error.' },
    { role: 'user', content: 'And what happens with Retry-After?' },
  ],
};

const ctx: ErrorContext = {
  providerId: 'bench',
  redact: (t) => t,
  now: Date.now,
  timeouts: DEFAULT_TIMEOUTS,
};
const created = Math.floor(Date.now() / 1000);
const payloads = (events: readonly string[]) =>
  events.map((event) => /^data: (.*)$/m.exec(event)?.[1] ?? '').filter((data) => data !== '');
const eventNames = (events: readonly string[]) => events.map((event) => /^event: (.*)$/m.exec(event)?.[1]);

const openai = wireAnswer({ model: 'gpt-4o-mini', text: REPLY, includeUsage: true, promptTokens: 400 });
const anthropic = anthropicAnswer({
  model: 'claude',
  text: REPLY,
  toolCalls: [],
  inputTokens: 400,
  cacheReadTokens: 0,
  cacheCreationTokens: 0,
});
const gemini = geminiAnswer({
  model: 'gemini',
  text: REPLY,
  functionCalls: [],
  promptTokens: 400,
  cachedTokens: 0,
  thoughtsTokens: 0,
  candidates: 1,
});

let sink = 0;
/** Nanoseconds per call of `fn`, after a warm-up of a tenth of the iterations. */
function time(fn: () => unknown, iterations = ITERATIONS): number {
  for (let i = 0; i < iterations / 10; i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) if (fn() !== undefined) sink++;
  return Number(process.hrtime.bigint() - start) / iterations;
}

/** Nanoseconds per event: a whole stream through a fresh translator, divided by its events. */
function perEvent(make: () => StreamTranslator, data: string[], names: (string | undefined)[] = []): number {
  const emit = () => void sink++;
  const whole = time(
    () => {
      const translator = make();
      data.forEach((d, i) => translator.event(d, names[i], emit));
    },
    Math.ceil(ITERATIONS / 10),
  );
  return whole / data.length;
}

const rows: [string, number, number, number][] = [];
const row = (name: string, pass: number, anth: number, gem: number) => rows.push([name, pass, anth, gem]);

row(
  'request: canonical → upstream body',
  time(() => chatBody(request, 'gpt-4o-mini', false)),
  time(() =>
    JSON.stringify(chatRequestToAnthropic(request, { upstreamModel: 'claude', defaultMaxTokens: 4096 }).body),
  ),
  time(() => JSON.stringify(chatRequestToGemini(request, 'bench').body)),
);
row(
  'response: upstream JSON → completion',
  time(() => JSON.parse(openai.json)),
  time(() => chatCompletionFromAnthropic(JSON.parse(anthropic.json) as AnthropicMessage, created)),
  time(() => chatCompletionFromGemini(JSON.parse(gemini.json) as GeminiResponse, 'gemini', created)),
);
row(
  'stream: per upstream event',
  perEvent(() => createOpenAIStreamTranslator(ctx), payloads(openai.events)),
  perEvent(
    () => createAnthropicStreamTranslator(ctx, { created, includeUsage: true }),
    payloads(anthropic.events),
    eventNames(anthropic.events),
  ),
  perEvent(
    () => createGeminiStreamTranslator(ctx, { model: 'gemini', created, includeUsage: true }),
    payloads(gemini.events),
  ),
);

const us = (ns: number) => `${(ns / 1000).toFixed(2)} µs`;
const ratio = (ns: number, base: number) => `${(ns / base).toFixed(2)}×`;
console.log(
  `Node ${process.version}, ${ITERATIONS} iterations (streams: ${Math.ceil(ITERATIONS / 10)} whole streams)\n`,
);
console.log('| | openai-compatible (pass-through) | anthropic | gemini |');
console.log('| --- | --- | --- | --- |');
for (const [name, pass, anth, gem] of rows)
  console.log(
    `| ${name} | ${us(pass)} | ${us(anth)} (${ratio(anth, pass)}) | ${us(gem)} (${ratio(gem, pass)}) |`,
  );
console.log(
  `\nevents per stream: openai ${payloads(openai.events).length}, anthropic ${anthropic.events.length}, gemini ${gemini.events.length}`,
);
if (sink < 0) console.log(sink);
