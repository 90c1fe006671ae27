/**
 * Time to first token: sequential streaming requests (concurrency 1) over one keep-alive
 * connection per target, timed from just before the request is sent to the arrival of the first
 * `data:` event whose delta carries content. Targets take turns request by request, so a noisy
 * second on the machine hits all of them alike. Also checks answers before anything is measured.
 */
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { Client } from 'undici';
import { API_KEY, CHAT_PATH } from './protocol.js';

export interface StreamTarget {
  name: string;
  /** Origin, e.g. http://127.0.0.1:1234. */
  url: string;
  body: string;
}

export interface StreamTiming {
  ttftMs: number;
  totalMs: number;
  contentEvents: number;
  done: boolean;
}

export interface TtftResult {
  name: string;
  requests: number;
  ttftP50: number;
  ttftP90: number;
  totalP50: number;
}

const HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` };

function contentOf(data: string): string | undefined {
  const chunk = JSON.parse(data) as { choices?: { delta?: { content?: unknown } }[] };
  const content = chunk.choices?.[0]?.delta?.content;
  return typeof content === 'string' && content !== '' ? content : undefined;
}

/** One streaming request; throws unless it is a 200 event stream ending with `data: [DONE]`. */
export async function timeStream(client: Client, body: string): Promise<StreamTiming> {
  const start = performance.now();
  const response = await client.request({ path: CHAT_PATH, method: 'POST', headers: HEADERS, body });
  const decoder = new StringDecoder('utf8');
  let buffer = '';
  let ttftMs: number | undefined;
  let contentEvents = 0;
  let done = false;
  let text = '';
  for await (const part of response.body as AsyncIterable<Buffer>) {
    const arrived = performance.now();
    const decoded = decoder.write(part);
    text += decoded;
    buffer += decoded;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of event.split('\n')) {
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (data === '[DONE]') {
          done = true;
          continue;
        }
        if (contentOf(data) === undefined) continue;
        contentEvents++;
        ttftMs ??= arrived - start;
      }
    }
  }
  const totalMs = performance.now() - start;
  const type = String(response.headers['content-type'] ?? '');
  if (response.statusCode !== 200 || !type.startsWith('text/event-stream')) {
    throw new Error(`streaming answer was ${response.statusCode} ${type}: ${text.slice(0, 300)}`);
  }
  if (!done || !text.endsWith('data: [DONE]\n\n') || ttftMs === undefined) {
    throw new Error(`the stream did not end with data: [DONE] after content: ${text.slice(-300)}`);
  }
  return { ttftMs, totalMs, contentEvents, done };
}

/** One non-streaming request; throws unless it is a 200 chat completion with content. */
export async function checkJson(url: string, body: string): Promise<void> {
  const client = new Client(url);
  try {
    const response = await client.request({ path: CHAT_PATH, method: 'POST', headers: HEADERS, body });
    const text = await response.body.text();
    const parsed = JSON.parse(text) as { choices?: { message?: { content?: unknown } }[] };
    const content = parsed.choices?.[0]?.message?.content;
    if (response.statusCode !== 200 || typeof content !== 'string' || content === '') {
      throw new Error(`non-streaming answer from ${url} was ${response.statusCode}: ${text.slice(0, 300)}`);
    }
  } finally {
    await client.close();
  }
}

/** One streaming request, checked; returns how many content events it carried. */
export async function checkStream(url: string, body: string): Promise<number> {
  const client = new Client(url);
  try {
    return (await timeStream(client, body)).contentEvents;
  } finally {
    await client.close();
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export async function measureTtft(
  targets: StreamTarget[],
  requests: number,
  warmup: number,
): Promise<TtftResult[]> {
  const clients = targets.map((target) => new Client(target.url, { pipelining: 1 }));
  const timings = targets.map((): StreamTiming[] => []);
  try {
    for (let round = 0; round < warmup + requests; round++) {
      for (let turn = 0; turn < targets.length; turn++) {
        // Rotate who goes first so no target always follows the same one.
        const index = (round + turn) % targets.length;
        const target = targets[index] as StreamTarget;
        const timing = await timeStream(clients[index] as Client, target.body);
        if (round >= warmup) timings[index]?.push(timing);
      }
    }
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
  return targets.map((target, index) => {
    const list = timings[index] ?? [];
    return {
      name: target.name,
      requests: list.length,
      ttftP50: percentile(
        list.map((t) => t.ttftMs),
        50,
      ),
      ttftP90: percentile(
        list.map((t) => t.ttftMs),
        90,
      ),
      totalP50: percentile(
        list.map((t) => t.totalMs),
        50,
      ),
    };
  });
}
