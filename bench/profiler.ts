/**
 * With `BENCH_PROFILE=1`, a benchmark server answers `profile-start` / `profile-stop` messages
 * from the orchestrator with the inspector's CPU profiler, so a profile covers the load window
 * only, not start-up or warm-up.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { isParentMessage, tell, type ParentMessage } from './protocol.js';

/** µs between samples; `BENCH_PROFILE_INTERVAL_US` lowers it for the sparse CPU of sequential requests. */
const SAMPLING_INTERVAL_US = Number(process.env.BENCH_PROFILE_INTERVAL_US ?? '200') || 200;

export function answerProfileRequests(): void {
  if (process.env.BENCH_PROFILE !== '1') return;
  const session = new Session();
  session.connect();
  const onMessage = async (message: ParentMessage): Promise<void> => {
    if (message.type === 'profile-start') {
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
      await session.post('Profiler.start');
    } else if (message.type === 'profile-stop') {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(message.path, JSON.stringify(profile));
      tell({ type: 'profile-saved', path: message.path });
    }
  };
  process.on('message', (message: unknown) => {
    if (!isParentMessage(message)) return;
    onMessage(message).catch((error: unknown) => tell({ type: 'failed', message: String(error) }));
  });
}
