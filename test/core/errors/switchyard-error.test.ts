import { expect } from 'chai';
import { SwitchyardError, toSwitchyardError } from '../../../core/errors/switchyard-error.js';

describe('SwitchyardError', () => {
  it('takes status, type and retryable from the code table', () => {
    const error = new SwitchyardError('SY_ERR_UPSTREAM_RATE_LIMITED', 'slow down', { retryAfterMs: 2000 });
    expect(error.status).to.equal(429);
    expect(error.type).to.equal('rate_limit_error');
    expect(error.retryable).to.equal(true);
    expect(error.retryAfterMs).to.equal(2000);
  });

  it('is recognised across copies of the package by its registered brand', () => {
    const foreign = Object.defineProperty(new Error('x'), Symbol.for('switchyard.error'), { value: true });
    expect(SwitchyardError.isInstance(foreign)).to.equal(true);
    expect(SwitchyardError.isInstance(new Error('x'))).to.equal(false);
    expect(SwitchyardError.isInstance(null)).to.equal(false);
  });

  it('renders the OpenAI error shape', () => {
    const body = new SwitchyardError('SY_ERR_REQUEST_INVALID', 'bad', { param: 'messages' }).toOpenAI();
    expect(body).to.deep.equal({
      error: {
        message: 'bad',
        type: 'invalid_request_error',
        param: 'messages',
        code: 'SY_ERR_REQUEST_INVALID',
      },
    });
  });

  it('hides the message of errors that may not be exposed', () => {
    const body = toSwitchyardError(new Error('secret stack detail')).toOpenAI();
    expect(body.error.code).to.equal('SY_ERR_INTERNAL');
    expect(body.error.message).not.to.include('secret');
  });
});
