/**
 * The OpenAI-compatible HTTP handlers: parse and validate the body, run the stage chain on a
 * fresh context (./exchange.ts), and write the result as JSON or as server-sent events.
 */
import type { HttpCall } from './http-call.js';
import type { ChatCompletionRequest, EmbeddingsRequest } from '../types/openai.js';
import { createAnthropicMessagesHandler } from './anthropic-messages-handler.js';
import { createExchange, OPENAI_WIRE, type ExchangeDeps } from './exchange.js';
import { readJsonBody, readJsonBodyText } from './read-body.js';
import { rememberRequestText } from '../request-text.js';
import { validateChatRequest, validateEmbeddingsRequest } from './validate-request.js';
import { listModels } from './models.js';
import { createOpsHandlers } from './ops-handlers.js';

export interface HandlerDeps extends ExchangeDeps {
  /**
   * Keep the client's JSON text beside each chat request (core/request-text.ts): true when no
   * stage of the pipeline edits a request in place.
   */
  keepRequestText?: boolean;
}

export function createHandlers(deps: HandlerDeps) {
  const { services, inflight, keepRequestText = false } = deps;
  const { bodyLimitBytes } = services.config.server;
  const exchange = createExchange(deps);

  async function chat(call: HttpCall): Promise<void> {
    const body = await readJsonBodyText(call.req, bodyLimitBytes, call.parsedBody);
    const request: ChatCompletionRequest = validateChatRequest(body.value);
    if (keepRequestText && body.text !== undefined) rememberRequestText(request, body.text);
    await exchange.chat(call, request, OPENAI_WIRE);
  }

  async function embeddings(call: HttpCall): Promise<void> {
    const body = await readJsonBody(call.req, bodyLimitBytes, call.parsedBody);
    const request: EmbeddingsRequest = validateEmbeddingsRequest(body);
    await exchange.embeddings(call, request);
  }

  async function models(call: HttpCall): Promise<void> {
    call.send(200, listModels(services));
  }

  async function health(call: HttpCall): Promise<void> {
    call.send(inflight.closing ? 503 : 200, { status: inflight.closing ? 'closing' : 'ok' });
  }

  const messages = createAnthropicMessagesHandler({ exchange, services });

  return { chat, embeddings, models, health, messages, ...createOpsHandlers(deps) };
}
