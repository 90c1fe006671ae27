/**
 * gpt-tokenizer's encodings, loaded on first use, and counting with them in the thread that
 * imports this module: the token-count worker (core/token-count-worker.ts) for the gateway's
 * requests, the main thread only for the synchronous counters (tests) and when the worker is
 * unavailable (core/token-counter.ts).
 */
import { createRequire } from 'node:module';
import type { countTokens } from 'gpt-tokenizer/encoding/o200k_base';

export type EncodingName = 'o200k_base' | 'cl100k_base';

const requireCjs = createRequire(import.meta.url);
const encoders = new Map<EncodingName, typeof countTokens>();
// Text like `<|endoftext|>` in a prompt is text to the model, not a special token.
const AS_TEXT = { disallowedSpecial: new Set<string>() };
let counted = 0;

function encoder(name: EncodingName): typeof countTokens {
  let count = encoders.get(name);
  if (!count) {
    // Synchronous (the CommonJS build): about 0.3 s and 70 MB of RSS for o200k_base, which is
    // why the gateway does this in the worker, where no request waits on the event loop.
    count = (requireCjs(`gpt-tokenizer/encoding/${name}`) as { countTokens: typeof countTokens }).countTokens;
    encoders.set(name, count);
  }
  return count;
}

/** The tokens of a text; an empty text loads no encoding. */
export function countText(text: string, encoding: EncodingName): number {
  counted++;
  return text.length === 0 ? 0 : encoder(encoding)(text, AS_TEXT);
}

export function countTexts(texts: readonly string[], encoding: EncodingName): number[] {
  return texts.map((text) => countText(text, encoding));
}

/** How many texts this thread counted, for tests that the main thread's stays put. */
export function textsCountedInThisThread(): number {
  return counted;
}
