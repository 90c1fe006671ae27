import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import { createParser, type EventSourceParser } from 'eventsource-parser';
import type { WireSpan } from '../../../core/stream/stream-chunk.js';

/**
 * One server-sent event. When it was a single `data` line, `bytes.subarray(start, end)` is the
 * event as the upstream sent it (`data: …\n\n`), so that a chunk nobody changed can be forwarded
 * without encoding it again (offsets rather than a view: a Buffer view per event costs more than
 * the rest of splitting it).
 */
export interface SseEvent {
  kind: 'event';
  data: string;
  /** The `event:` field, when the event had one. */
  event: string | undefined;
  bytes: Buffer | undefined;
  start: number;
  end: number;
}

/** The event's bytes, when it has them. */
export function wireOf(event: SseEvent): WireSpan | undefined {
  return event.bytes === undefined ? undefined : (event as WireSpan);
}

/** An event, or the parse failure that ends the stream, surfaced in stream order. */
export type SseItem = SseEvent | { kind: 'overflow' };

// One event larger than this is not a chat chunk; stop before it exhausts memory.
const MAX_EVENT_BYTES = 16 * 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;

/** Whether the line at `at` starts with `data:` (byte by byte: Buffer.compare's checks cost more). */
function isDataField(bytes: Buffer, at: number): boolean {
  return (
    bytes[at] === 0x64 && // d
    bytes[at + 1] === 0x61 && // a
    bytes[at + 2] === 0x74 && // t
    bytes[at + 3] === 0x61 && // a
    bytes[at + 4] === 0x3a // :
  );
}

/** Splits bytes into events as they arrive from the socket, handing each to its consumer. */
export interface SseSplitter {
  feed(bytes: Uint8Array): void;
  /** Call at the end of the body; an event without its closing blank line is dropped, as the spec says. */
  end(): void;
}

/** The splitter as a queue: bytes go in as they arrive from the socket, events come out one at a time. */
export interface SseQueue {
  feed(bytes: Uint8Array): void;
  /** Call at the end of the body; an event without its closing blank line is dropped, as the spec says. */
  end(): void;
  shift(): SseItem | undefined;
  pending(): boolean;
}

/**
 * Two parsers in one. Chat upstreams frame nearly every event as one `data: …` line and a blank
 * line, LF only: those are split here on the bytes, and each event keeps its bytes for the writer
 * (SseEvent.bytes). The first thing that is not that framing — a carriage return, a comment, an
 * `event:` or `id:` field, a multi-line or empty `data`, a byte order mark — hands the rest of the
 * stream to eventsource-parser, which implements the whole format (and got these bytes at an event
 * boundary, since the byte splitter only ever consumes whole events).
 */
export function createSseQueue(): SseQueue {
  let items: SseItem[] = [];
  let head = 0;
  const splitter = createSseSplitter((item) => {
    items.push(item);
    return false;
  });
  return {
    feed: (bytes) => splitter.feed(bytes),
    end: () => splitter.end(),
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

/**
 * The splitter behind createSseQueue, handing each event straight to `onItem` as it is split off
 * (no queue between the splitter and the translator: an array push and shift per event cost
 * more than the rest of splitting it). `onItem` returns true once it wants no more (the closing
 * event): whatever else the input holds is dropped.
 */
export function createSseSplitter(onItem: (item: SseItem) => boolean): SseSplitter {
  let stopped = false;
  let overflowed = false;
  // The byte splitter's unconsumed tail, the start of an event whose end has not arrived, in the
  // parts it came in (joined only when a line end arrives, so an event fed byte by byte costs
  // O(n), not O(n²)).
  let rest: Buffer[] = [];
  let restBytes = 0;
  let general: { parser: EventSourceParser; decoder: StringDecoder } | undefined;

  /** Hands `item` on; true once the consumer wants no more. */
  const deliver = (item: SseItem): boolean => {
    if (!stopped && onItem(item)) stopped = true;
    return stopped;
  };
  const overflow = (): void => {
    if (overflowed) return;
    overflowed = true;
    deliver({ kind: 'overflow' });
  };

  const handOver = (bytes: Buffer): void => {
    // StringDecoder rather than TextDecoder: it also keeps a character split across reads for
    // the next one, and on Node 20 decodes a few KB about 8× faster than TextDecoder's streaming mode.
    general = {
      decoder: new StringDecoder('utf8'),
      parser: createParser({
        maxBufferSize: MAX_EVENT_BYTES,
        onEvent: (event) =>
          deliver({
            kind: 'event',
            data: event.data,
            event: event.event,
            bytes: undefined,
            start: 0,
            end: 0,
          }),
        onError: (error) => {
          if (error.type === 'max-buffer-size-exceeded') overflow();
        },
      }),
    };
    general.parser.feed(general.decoder.write(bytes));
  };

  /** Splits whole single-line `data` events off `bytes`; hands over at the first other thing. */
  const split = (bytes: Buffer): void => {
    // Carriage returns mean CR or CRLF line ends somewhere: the general parser's job.
    if (bytes.indexOf(CR) !== -1) return handOver(bytes);
    // ASCII (the usual chat chunk: JSON escapes aside, English text): decoded once, each event a
    // slice of that string; else each event is decoded on its own.
    const text = isAscii(bytes) ? bytes.toString('latin1') : undefined;
    let at = 0;
    while (at < bytes.length) {
      // The string's own search when there is one: Buffer#indexOf is a call into C++ per event.
      const lineEnd = text === undefined ? bytes.indexOf(LF, at) : text.indexOf('\n', at);
      // Whether the line closes the event shows only with the byte after it.
      if (lineEnd === -1 || lineEnd + 1 >= bytes.length) break;
      let value = at + 5;
      if (bytes[lineEnd + 1] !== LF || value > lineEnd || !isDataField(bytes, at)) {
        return handOver(bytes.subarray(at));
      }
      if (bytes[value] === SPACE) value++;
      if (value === lineEnd) return handOver(bytes.subarray(at));
      const stop = deliver({
        kind: 'event',
        data: text === undefined ? bytes.toString('utf8', value, lineEnd) : text.slice(value, lineEnd),
        event: undefined,
        bytes,
        start: at,
        end: lineEnd + 2,
      });
      at = lineEnd + 2;
      if (stop) return;
    }
    if (at < bytes.length) keep(bytes.subarray(at));
  };

  const keep = (tail: Buffer): void => {
    rest.push(tail);
    restBytes += tail.length;
    if (restBytes > MAX_EVENT_BYTES) overflow();
  };

  return {
    feed(bytes) {
      // After an overflow the parsers refuse input; the overflow item ends the stream anyway.
      if (overflowed || stopped) return;
      if (general) return general.parser.feed(general.decoder.write(bytes));
      const part = Buffer.isBuffer(bytes)
        ? bytes
        : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (rest.length === 0) return split(part);
      if (part.indexOf(LF) === -1 && part.indexOf(CR) === -1) return keep(part);
      rest.push(part);
      const joined = Buffer.concat(rest);
      rest = [];
      restBytes = 0;
      split(joined);
    },
    end() {
      if (!overflowed && !stopped && general) general.parser.feed(general.decoder.end());
      // A tail the byte splitter kept never got its closing blank line: dropped, like the parser does.
      rest = [];
    },
  };
}
