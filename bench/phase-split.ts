/**
 * Turns one server's socket marks (bench/socket-marks.ts) into per-request phases for
 * bench/phases.ts. Requests are sequential, so each lies between two `request` marks; the
 * listening port tells client-side sockets from upstream ones.
 */
import type { SocketMark } from './socket-marks.js';

/** One request's phases, in microseconds (see bench/phases.ts). */
export interface Phases {
  preSend: number;
  upstream: number;
  contentOut: number;
}

export function phasesOf(marks: readonly SocketMark[], listenPort: number): Phases[] {
  const found: Phases[] = [];
  let start: number | undefined;
  let upstreamWrite: number | undefined;
  let contentRead: number | undefined;
  for (const mark of marks) {
    const client = mark.localPort === listenPort;
    if (mark.kind === 'request') {
      start = mark.at;
      upstreamWrite = undefined;
      contentRead = undefined;
    } else if (start === undefined) {
      continue;
    } else if (mark.kind === 'write' && !client && upstreamWrite === undefined) {
      upstreamWrite = mark.at;
    } else if (mark.kind === 'read' && !client && mark.content && contentRead === undefined) {
      contentRead = mark.at;
    } else if (mark.kind === 'write' && client && mark.content && contentRead !== undefined) {
      if (upstreamWrite !== undefined) {
        found.push({
          preSend: upstreamWrite - start,
          upstream: contentRead - upstreamWrite,
          contentOut: mark.at - contentRead,
        });
      }
      start = undefined;
    }
  }
  return found;
}
