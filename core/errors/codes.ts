/**
 * The one table of Switchyard error codes. docs/errors.md documents every entry (with how to
 * fix it) and test/core/errors/codes-docs.test.ts keeps the two in step both ways.
 *
 * `type` is the OpenAI error `type` a client sees. `retryable` tells failover whether another
 * attempt (on the next candidate) may succeed; it is the only thing failover reads.
 */
export interface ErrorCodeSpec {
  readonly status: number;
  readonly type: string;
  readonly retryable: boolean;
  /** Whether the message may be shown to the client; when false the client sees a generic text. */
  readonly expose: boolean;
  readonly summary: string;
}

function code(
  status: number,
  type: string,
  retryable: boolean,
  summary: string,
  expose = true,
): ErrorCodeSpec {
  return { status, type, retryable, expose, summary };
}

export const ERROR_CODES = {
  // The client's request
  SY_ERR_REQUEST_INVALID_JSON: code(400, 'invalid_request_error', false, 'The body is not valid JSON.'),
  SY_ERR_REQUEST_INVALID: code(
    400,
    'invalid_request_error',
    false,
    'A field is missing or has the wrong type.',
  ),
  SY_ERR_REQUEST_TOO_LARGE: code(
    413,
    'invalid_request_error',
    false,
    'The body exceeds the configured limit.',
  ),
  SY_ERR_ROUTE_NOT_FOUND: code(404, 'not_found_error', false, 'No endpoint at this path.'),
  SY_ERR_METHOD_NOT_ALLOWED: code(
    405,
    'invalid_request_error',
    false,
    'The path does not accept this method.',
  ),
  SY_ERR_MODEL_NOT_FOUND: code(404, 'not_found_error', false, 'The requested model is not in the catalog.'),
  SY_ERR_MODEL_UNSUPPORTED_OPERATION: code(
    400,
    'invalid_request_error',
    false,
    'The model cannot serve this kind of request.',
  ),
  SY_ERR_CLIENT_CLOSED: code(499, 'invalid_request_error', false, 'The client closed the connection.'),

  // Identity
  SY_ERR_AUTH_UNAUTHORIZED: code(401, 'authentication_error', false, 'The API key is missing or not valid.'),
  SY_ERR_AUTH_FORBIDDEN: code(
    403,
    'permission_error',
    false,
    'The key may not use this model, provider or endpoint.',
  ),
  SY_ERR_KEY_NOT_FOUND: code(404, 'not_found_error', false, 'No virtual key has this id.'),

  // The caller's own limits and budgets
  SY_ERR_RATE_LIMITED: code(429, 'rate_limit_error', false, "The caller's rate limit is reached."),
  SY_ERR_BUDGET_EXCEEDED: code(402, 'insufficient_quota', false, "The caller's spend cap is reached."),

  // Upstream providers (the shared taxonomy every provider plugin maps its failures onto)
  SY_ERR_UPSTREAM_RATE_LIMITED: code(429, 'rate_limit_error', true, 'The provider rate-limited the call.'),
  SY_ERR_UPSTREAM_OVERLOADED: code(503, 'upstream_error', true, 'The provider is overloaded.'),
  SY_ERR_UPSTREAM_SERVER_ERROR: code(502, 'upstream_error', true, 'The provider failed with a server error.'),
  SY_ERR_UPSTREAM_TIMEOUT: code(504, 'timeout_error', true, 'The provider did not answer in time.'),
  SY_ERR_UPSTREAM_CONNECTION: code(502, 'upstream_error', true, 'The provider could not be reached.'),
  SY_ERR_UPSTREAM_AUTHENTICATION: code(
    502,
    'upstream_error',
    true,
    "The provider rejected the gateway's credentials.",
  ),
  SY_ERR_UPSTREAM_NOT_FOUND: code(502, 'upstream_error', true, 'The provider does not know the model.'),
  SY_ERR_UPSTREAM_INVALID_RESPONSE: code(
    502,
    'upstream_error',
    true,
    'The provider answered in a broken shape.',
  ),
  SY_ERR_UPSTREAM_BAD_REQUEST: code(
    400,
    'invalid_request_error',
    false,
    'The provider rejected the request.',
  ),
  SY_ERR_UPSTREAM_CONTEXT_LENGTH_EXCEEDED: code(
    400,
    'invalid_request_error',
    false,
    "The prompt exceeds the model's context window.",
  ),
  SY_ERR_UPSTREAM_CONTENT_FILTERED: code(
    400,
    'invalid_request_error',
    false,
    "The provider's content filter refused the request.",
  ),
  SY_ERR_UPSTREAM_STREAM_INTERRUPTED: code(
    502,
    'upstream_error',
    false,
    'The provider failed after the stream had started.',
  ),

  // Policy
  SY_ERR_POLICY_DENIED: code(403, 'permission_error', false, 'A policy rule denied the request.'),
  SY_ERR_POLICY_PREFERENCE_REFUSED: code(
    403,
    'permission_error',
    false,
    'The request uses a routing preference the policy does not allow.',
  ),

  // Guardrails and data handling
  SY_ERR_GUARDRAIL_DENIED: code(
    400,
    'invalid_request_error',
    false,
    'A guardrail refused the prompt or the answer.',
  ),
  SY_ERR_GUARDRAIL_UNAVAILABLE: code(
    503,
    'server_error',
    false,
    'A guardrail that fails closed could not give a verdict.',
  ),
  SY_ERR_GUARDRAIL_OUTPUT_INVALID: code(
    502,
    'upstream_error',
    true,
    'The answer does not match the JSON schema the request asked for.',
  ),
  SY_ERR_DATA_POLICY_NO_PROVIDER: code(
    422,
    'invalid_request_error',
    false,
    "No candidate meets the request's data-handling requirements.",
  ),

  // Routing and dispatch
  SY_ERR_ROUTING_NO_CANDIDATES: code(503, 'upstream_error', false, 'No provider can serve this request.'),
  SY_ERR_DEADLINE_EXCEEDED: code(504, 'timeout_error', false, 'The overall request deadline passed.'),

  // The gateway itself
  SY_ERR_STORE_UNAVAILABLE: code(
    503,
    'server_error',
    false,
    'The shared state store could not be reached in time.',
    false,
  ),
  SY_ERR_GATEWAY_SHUTTING_DOWN: code(503, 'server_error', true, 'The gateway is shutting down.'),
  SY_ERR_CONFIG_INVALID: code(500, 'server_error', false, 'The configuration is not valid.', false),
  SY_ERR_PLUGIN_INVALID: code(
    500,
    'server_error',
    false,
    'A plugin is missing, broken or incompatible.',
    false,
  ),
  SY_ERR_INTERNAL: code(500, 'server_error', false, 'An unexpected internal error.', false),
} as const satisfies Record<string, ErrorCodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;
