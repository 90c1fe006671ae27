/**
 * The benchmark's upstream, in a process of its own so it never shares an event loop with what
 * is measured. Two mock OpenAI servers on loopback:
 *
 * - `fast`: answers at once and writes a whole stream in one go (throughput runs);
 * - `paced`: pauses `BENCH_CHUNK_DELAY_MS` (default 1 ms) between stream chunks, so the first
 *   token arrives well before the last one and time to first token means something.
 *
 * Neither keeps a record of requests. Started by bench/gateway.bench.ts.
 */
import { startMockOpenAIUpstream } from '../core/testing/mock-openai-upstream.js';
import { exitWithParent, REPLY, tell } from './protocol.js';

const chunkDelayMs = Number(process.env.BENCH_CHUNK_DELAY_MS ?? '1');

const [fast, paced] = await Promise.all([
  startMockOpenAIUpstream({ record: false, defaultBehaviour: { reply: REPLY } }),
  startMockOpenAIUpstream({ record: false, chunkDelayMs, defaultBehaviour: { reply: REPLY } }),
]);

exitWithParent(async () => {
  await Promise.all([fast.close(), paced.close()]);
});
tell({ type: 'ready', urls: { fast: fast.origin, paced: paced.origin } });
