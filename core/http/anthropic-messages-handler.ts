/**
 * POST /v1/messages, the Anthropic-compatible front door: an Anthropic client (the official SDK,
 * Claude Code, anything that speaks the Messages API) talks to the gateway as if it were
 * Anthropic. The body is validated and translated to the canonical request, runs through the
 * same stage chain as /v1/chat/completions (so auth, policy, routing, failover and accounting
 * all apply) and whichever provider answers, the answer goes back as an Anthropic Message or
 * Anthropic's event stream. Errors on this route use Anthropic's error shape.
 */
import type { GatewayServices } from '../services.js';
import {
  anthropicErrorBody,
  anthropicMessageFromChat,
  chatRequestFromAnthropic,
  createAnthropicSseEncoder,
  type AnthropicRequest,
} from '../translate/anthropic/index.js';
import { anthropicMessagesRequestSchema } from './anthropic-request-schema.js';
import { respondWithError, type ErrorWire } from './error-response.js';
import type { HttpCall } from './http-call.js';
import type { ChatWire, Exchange } from './exchange.js';
import { readJsonBody } from './read-body.js';
import { compileRequestValidator } from './validate-request.js';

const validateAnthropicRequest = compileRequestValidator<AnthropicRequest>(anthropicMessagesRequestSchema);

const ANTHROPIC_WIRE: ChatWire = { json: anthropicMessageFromChat, encoder: createAnthropicSseEncoder };
// The encoder's `error` keeps no state, so one instance serves every failed stream.
const ANTHROPIC_ERRORS: ErrorWire = { body: anthropicErrorBody, encoder: createAnthropicSseEncoder() };

export function createAnthropicMessagesHandler(deps: { exchange: Exchange; services: GatewayServices }) {
  const { exchange, services } = deps;
  const { bodyLimitBytes } = services.config.server;

  return async function anthropicMessages(call: HttpCall): Promise<void> {
    try {
      const body = await readJsonBody(call.req, bodyLimitBytes, call.parsedBody);
      const request = chatRequestFromAnthropic(validateAnthropicRequest(body));
      // Anthropic streams always end with usage; ask for it so message_delta can carry it.
      if (request.stream === true) request.stream_options = { include_usage: true };
      await exchange.chat(call, request, ANTHROPIC_WIRE);
    } catch (thrown) {
      respondWithError(call, thrown, services.logger, ANTHROPIC_ERRORS);
    }
  };
}
