/**
 * Calling Switchyard from application code, without HTTP: a batch job asks for summaries with a
 * fallback model and a price ceiling, and streams one answer. Policies, guardrails, routing,
 * budgets and accounting all apply; the caller given is trusted.
 *
 *   node --import tsx examples/in-process/main.ts
 */
import { pathToFileURL } from 'node:url';
import { createChatRouter, createGateway, createSilentLogger, type Logger } from '../../index.js';

export async function start(options: { logger?: Logger } = {}) {
  const gateway = await createGateway(
    {
      providers: {
        mock: {
          plugin: 'mock',
          models: {
            'mock-large': { pricing: { input: 10, output: 30 } },
            'mock-small': { pricing: { input: 0.1, output: 0.4 } },
          },
        },
      },
    },
    { logger: options.logger ?? createSilentLogger() },
  );
  const router = createChatRouter(gateway, { caller: { id: 'nightly-digest', team: 'ops', labels: {} } });
  return { gateway, router, close: () => gateway.close() };
}

/** The job: one answer with a fallback under a price ceiling, one streamed. */
export async function run(router: Awaited<ReturnType<typeof start>>['router']) {
  const summary = await router.chat({
    model: 'mock-large',
    fallback: ['mock-small'],
    // mock-large costs more than this: the policy routes to the fallback.
    maxPrice: { prompt: 1, completion: 2 },
    messages: [{ role: 'user', content: 'Summarise the overnight alerts.' }],
  });
  let streamed = '';
  const stream = await router.chat({
    model: 'mock-small',
    stream: true,
    messages: [{ role: 'user', content: 'Write a haiku about queues.' }],
  });
  for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
  return { summary: summary.choices[0]?.message.content ?? '', model: summary.model, streamed };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { router, close } = await start();
  try {
    const { summary, model, streamed } = await run(router);
    console.log(`summary (${model}): ${summary}`);
    console.log(`streamed: ${streamed}`);
  } finally {
    await close();
  }
}
