/**
 * Restores pseudonym tokens in a streamed response, one text delta at a time.
 *
 * A token can arrive split anywhere (`…[EM` + `AIL_1]…`, or one character per chunk). The
 * restorer emits everything it can and holds back only a suffix that could still grow into an
 * issued token: a token never contains `[` after its first character, so the only candidate is the
 * suffix starting at the last `[`, and it is held only while it is a proper prefix of a token that
 * was actually issued. Held text is therefore always shorter than the longest issued token, and
 * `flush()` returns it unchanged at the end of the stream.
 */
import { replaceTokens } from './tokens.js';

export interface StreamRestorer {
  /** Accepts the next delta and returns the text that can be emitted now (possibly ''). */
  push(delta: string): string;
  /** Returns whatever is still held back; call once when the stream ends. */
  flush(): string;
}

/** `originals` maps issued tokens to original values; it is read live, so later tokens count too. */
export function createStreamRestorer(originals: ReadonlyMap<string, string>): StreamRestorer {
  let pending = '';
  let prefixes = new Set<string>();
  let prefixesFor = -1;

  const properPrefixes = (): Set<string> => {
    // Tokens are only ever added, so the size tells whether the set is stale.
    if (prefixesFor !== originals.size) {
      prefixes = new Set();
      for (const token of originals.keys()) {
        for (let length = 1; length < token.length; length++) prefixes.add(token.slice(0, length));
      }
      prefixesFor = originals.size;
    }
    return prefixes;
  };
  const restore = (text: string): string => replaceTokens(text, (token) => originals.get(token));

  return {
    push(delta) {
      const buffer = pending + delta;
      const open = buffer.lastIndexOf('[');
      if (open !== -1 && properPrefixes().has(buffer.slice(open))) {
        pending = buffer.slice(open);
        return restore(buffer.slice(0, open));
      }
      pending = '';
      return restore(buffer);
    },
    flush() {
      const rest = pending;
      pending = '';
      return rest;
    },
  };
}
