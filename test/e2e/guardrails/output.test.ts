import { expect } from 'chai';
import type { GatewayConfig, GuardrailEntryConfig } from '../../../index.js';
import { postChat, readSse } from '../../support/harness.js';
import { apiError, startGuarded, streamText, type GuardedGateway } from './setup.js';

function withProfile(entries: GuardrailEntryConfig[], extra: GatewayConfig['guardrails'] = {}) {
  return (config: GatewayConfig): GatewayConfig => ({
    ...config,
    guardrails: { ...extra, default: 'out', profiles: { out: entries } },
  });
}

const SCHEMA = {
  type: 'object',
  required: ['city'],
  properties: { city: { type: 'string' } },
  additionalProperties: false,
};
const jsonRequest = {
  model: 'test-model',
  messages: [{ role: 'user' as const, content: 'Where?' }],
  response_format: { type: 'json_schema' as const, json_schema: { name: 'place', schema: SCHEMA } },
};

describe('output guardrails through HTTP', () => {
  let g: GuardedGateway | undefined;
  afterEach(async () => {
    await g?.close();
    g = undefined;
  });

  it('withholds a JSON answer that a deny entry flags', async () => {
    g = await startGuarded({
      configure: withProfile([{ guardrail: 'deny-list', options: { terms: ['falcon'] }, on: 'output' }]),
    });
    g.upstreams[0]?.setDefault({ reply: 'Project Falcon launches Monday' });
    const error = await apiError(
      g.client.chat.completions.create({
        model: 'test-model',
        messages: [{ role: 'user', content: 'news?' }],
      }),
    );
    expect(error.code).to.equal('SY_ERR_GUARDRAIL_DENIED');
    expect(error.message).to.include('refused the answer');
  });

  it('redacts a JSON answer and a streamed answer, a value split across chunks and windows', async () => {
    g = await startGuarded({
      configure: withProfile(
        [{ guardrail: 'pii', options: { entities: ['email'] }, on: 'output', action: 'redact' }],
        {
          streamWindow: 8,
          streamHoldBack: 32,
        },
      ),
    });
    const text = 'Reach alice.jones@example.org or carol@example.com, thanks.';
    g.upstreams[0]?.setDefault({ replyChunks: [...text] });
    const json = await g.client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'who?' }],
    });
    const expected = 'Reach [EMAIL] or [EMAIL], thanks.';
    expect(json.choices[0]?.message.content).to.equal(expected);
    const stream = await g.client.chat.completions.create({
      model: 'test-model',
      stream: true,
      messages: [{ role: 'user', content: 'who?' }],
    });
    expect(await streamText(stream)).to.equal(expected);
  });

  it('ends a stream with an error event when a later window is denied, before the flagged text is sent', async () => {
    g = await startGuarded({
      configure: withProfile([{ guardrail: 'deny-list', options: { terms: ['forbidden'] }, on: 'output' }], {
        streamWindow: 4,
        streamHoldBack: 16,
      }),
    });
    g.upstreams[0]?.setDefault({
      replyChunks: ['This ', 'part ', 'is ', 'fine ', 'but ', 'this ', 'is ', 'forbidden ', 'text'],
    });
    const response = await postChat(g.url, { stream: true });
    const { data } = await readSse(response);
    const text = data
      .filter((d) => d !== '[DONE]')
      .map((d) => JSON.parse(d) as { choices?: { delta?: { content?: string } }[] })
      .map((c) => c.choices?.[0]?.delta?.content ?? '')
      .join('');
    expect(text).not.to.include('forbidden');
    expect(data.at(-1)).to.include('SY_ERR_GUARDRAIL_DENIED');
  });

  it('json-schema: retries a non-conforming answer once on the next candidate', async () => {
    g = await startGuarded({
      data: [undefined, undefined],
      configure: (config) => ({
        ...withProfile([{ guardrail: 'json-schema' }])(config),
        aliases: { both: ['p0/test-model', 'p1/test-model'] },
      }),
    });
    g.upstreams[0]?.setDefault({ reply: '{"town": "Oslo"}' });
    g.upstreams[1]?.setDefault({ reply: '{"city": "Oslo"}' });
    const answer = await g.client.chat.completions.create({ ...jsonRequest, model: 'both' }).withResponse();
    expect(answer.data.choices[0]?.message.content).to.equal('{"city": "Oslo"}');
    expect(answer.response.headers.get('x-switchyard-provider')).to.equal('p1');
    expect(g.upstreams.map((u) => u.calls)).to.deep.equal([1, 1]);
  });

  it('json-schema: fails with SY_ERR_GUARDRAIL_OUTPUT_INVALID when the retry does not conform either', async () => {
    g = await startGuarded({
      data: [undefined, undefined],
      configure: (config) => ({
        ...withProfile([{ guardrail: 'json-schema' }])(config),
        aliases: { both: ['p0/test-model', 'p1/test-model'] },
      }),
    });
    g.upstreams[0]?.setDefault({ reply: 'not json' });
    g.upstreams[1]?.setDefault({ reply: '{"city": 7}' });
    const error = await apiError(g.client.chat.completions.create({ ...jsonRequest, model: 'both' }));
    expect(error.status).to.equal(502);
    expect(error.code).to.equal('SY_ERR_GUARDRAIL_OUTPUT_INVALID');
    // Requests without response_format json_schema are not checked.
    const plain = await g.client.chat.completions.create({
      model: 'both',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(plain.choices[0]?.message.content).to.equal('not json');
  });
});
