/**
 * A reference point between the bare proxy and Switchyard: the least work any OpenAI-compatible
 * gateway that accounts its traffic must do, written straight on node:http and undici's
 * `dispatch()` with no framework. `BENCH_LEAN=1 npm run bench:compare` measures it beside the two.
 *
 * Per request it does what Switchyard cannot skip either: parses and checks the JSON body (a
 * string `model`, a `messages` array), builds the upstream body (asking a stream for its usage),
 * sends its own upstream headers, answers with a request id and the served provider, model and
 * attempts. Per stream read it splits the events, notes the finish reason (a stream cut before it
 * ends with an error event), parses the usage event, prices it and hides it from a client that did
 * not ask for usage; a complete answer is parsed,
 * priced and serialised again.
 *
 * What it leaves out is everything a gateway is for: stages, authentication, policy, failover and
 * retries, timeouts, the circuit breaker, validation beyond two fields, logs, metrics, traces,
 * the audit ledger. It is not a product; the distance from it to Switchyard is what Switchyard's
 * design costs per request, and the distance from the bare proxy to it what parsing JSON costs.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher, Pool } from 'undici';
import { abortWithClient, readBody, serveUpstreams } from './upstream-servers.js';

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
};
const CUT_EVENT =
  'data: {"error":{"message":"the upstream stream ended early","type":"server_error","param":null,"code":null}}\n\n';
const FINISH_KEY = /"finish_reason"\s*:\s*"/;
const USAGE_KEY = /"usage"\s*:\s*\{/;
// USD per million tokens, as the bench's catalog prices the model.
const PRICE = { input: 0.15, output: 0.6 };

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  cost?: number;
}

interface Exchange {
  id: string;
  model: string;
  stream: boolean;
  clientWantsUsage: boolean;
  finished: boolean;
}

function price(usage: Usage): void {
  usage.cost = (usage.prompt_tokens * PRICE.input + usage.completion_tokens * PRICE.output) / 1e6;
}

function refuse(res: ServerResponse, message: string): void {
  res.writeHead(400, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } }));
}

function servedHeaders(exchange: Exchange): Record<string, string> {
  return {
    'x-switchyard-request-id': exchange.id,
    'x-switchyard-provider': 'upstream',
    'x-switchyard-model': exchange.model,
    'x-switchyard-attempts': '1',
  };
}

/**
 * One read of an event stream: every event but a hidden usage event goes on as the upstream's
 * own bytes. Returns what `res.write` said (false pauses undici's parser until 'drain').
 */
function forwardEvents(exchange: Exchange, part: Buffer, res: ServerResponse): boolean {
  const text = part.toString('latin1');
  let flushed = true;
  let from = 0;
  for (let at = 0, end = text.indexOf('\n\n'); end !== -1; at = end + 2, end = text.indexOf('\n\n', at)) {
    const event = text.slice(at, end);
    if (!exchange.finished && FINISH_KEY.test(event)) exchange.finished = true;
    if (!USAGE_KEY.test(event)) continue;
    const chunk = JSON.parse(event.slice(event.indexOf('{'))) as { usage: Usage };
    price(chunk.usage);
    if (at > from) flushed = res.write(part.subarray(from, at));
    // The client that asked for usage gets it with its cost; anyone else never sees it.
    if (exchange.clientWantsUsage) flushed = res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    from = end + 2;
  }
  if (from < part.length) flushed = res.write(from === 0 ? part : part.subarray(from));
  return flushed;
}

function answerHandler(exchange: Exchange, res: ServerResponse): Dispatcher.DispatchHandler {
  const complete: Buffer[] = [];
  return {
    onConnect: (abortCall) => abortWithClient(res, abortCall),
    onHeaders(statusCode, _rawHeaders, resume) {
      if (exchange.stream && statusCode === 200) {
        res.writeHead(200, Object.assign({}, SSE_HEADERS, servedHeaders(exchange)));
        res.on('drain', resume);
      }
      return true;
    },
    onData(part) {
      if (!exchange.stream) {
        complete.push(part);
        return true;
      }
      return forwardEvents(exchange, part, res);
    },
    onComplete() {
      if (exchange.stream) {
        // A stream cut before its finish reason is never passed off as a complete answer.
        res.end(exchange.finished ? undefined : CUT_EVENT);
        return;
      }
      const answer = JSON.parse(Buffer.concat(complete).toString('utf8')) as { usage?: Usage };
      if (answer.usage) price(answer.usage);
      const text = JSON.stringify(answer);
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(text)),
        ...servedHeaders(exchange),
      });
      res.end(text);
    },
    onError() {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"upstream failed","type":"server_error","param":null,"code":null}}');
    },
  };
}

function leanGateway(pool: Pool) {
  return function lean(req: IncomingMessage, res: ServerResponse): void {
    readBody(req, (raw) => {
      let request: Record<string, unknown>;
      try {
        request = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        refuse(res, 'The request body is not valid JSON.');
        return;
      }
      if (typeof request.model !== 'string') return refuse(res, "'model' must be a string.");
      if (!Array.isArray(request.messages)) return refuse(res, "'messages' must be an array.");
      const stream = request.stream === true;
      const asked = request.stream_options as { include_usage?: boolean } | undefined;
      const exchange: Exchange = {
        id: randomUUID(),
        model: request.model,
        stream,
        clientWantsUsage: asked?.include_usage === true,
        finished: false,
      };
      const body: Record<string, unknown> = { model: request.model };
      for (const key in request) if (key !== 'model') body[key] = request[key];
      if (stream) body.stream_options = { include_usage: true };
      const headers = {
        'content-type': 'application/json',
        accept: stream ? 'text/event-stream' : 'application/json',
        authorization: 'Bearer sk-bench-upstream',
      };
      pool.dispatch(
        { path: '/v1/chat/completions', method: 'POST', headers, body: JSON.stringify(body) },
        answerHandler(exchange, res),
      );
    });
  };
}

await serveUpstreams(leanGateway);
