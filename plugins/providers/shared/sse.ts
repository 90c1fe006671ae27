import { StringDecoder } from 'node:string_decoder';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** One SSE event or a parse failure, surfaced in stream order. */
export type SseItem = { kind: 'event'; event: EventSourceMessage } | { kind: 'overflow' };

// One event larger than this is not a chat chunk; stop before it exhausts memory.
const MAX_EVENT_CHARS = 16 * 1024 * 1024;

/**
 * A push parser turned into a queue the stream pulls from: bytes go in as they arrive from the
 * socket (CRLF, multi-line data, comments and lines split across TCP chunks are the parser's
 * job), events come out one at a time.
 */
export interface SseQueue {
  feed(bytes: Uint8Array): void;
  /** Call at the end of the body; an event without its closing blank line is dropped, as the spec says. */
  end(): void;
  shift(): SseItem | undefined;
  pending(): boolean;
}

export function createSseQueue(): SseQueue {
  // StringDecoder rather than TextDecoder: it also keeps a character split across reads for the
  // next one, and on Node 20 decodes a few KB about 8× faster than TextDecoder's streaming mode.
  const decoder = new StringDecoder('utf8');
  let items: SseItem[] = [];
  let head = 0;
  let overflowed = false;
  const parser = createParser({
    maxBufferSize: MAX_EVENT_CHARS,
    onEvent: (event) => items.push({ kind: 'event', event }),
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded' && !overflowed) {
        overflowed = true;
        items.push({ kind: 'overflow' });
      }
    },
  });

  return {
    feed(bytes) {
      // After an overflow the parser refuses input; the overflow item ends the stream anyway.
      if (!overflowed) parser.feed(decoder.write(bytes));
    },
    end() {
      if (!overflowed) parser.feed(decoder.end());
    },
    pending: () => head < items.length,
    shift() {
      if (head >= items.length) return undefined;
      const item = items[head++];
      // Reset instead of shifting so a burst of events costs O(n), not O(n²).
      if (head === items.length) {
        items = [];
        head = 0;
      }
      return item;
    },
  };
}
