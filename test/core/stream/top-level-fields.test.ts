import { expect } from 'chai';
import fc from 'fast-check';
import { topLevelFields } from '../../../core/stream/top-level-fields.js';

const valueOf = (text: string, key: string): unknown => {
  const span = topLevelFields(text, [key])?.get(key);
  return span === undefined ? undefined : JSON.parse(text.slice(span.start, span.end));
};

describe('topLevelFields', () => {
  it('finds exactly the values JSON.parse finds, for any object, compact or indented', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.constantFrom(undefined, 1, '\t'),
        (object, indent) => {
          const text = JSON.stringify(object, null, indent);
          const keys = Object.keys(object);
          const found = topLevelFields(text, [...keys, 'not-a-key-of-it']);
          expect(found).to.not.equal(undefined);
          for (const key of keys) {
            const span = found?.get(key);
            expect(span, key).to.not.equal(undefined);
            expect(JSON.parse(text.slice(span?.start, span?.end))).to.deep.equal(JSON.parse(text)[key]);
          }
          if (!keys.includes('not-a-key-of-it')) expect(found?.has('not-a-key-of-it')).to.equal(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never takes a nested key, a key spelled inside a string, or an escaped quote for a field', () => {
    const text =
      '{"choices":[{"delta":{"content":"\\"usage\\":{\\"x\\":1}","usage":{"nested":true}}}],"usage":{"total_tokens":7}}';
    expect(valueOf(text, 'usage')).to.deep.equal({ total_tokens: 7 });
    expect(valueOf('{"choices":[{"usage":{"a":1}}]}', 'usage')).to.equal(undefined);
    expect(valueOf('{"choices":[ ] ,"usage":null}', 'choices')).to.deep.equal([]);
  });

  it('keeps the last of repeated keys, as JSON.parse does', () => {
    expect(valueOf('{"usage":{"a":1},"usage":{"a":2}}', 'usage')).to.deep.equal({ a: 2 });
  });

  it('refuses text that is not one balanced object', () => {
    for (const text of [
      '',
      '[]',
      '{"usage":{"a":1}',
      '{"usage":{"a":1}}}',
      '{"usage":{"a":1]}',
      '{"usage":"open}',
      '{"usage" {"a":1}}',
      '{"usage":{"a":1}} x',
      '{"a" "b"}',
      '{"\\x":1}',
    ]) {
      expect(topLevelFields(text, ['usage']), text).to.equal(undefined);
    }
  });
});
