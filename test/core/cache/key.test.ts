import { expect } from 'chai';
import { cacheNamespace, canonicalJson, entryKey, requestDigest } from '../../../core/cache/index.js';
import type { ChatCompletionRequest } from '../../../core/index.js';

const request = (fields: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: 'm',
  messages: [{ role: 'user', content: 'hi' }],
  temperature: 0,
  ...fields,
});

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).to.equal('{"a":{"c":null,"d":[2,1]},"b":1}');
  });

  it('drops undefined members like JSON.stringify', () => {
    expect(canonicalJson({ a: undefined, b: [undefined] })).to.equal('{"b":[null]}');
  });
});

describe('requestDigest', () => {
  const refs = ['p0/m', 'p1/m'];

  it('is the same whatever the field order', () => {
    const a = requestDigest(request({ top_p: 1, seed: 3 }), refs);
    const b = requestDigest(
      { seed: 3, top_p: 1, temperature: 0, messages: [{ content: 'hi', role: 'user' }], model: 'm' },
      refs,
    );
    expect(a).to.equal(b);
  });

  it('ignores user, stream, stream_options and metadata', () => {
    const plain = requestDigest(request(), refs);
    const decorated = requestDigest(
      request({ user: 'u', stream: true, stream_options: { include_usage: true }, metadata: { a: 'b' } }),
      refs,
    );
    expect(decorated).to.equal(plain);
  });

  it('changes with every sampling parameter, the tools and the prompt', () => {
    const plain = requestDigest(request(), refs);
    const changes: Partial<ChatCompletionRequest>[] = [
      { temperature: 0.1 },
      { top_p: 0.9 },
      { n: 2 },
      { stop: 'x' },
      { seed: 1 },
      { max_tokens: 10 },
      { max_completion_tokens: 10 },
      { presence_penalty: 0.1 },
      { frequency_penalty: 0.1 },
      { logit_bias: { '1': 1 } },
      { logprobs: true },
      { top_logprobs: 2 },
      { tools: [{ type: 'function', function: { name: 'f' } }] },
      { tool_choice: 'required' },
      { response_format: { type: 'json_object' } },
      { messages: [{ role: 'user', content: 'hi!' }] },
      { some_vendor_field: true },
    ];
    const digests = changes.map((change) => requestDigest(request(change), refs));
    for (const [i, digest] of digests.entries())
      expect(digest, JSON.stringify(changes[i])).to.not.equal(plain);
    expect(new Set(digests).size).to.equal(changes.length);
  });

  it('changes with the plan’s candidates and their order', () => {
    const plain = requestDigest(request(), refs);
    expect(requestDigest(request(), ['p1/m', 'p0/m'])).to.not.equal(plain);
    expect(requestDigest(request(), ['p0/m'])).to.not.equal(plain);
  });
});

describe('cacheNamespace and entryKey', () => {
  it('namespaces by team, else key, else caller, unless shared', () => {
    expect(cacheNamespace({ id: 'k', keyId: 'k', team: 'a', labels: {} }, false)).to.equal('team:a');
    expect(cacheNamespace({ id: 'k', keyId: 'k', labels: {} }, false)).to.equal('key:k');
    expect(cacheNamespace(undefined, false)).to.equal('caller:anonymous');
    expect(cacheNamespace({ id: 'k', team: 'a', labels: {} }, true)).to.equal('shared');
  });

  it('encodes the namespace so a team name cannot forge another key', () => {
    expect(entryKey('team:a:b', 'd')).to.equal('cache:v1:team%3Aa%3Ab:d');
  });
});
