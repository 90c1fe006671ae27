import { expect } from 'chai';
import OpenAI from 'openai';
import { createGuardrailStages, defineStage, type GatewayConfig, type GatewayState } from '../../../index.js';
import { apiError, startGuarded, type GuardedGateway } from './setup.js';

const EU_ZDR = { regions: ['eu'], zeroDataRetention: true, trainsOnData: false };
const US_ANY = { regions: ['us'], retention: 30 };

/** p0 is EU and zero-retention, p1 is US and keeps data; `either` tries p1 first. */
function twoProviders(extra: Partial<GatewayConfig> = {}) {
  return (config: GatewayConfig): GatewayConfig => ({
    ...config,
    aliases: { either: ['p1/test-model', 'p0/test-model'], 'us-only': ['p1/test-model'] },
    ...extra,
  });
}

/** Stands in for the cache: records what the state tells it for each request. */
function cacheProbe(seen: GatewayState[]) {
  return defineStage({
    name: 'cache',
    create: () =>
      async function cacheProbe(ctx, next) {
        seen.push({ ...ctx.state });
        await next();
      },
  });
}

describe('the data-policy stage through HTTP', () => {
  let g: GuardedGateway | undefined;
  afterEach(async () => {
    await g?.close();
    g = undefined;
  });

  const ask = (body: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    (g as GuardedGateway).client.chat.completions
      .create({ model: 'either', messages: [{ role: 'user', content: 'hello' }], ...body }, { headers })
      .withResponse();

  it('drops candidates failing the ZDR header, provider.zdr or provider.data_collection', async () => {
    g = await startGuarded({ data: [EU_ZDR, US_ANY], configure: twoProviders() });
    const served = async (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      (await ask(body, headers)).response.headers.get('x-switchyard-provider');
    expect(await served({})).to.equal('p1');
    expect(await served({}, { 'x-switchyard-zdr': '1' })).to.equal('p0');
    expect(await served({ provider: { zdr: true } })).to.equal('p0');
    expect(await served({ provider: { data_collection: 'deny' } })).to.equal('p0');
    expect(g.upstreams[1]?.calls).to.equal(1);
  });

  it('fails with 422 SY_ERR_DATA_POLICY_NO_PROVIDER naming each requirement and failing candidate', async () => {
    g = await startGuarded({
      data: [EU_ZDR, US_ANY],
      configure: twoProviders({
        auth: { keys: [{ key: 'sk-legal-team-1', team: 'legal' }] },
        dataPolicy: { teams: { legal: { regions: ['eu', 'ch'] } } },
      }),
    });
    const client = new OpenAI({ baseURL: `${g.url}/v1`, apiKey: 'sk-legal-team-1', maxRetries: 0 });
    const fail = (body: Record<string, unknown>, headers: Record<string, string>) =>
      client.chat.completions
        .create({ model: 'us-only', messages: [{ role: 'user', content: 'x' }], ...body }, { headers })
        .then(
          () => expect.fail('expected a failure'),
          (thrown: unknown) => thrown as InstanceType<typeof OpenAI.APIError>,
        );
    const error = await fail({}, { 'x-switchyard-zdr': '1' });
    expect(error.status).to.equal(422);
    expect(error.code).to.equal('SY_ERR_DATA_POLICY_NO_PROVIDER');
    expect(error.message).to.include('No provider meets the data policy');
    expect(error.message).to.include('zero data retention (from header x-switchyard-zdr)');
    expect(error.message).to.include('regions eu|ch (from team legal)');
    expect(error.message).to.include('p1/test-model fails header x-switchyard-zdr: no zero data retention');
    expect(error.message).to.include('p1/test-model fails team legal: processes in us, required eu|ch');
    const [record] = await g.ledger();
    expect(record?.code).to.equal('SY_ERR_DATA_POLICY_NO_PROVIDER');
    expect(record?.dataPolicy).to.deep.include({ zeroRetention: true, removed: ['p1/test-model'] });
    // Body preferences are applied by the policy first, which fails with its own routing error.
    const preference = await fail({ provider: { data_collection: 'deny' } }, {});
    expect(preference.code).to.equal('SY_ERR_ROUTING_NO_CANDIDATES');
    expect(preference.message).to.include('removed by preference:data_collection');
    expect(g.upstreams.map((u) => u.calls)).to.deep.equal([0, 0]);
  });

  it('routes on guardrail findings: PII found → only zero-retention providers in the EU', async () => {
    g = await startGuarded({
      data: [EU_ZDR, US_ANY],
      configure: twoProviders({
        guardrails: { default: 'tag', profiles: { tag: [{ guardrail: 'pii', action: 'label' }] } },
        dataPolicy: { findings: { email: { zeroDataRetention: true, regions: ['eu'] } } },
      }),
    });
    const plain = await ask({ messages: [{ role: 'user', content: 'hello' }] });
    expect(plain.response.headers.get('x-switchyard-provider')).to.equal('p1');
    const pii = await ask({ messages: [{ role: 'user', content: 'mail me at eve@example.com' }] });
    expect(pii.response.headers.get('x-switchyard-provider')).to.equal('p0');
  });

  it("applies the caller's team and label requirements", async () => {
    g = await startGuarded({
      data: [EU_ZDR, US_ANY],
      configure: twoProviders({
        auth: {
          keys: [
            { key: 'sk-legal-team-1', team: 'legal' },
            { key: 'sk-restricted-1', labels: { data: 'restricted' } },
            { key: 'sk-anyone-key-1' },
          ],
        },
        dataPolicy: {
          teams: { legal: { regions: ['eu'] } },
          labels: { 'data=restricted': { trainsOnData: false } },
        },
      }),
    });
    const servedFor = async (apiKey: string) =>
      (
        await new OpenAI({ baseURL: `${g?.url}/v1`, apiKey, maxRetries: 0 }).chat.completions
          .create({ model: 'either', messages: [{ role: 'user', content: 'x' }] })
          .withResponse()
      ).response.headers.get('x-switchyard-provider');
    expect(await servedFor('sk-anyone-key-1')).to.equal('p1');
    expect(await servedFor('sk-legal-team-1')).to.equal('p0');
    expect(await servedFor('sk-restricted-1')).to.equal('p0');
  });

  it('is never answered from nor stored in the response cache under zero retention, nor when refused', async () => {
    g = await startGuarded({
      data: [EU_ZDR, US_ANY],
      configure: twoProviders({
        cache: { cacheableWhen: 'always' },
        guardrails: {
          default: 'out',
          profiles: { out: [{ guardrail: 'deny-list', options: { terms: ['forbidden'] }, on: 'output' }] },
        },
      }),
    });
    const calls = () => (g as GuardedGateway).upstreams.reduce((sum, u) => sum + u.calls, 0);
    // Control: an ordinary repeat is answered from the cache.
    await ask({ messages: [{ role: 'user', content: 'same question' }] });
    await ask({ messages: [{ role: 'user', content: 'same question' }] });
    expect(calls()).to.equal(1);
    const zdr = { 'x-switchyard-zdr': '1' };
    await ask({ messages: [{ role: 'user', content: 'private question' }] }, zdr);
    await ask({ messages: [{ role: 'user', content: 'private question' }] }, zdr);
    expect(calls()).to.equal(3);
    // Nor does the ZDR request get a cached answer stored by an ordinary one.
    await ask({ messages: [{ role: 'user', content: 'same question' }] }, zdr);
    expect(calls()).to.equal(4);
    // An answer the output guardrail refuses never reaches a client, cached or not.
    g.upstreams[1]?.setDefault({ reply: 'this is forbidden text' });
    for (let i = 0; i < 2; i++) {
      const error = await apiError(ask({ messages: [{ role: 'user', content: 'tell me' }] }));
      expect(error.code).to.equal('SY_ERR_GUARDRAIL_DENIED');
    }
  });

  it('offers stages inside output-guardrails an answer gate, checking each answer once', async () => {
    const verdicts: boolean[] = [];
    const keeper = defineStage({
      name: 'cache',
      create: () =>
        async function keeper(ctx, next) {
          await next();
          if (ctx.operation === 'chat' && ctx.response && ctx.state.answerGate) {
            verdicts.push(await ctx.state.answerGate(ctx.response));
          }
        },
    });
    const calls: string[] = [];
    const counting = createGuardrailStages([
      {
        apiVersion: 1,
        name: 'counting',
        optionsSchema: { type: 'object' },
        phases: ['output'],
        actions: ['deny'],
        create: () => ({
          check(subject) {
            const text = subject.texts[0]?.text ?? '';
            calls.push(text);
            return { findings: text.includes('bad') ? [{ type: 'bad', score: 1 }] : [] };
          },
        }),
      },
    ]);
    g = await startGuarded({
      configure: (config) => ({
        ...config,
        guardrails: { default: 'out', profiles: { out: [{ guardrail: 'counting' }] } },
      }),
      stages: [keeper, counting.input, counting.output],
    });
    g.upstreams[0]?.enqueue({ reply: 'good answer' }, { reply: 'bad answer' });
    await g.client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'a' }],
    });
    const error = await apiError(
      g.client.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: 'b' }] }),
    );
    expect(error.code).to.equal('SY_ERR_GUARDRAIL_DENIED');
    expect(verdicts).to.deep.equal([true, false]);
    expect(calls).to.deep.equal(['good answer', 'bad answer']);
  });

  it('keeps no content of a zero-retention request in logs, the ledger or the cache', async () => {
    const seen: GatewayState[] = [];
    const secret = 'ZDR-PAYLOAD-7f3a9c';
    g = await startGuarded({
      data: [EU_ZDR, US_ANY],
      configure: twoProviders({ ledger: { content: true } }),
      stages: [cacheProbe(seen)],
    });
    g.upstreams.forEach((u) => u.setDefault({ echo: true }));
    // Control: without zero retention the ledger keeps content, so the search below can fail.
    await ask({ messages: [{ role: 'user', content: 'ordinary-content-1' }] });
    const zdr = await ask({ messages: [{ role: 'user', content: secret }] }, { 'x-switchyard-zdr': '1' });
    expect(zdr.data.choices[0]?.message.content).to.equal(secret);
    const stream = await g.client.chat.completions.create(
      { model: 'either', stream: true, messages: [{ role: 'user', content: `${secret}-stream` }] },
      { headers: { 'x-switchyard-zdr': '1' } },
    );
    for await (const chunk of stream) void chunk;

    const records = await g.ledger();
    expect(JSON.stringify(records[0])).to.include('ordinary-content-1');
    expect(records).to.have.length(3);
    expect(JSON.stringify(records.slice(1))).not.to.include(secret);
    expect(records[1]?.dataPolicy).to.deep.include({ zeroRetention: true });
    const logs = g.logs.join('');
    expect(logs).to.include('"msg":"request"');
    expect(logs).not.to.include(secret);
    expect(logs).not.to.include('ordinary-content-1');
    expect(logs).not.to.include('sk-upstream-secret');
    expect(seen.map((state) => [state.zeroRetention, state.doNotCache])).to.deep.equal([
      [undefined, undefined],
      [true, 'zero retention'],
      [true, 'zero retention'],
    ]);
  });
});
