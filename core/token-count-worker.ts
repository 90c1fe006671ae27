/**
 * The token-count worker thread (started by core/token-counter.ts): loading an encoding and
 * counting long texts happen here, so they never pause the main event loop, and the encoding's
 * memory lives in this thread's heap.
 *
 * Protocol: the worker says `{ ready: true }` once it loaded, then answers each
 * `{ id, texts, encoding }` with `{ id, counts }` (one count per text, in order) or `{ id, error }`.
 */
import { parentPort } from 'node:worker_threads';
import { countTexts, type EncodingName } from './token-encodings.js';

export interface CountRequest {
  id: number;
  texts: string[];
  encoding: EncodingName;
}

export type CountReply = { ready: true } | { id: number; counts: number[] } | { id: number; error: string };

const port = parentPort;
if (port) {
  port.on('message', (request: CountRequest) => {
    let reply: CountReply;
    try {
      reply = { id: request.id, counts: countTexts(request.texts, request.encoding) };
    } catch (error) {
      reply = { id: request.id, error: String(error) };
    }
    port.postMessage(reply);
  });
  port.postMessage({ ready: true } satisfies CountReply);
}
