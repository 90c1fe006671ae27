/**
 * switchyard-provider-example: a Switchyard provider plugin for the (fictional) Acme Text API,
 * written the way a third party would: plain ESM, `switchyard` as a peer dependency, the
 * conformance kit from `switchyard/testing` in its tests.
 *
 * The Acme wire format: POST {baseUrl}/v1/generate with `authorization: Key <apiKey>` and
 *   { model, messages: [{ role, text, tool_calls?, tool_call_id? }], max_new_tokens, temperature?, tools?, stream? }
 * answered with
 *   { id, text, tool_calls: [{ id, name, input }], stop: 'end' | 'length' | 'tool', usage: { input, output } }
 * or, with stream: true, newline-delimited JSON events:
 *   {"type":"text","text"} {"type":"tool_call","id","name","input"} {"type":"end","stop","usage"} {"type":"error","status","message"}
 */
/* global fetch -- Node 20's built-in fetch */
import { PROVIDER_API_VERSION, SwitchyardError } from 'switchyard';

const CAPABILITIES = ['chat', 'streaming', 'tools'];
const FINISH = { end: 'stop', length: 'length', tool: 'tool_calls' };

/** The shared error taxonomy: failover reads `retryable`, which each code carries. */
function codeFor(status) {
  if (status === 401 || status === 403) return 'SY_ERR_UPSTREAM_AUTHENTICATION';
  if (status === 404) return 'SY_ERR_UPSTREAM_NOT_FOUND';
  if (status === 429) return 'SY_ERR_UPSTREAM_RATE_LIMITED';
  if (status === 503) return 'SY_ERR_UPSTREAM_OVERLOADED';
  if (status >= 500) return 'SY_ERR_UPSTREAM_SERVER_ERROR';
  return 'SY_ERR_UPSTREAM_BAD_REQUEST';
}

function upstreamError(id, status, message, retryAfter) {
  const seconds = Number(retryAfter);
  return new SwitchyardError(codeFor(status), `Provider "${id}" answered ${status}: ${message}`, {
    provider: id,
    ...(status >= 400 && status < 500 && ![401, 403, 404, 429].includes(status) ? { status } : {}),
    ...(retryAfter !== null && Number.isFinite(seconds) ? { retryAfterMs: seconds * 1000 } : {}),
  });
}

/** Canonical (OpenAI) messages → Acme messages; content parts other than text are refused, not dropped. */
function toAcme(request, upstreamModel, options, id) {
  const messages = request.messages.map((message, i) => {
    let text = message.content ?? '';
    if (Array.isArray(text)) {
      text = text
        .map((part, j) => {
          if (part.type === 'text') return part.text;
          throw new SwitchyardError(
            'SY_ERR_UPSTREAM_BAD_REQUEST',
            `Provider "${id}" (Acme) takes text only.`,
            {
              provider: id,
              param: `messages[${i}].content[${j}]`,
            },
          );
        })
        .join('');
    }
    const out = { role: message.role === 'developer' ? 'system' : message.role, text };
    if (message.tool_calls)
      out.tool_calls = message.tool_calls.map((c) => ({
        id: c.id,
        name: c.function.name,
        input: JSON.parse(c.function.arguments),
      }));
    if (message.tool_call_id) out.tool_call_id = message.tool_call_id;
    return out;
  });
  const body = {
    model: upstreamModel,
    messages,
    max_new_tokens: request.max_completion_tokens ?? request.max_tokens ?? options.defaultMaxTokens ?? 1024,
  };
  if (typeof request.temperature === 'number') body.temperature = request.temperature;
  if (request.tools?.length)
    body.tools = request.tools.map((t) => ({
      name: t.function.name,
      description: t.function.description,
      schema: t.function.parameters,
    }));
  const warnings = ['seed', 'top_p', 'logit_bias']
    .filter((field) => request[field] !== undefined && request[field] !== null)
    .map((field) => `'${field}' is not supported by Acme and was ignored.`);
  return { body, warnings };
}

function usageOf(usage = { input: 0, output: 0 }) {
  return {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
  };
}

function toolCallOf(call) {
  return {
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.input) },
  };
}

/** Newline-delimited JSON events from a fetch body, one parsed object at a time. */
async function* ndjson(body) {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const bytes of body) {
    buffered += decoder.decode(bytes, { stream: true });
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line !== '') yield JSON.parse(line);
    }
  }
}

function createAcmeProvider(options, context) {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/v1/generate`;
  const id = context.id;
  const created = () => Math.floor(context.now() / 1000);

  async function post(body, call) {
    let response;
    try {
      response = await fetch(url, {
        method: 'POST',
        // Propagated headers first: they must never override the credentials.
        headers: {
          ...call.headers,
          'content-type': 'application/json',
          authorization: `Key ${options.apiKey}`,
        },
        body: JSON.stringify(body),
        signal: call.signal,
      });
    } catch {
      // The caller's abort is not an upstream failure: hand its reason back unchanged.
      if (call.signal.aborted) throw call.signal.reason;
      throw new SwitchyardError('SY_ERR_UPSTREAM_CONNECTION', `Provider "${id}" could not be reached.`, {
        provider: id,
      });
    }
    if (response.ok) return response;
    const text = await response.text().catch(() => '');
    let message = text.slice(0, 300);
    try {
      message = JSON.parse(text).error?.message ?? message;
    } catch {
      // not JSON: keep the text
    }
    throw upstreamError(
      id,
      response.status,
      message.split(options.apiKey).join('[redacted]'),
      response.headers.get('retry-after'),
    );
  }

  async function* chunks(response, call, model, includeUsage) {
    const head = { id: `acme-${created()}`, object: 'chat.completion.chunk', created: created(), model };
    const chunk = (delta, finish = null) => ({
      ...head,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
    let tools = 0;
    let ended = false;
    try {
      yield chunk({ role: 'assistant', content: '' });
      for await (const event of ndjson(response.body)) {
        if (event.type === 'text') yield chunk({ content: event.text });
        else if (event.type === 'tool_call')
          yield chunk({ tool_calls: [{ index: tools++, ...toolCallOf(event) }] });
        else if (event.type === 'error') throw upstreamError(id, event.status ?? 500, event.message, null);
        else if (event.type === 'end') {
          ended = true;
          yield chunk({}, FINISH[event.stop] ?? 'stop');
          if (includeUsage) yield { ...head, choices: [], usage: usageOf(event.usage) };
        }
      }
    } catch (error) {
      if (call.signal.aborted) throw call.signal.reason;
      if (SwitchyardError.isInstance(error)) throw error;
      throw new SwitchyardError('SY_ERR_UPSTREAM_CONNECTION', `Provider "${id}" failed mid-stream.`, {
        provider: id,
      });
    } finally {
      // A consumer that stops early (or an error) must not leave the connection open.
      if (!ended) await response.body?.cancel().catch(() => undefined);
    }
    if (!ended)
      throw new SwitchyardError('SY_ERR_UPSTREAM_SERVER_ERROR', `Provider "${id}" stream ended early.`, {
        provider: id,
      });
  }

  return {
    id,
    capabilities: CAPABILITIES,
    async chat(request, call) {
      const { body, warnings } = toAcme(request, call.upstreamModel, options, id);
      const answer = await (await post(body, call)).json();
      const message = { role: 'assistant', content: answer.text || null, refusal: null };
      if (answer.tool_calls?.length) message.tool_calls = answer.tool_calls.map(toolCallOf);
      const response = {
        id: answer.id,
        object: 'chat.completion',
        created: created(),
        model: call.upstreamModel,
        choices: [{ index: 0, message, logprobs: null, finish_reason: FINISH[answer.stop] ?? 'stop' }],
        usage: usageOf(answer.usage),
      };
      return warnings.length > 0 ? { response, warnings } : { response };
    },
    async chatStream(request, call) {
      const { body, warnings } = toAcme(request, call.upstreamModel, options, id);
      const response = await post({ ...body, stream: true }, call);
      const includeUsage = request.stream_options?.include_usage === true;
      const stream = { chunks: chunks(response, call, call.upstreamModel, includeUsage) };
      return warnings.length > 0 ? { ...stream, warnings } : stream;
    },
  };
}

export const acmePlugin = {
  apiVersion: PROVIDER_API_VERSION,
  name: 'switchyard-provider-example',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['baseUrl', 'apiKey'],
    properties: {
      baseUrl: { type: 'string', pattern: '^https?://' },
      apiKey: { type: 'string', minLength: 1 },
      defaultMaxTokens: { type: 'integer', minimum: 1 },
    },
  },
  capabilities: CAPABILITIES,
  create: createAcmeProvider,
};

export default acmePlugin;
