import { expect } from 'chai';
import {
  validateChatRequest,
  validateEmbeddingsRequest,
  toParam,
} from '../../../core/http/validate-request.js';
import type { SwitchyardError } from '../../../core/errors/switchyard-error.js';

function errorOf(fn: () => unknown): SwitchyardError {
  try {
    fn();
  } catch (error) {
    return error as SwitchyardError;
  }
  throw new Error('expected an error');
}

const base = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

describe('validateChatRequest', () => {
  it('accepts a valid request and keeps unknown fields', () => {
    const request = validateChatRequest({ ...base, vendor_extension: { x: 1 } });
    expect(request.vendor_extension).to.deep.equal({ x: 1 });
  });

  it('names a missing required field', () => {
    const error = errorOf(() => validateChatRequest({ model: 'm' }));
    expect(error.code).to.equal('SY_ERR_REQUEST_INVALID');
    expect(error.param).to.equal('messages');
    expect(error.message).to.equal("Missing required parameter: 'messages'.");
  });

  it('names a nested field with the wrong type, and what it got', () => {
    const error = errorOf(() => validateChatRequest({ ...base, temperature: 'hot' }));
    expect(error.param).to.equal('temperature');
    expect(error.message).to.match(/expected number.*got the string "hot"/);
    const nested = errorOf(() =>
      validateChatRequest({ model: 'm', messages: [{ role: 'wizard', content: 'x' }] }),
    );
    expect(nested.param).to.equal('messages[0].role');
  });

  it('refuses a body that is not an object', () => {
    for (const body of [null, [], 'text', 42]) {
      expect(errorOf(() => validateChatRequest(body)).code).to.equal('SY_ERR_REQUEST_INVALID');
    }
  });

  it('refuses an empty message list and out-of-range sampling values', () => {
    expect(errorOf(() => validateChatRequest({ model: 'm', messages: [] })).param).to.equal('messages');
    expect(errorOf(() => validateChatRequest({ ...base, temperature: 3 })).param).to.equal('temperature');
    expect(errorOf(() => validateChatRequest({ ...base, n: 0 })).param).to.equal('n');
  });
});

describe('validateEmbeddingsRequest', () => {
  it('accepts strings and token arrays, refuses other input shapes', () => {
    expect(validateEmbeddingsRequest({ model: 'e', input: ['a', 'b'] }).input).to.deep.equal(['a', 'b']);
    expect(validateEmbeddingsRequest({ model: 'e', input: [1, 2] }).input).to.deep.equal([1, 2]);
    expect(errorOf(() => validateEmbeddingsRequest({ model: 'e', input: { a: 1 } })).param).to.equal('input');
  });
});

describe('toParam', () => {
  it('turns JSON pointers into OpenAI parameter names', () => {
    expect(toParam('/messages/0/content/1/text')).to.equal('messages[0].content[1].text');
    expect(toParam('')).to.equal('');
  });
});
