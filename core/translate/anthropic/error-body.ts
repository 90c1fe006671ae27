import type { SwitchyardError } from '../../errors/switchyard-error.js';
import type { AnthropicErrorBody } from './types.js';

/** Anthropic's error `type` for a status, as its API reference lists them. */
function anthropicErrorType(error: SwitchyardError): string {
  if (error.code === 'SY_ERR_UPSTREAM_OVERLOADED') return 'overloaded_error';
  switch (error.status) {
    case 400:
    case 405:
    case 422:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
  }
  return error.status < 500 ? 'invalid_request_error' : 'api_error';
}

/** The error body an Anthropic client expects; the message follows the same `expose` rule as the OpenAI shape. */
export function anthropicErrorBody(error: SwitchyardError): AnthropicErrorBody {
  return {
    type: 'error',
    error: { type: anthropicErrorType(error), message: error.toOpenAI().error.message },
  };
}
