/**
 * A mock Acme Text API on loopback that speaks the conformance kit's fault vocabulary: the
 * piece every plugin author writes once for their vendor's wire format.
 */
import { createServer } from 'node:http';

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startMockAcme() {
  const queue = [];
  const requests = [];
  const server = createServer(async (req, res) => {
    const record = { path: req.url ?? '/', headers: req.headers, body: undefined, aborted: false };
    requests.push(record);
    res.once('close', () => {
      if (!res.writableFinished) Object.assign(record, { aborted: true, abortedAt: Date.now() });
    });
    let text = '';
    for await (const part of req) text += part;
    record.body = JSON.parse(text);
    const fault = queue.shift() ?? { type: 'reply', text: 'Hello from Acme.' };
    if (req.headers.authorization?.startsWith('Key ') !== true) fault.type = 'unauthorised';

    if (fault.type === 'unauthorised' || fault.type === 'status') {
      const status = fault.status ?? 401;
      const headers = { 'content-type': 'application/json' };
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      return res
        .writeHead(status, headers)
        .end(JSON.stringify({ error: { message: `acme says ${status}` } }));
    }
    const delay = fault.type === 'slow' ? fault.delayMs : 0;
    const words = fault.type === 'tool-call' ? [] : (fault.text.match(/\s*\S+/g) ?? []);
    const toolCalls =
      fault.type === 'tool-call' ? [{ id: 'acme_call_1', name: fault.name, input: fault.arguments }] : [];
    const usage = { input: Math.ceil(text.length / 4), output: words.length + toolCalls.length };
    const stop = toolCalls.length > 0 ? 'tool' : 'end';
    await wait(delay);
    if (res.destroyed) return;
    if (!record.body.stream) {
      const answer = { id: 'acme-1', text: words.join(''), tool_calls: toolCalls, stop, usage };
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const events = [
      ...words.map((word) => ({ type: 'text', text: word })),
      ...toolCalls.map((call) => ({ type: 'tool_call', ...call })),
      { type: 'end', stop, usage },
    ];
    for (const event of events) {
      if (res.destroyed) return;
      res.write(`${JSON.stringify(event)}\n`);
      await wait(delay);
    }
    res.end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    enqueue: (fault) => queue.push({ ...fault }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
