import { expect } from 'chai';
import { encode as cl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { encode as o200k } from 'gpt-tokenizer/encoding/o200k_base';
import { createTokenCounter, type TokenCounter } from '../../core/token-counter.js';
import { textsCountedInThisThread } from '../../core/token-encodings.js';

const asText = { disallowedSpecial: new Set<string>() };
/** Prose, special-token text (counted as text), an empty text, and a long one. */
const TEXTS = [
  'Tokenizers split naïve café prose, 東京の天気, and snake_case_identifiers differently.',
  'Special-token text <|endoftext|> and <|im_start|>user is plain text in a prompt.',
  '',
  'const x = { a: [1, 2, 3] };\n'.repeat(2_000),
];

describe('createTokenCounter (token counts in a worker thread)', () => {
  const counters: TokenCounter[] = [];
  const counter = (options?: Parameters<typeof createTokenCounter>[0]) => {
    const made = createTokenCounter(options);
    counters.push(made);
    return made;
  };
  afterEach(async () => {
    await Promise.all(counters.splice(0).map((made) => made.close()));
  });

  it('counts a batch as gpt-tokenizer does, one count per text in order, without counting in this thread', async () => {
    const tokens = counter();
    const before = textsCountedInThisThread();
    const [forO200k, forCl100k] = await Promise.all([
      tokens.count(TEXTS, 'o200k_base'),
      tokens.count(TEXTS, 'cl100k_base'),
    ]);
    expect(forO200k).to.deep.equal(TEXTS.map((text) => o200k(text, asText).length));
    expect(forCl100k).to.deep.equal(TEXTS.map((text) => cl100k(text, asText).length));
    expect(new Set([forO200k[0], forCl100k[0]]).size, 'the two encodings differ on prose').to.equal(2);
    expect(textsCountedInThisThread()).to.equal(before);
  });

  it('answers a batch of empty texts with zeros', async () => {
    expect(await counter().count(['', ''], 'o200k_base')).to.deep.equal([0, 0]);
  });

  for (const script of ['missing-token-worker.js', 'missing-token-worker.ts']) {
    it(`counts in the main thread when the worker cannot start (${script}), warns once, and does not retry`, async () => {
      const warnings: string[] = [];
      const tokens = counter({
        workerUrl: new URL(`./${script}`, import.meta.url),
        warn: (message) => warnings.push(message),
      });
      const before = textsCountedInThisThread();
      expect(await tokens.count(TEXTS, 'o200k_base')).to.deep.equal(
        TEXTS.map((t) => o200k(t, asText).length),
      );
      expect(await tokens.count(TEXTS, 'cl100k_base')).to.deep.equal(
        TEXTS.map((t) => cl100k(t, asText).length),
      );
      expect(textsCountedInThisThread() - before).to.equal(2 * TEXTS.length);
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(/main thread: the worker did not start/);
    });
  }

  it('counts in the main thread what was pending when the worker died, and starts another for the next count', async () => {
    const warnings: string[] = [];
    const tokens = counter({
      workerUrl: new URL('../support/dying-token-worker.ts', import.meta.url),
      warn: (message) => warnings.push(message),
    });
    const expected = TEXTS.map((t) => o200k(t, asText).length);
    expect(await tokens.count(TEXTS, 'o200k_base')).to.deep.equal(expected);
    expect(await tokens.count(TEXTS, 'o200k_base')).to.deep.equal(expected);
    // Each count met a fresh worker that died on it.
    expect(warnings).to.have.length(2);
    for (const warning of warnings) expect(warning).to.match(/worker stopped \(exit code 3\)/);
  });

  it('finishes the counts pending at close in the main thread; a later count starts a new worker', async () => {
    const warnings: string[] = [];
    const tokens = counter({ warn: (message) => warnings.push(message) });
    const pending = tokens.count(TEXTS, 'cl100k_base');
    await tokens.close();
    expect(await pending).to.deep.equal(TEXTS.map((t) => cl100k(t, asText).length));
    const before = textsCountedInThisThread();
    expect(await tokens.count(['one more'], 'cl100k_base')).to.deep.equal([cl100k('one more').length]);
    expect(textsCountedInThisThread()).to.equal(before);
    expect(warnings).to.deep.equal([]);
  });
});
