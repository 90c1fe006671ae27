import { expect } from 'chai';
import { createStatsTracker } from '../../../index.js';
import { chat, decideWith, mustCompile, refs } from './fixtures.js';

const policy = (rules: string, head = '') => mustCompile({ 'p.yaml': `version: 1\n${head}rules:\n${rules}` });
const long = (tokens: number) => 'word '.repeat(Math.ceil((tokens * 4) / 5));

describe('policy decisions', () => {
  it('routes the requested model when no rule matches, and names the default', () => {
    const d = decideWith(policy('  - { name: never, when: false, deny: { message: x } }\n'), {
      request: chat('hi'),
    });
    expect(d.decidedBy).to.equal('default');
    expect(refs(d)).to.deep.equal(['eu/small', 'us/small']);
    expect(d.plan?.policyRevision).to.match(/^sha256:/);
    expect(d.trace?.rules).to.deep.equal([{ name: 'never', matched: false }]);
  });

  it('lets the first matching rule decide, and says which rule denied', () => {
    const p = policy(
      [
        '  - { name: block-b, when: { "==": [{ var: caller.team }, b] }, deny: { status: 451, message: Not for team B } }',
        '  - { name: all, route: { candidates: [eu/large] } }',
      ].join('\n'),
    );
    const denied = decideWith(p, { request: chat('hi'), caller: { id: 'x', team: 'b', labels: {} } });
    expect(denied.error?.code).to.equal('SY_ERR_POLICY_DENIED');
    expect(denied.error?.status).to.equal(451);
    expect(denied.error?.message).to.equal("Denied by policy rule 'block-b': Not for team B");
    expect(denied.trace?.outcome).to.equal('deny');
    const routed = decideWith(p, { request: chat('hi'), caller: { id: 'x', team: 'a', labels: {} } });
    expect(routed.decidedBy).to.equal('all');
    expect(refs(routed)).to.deep.equal(['eu/large']);
  });

  it('accumulates requirements, labels and settings of continue rules under the deciding rule', () => {
    const p = policy(
      [
        '  - name: pii',
        '    when: { sy.containsAny: [{ var: findingTypes }, [email]] }',
        '    continue: true',
        '    require: { regions: [eu], zeroDataRetention: true }',
        '    labels: { pii: "yes" }',
        '    guardrails: strict',
        '  - name: route-all',
        '    route: { candidates: [us/small, eu/small, eu/large] }',
        '    cache: { enabled: true, ttlSeconds: 60 }',
        '    budget: standard',
        '    rateLimit: gentle',
        '    labels: { tier: any }',
      ].join('\n'),
    );
    const d = decideWith(p, { request: chat('mail me'), findings: [{ type: 'email' }] });
    expect(refs(d)).to.deep.equal(['eu/small', 'eu/large']);
    expect(d.trace?.removed).to.deep.equal([
      { ref: 'us/small', filter: 'require:pii', reason: 'processes in us, required eu' },
    ]);
    expect(d.plan).to.deep.include({
      labels: { pii: 'yes', tier: 'any' },
      guardrails: 'strict',
      budget: 'standard',
      rateLimit: 'gentle',
      cache: { enabled: true, ttlSeconds: 60 },
    });
    expect(refs(decideWith(p, { request: chat('no pii') }))).to.deep.equal([
      'us/small',
      'eu/small',
      'eu/large',
    ]);
  });

  it('drops candidates whose context window is too small for the prompt plus max output', () => {
    const p = policy('  - { name: r, route: { candidates: [eu/small, eu/large] } }\n');
    const d = decideWith(p, { request: chat(long(7000), { max_tokens: 1500 }) });
    expect(refs(d)).to.deep.equal(['eu/large']);
    expect(d.trace?.removed[0]?.filter).to.equal('context');
    expect(d.trace?.removed[0]?.reason).to.match(/^context window 8000 < \d+ tokens needed/);
    const tooLong = decideWith(p, { request: chat('hi', { max_tokens: 5000 }) });
    expect(tooLong.trace?.removed[0]?.reason).to.equal('max output 2000 < 5000 tokens requested');
  });

  it('drops candidates missing a capability the request needs', () => {
    const p = policy('  - { name: r, route: { candidates: [eu/small, us/small, eu/large] } }\n');
    const tools = [{ type: 'function', function: { name: 'f' } }];
    expect(refs(decideWith(p, { request: chat('hi', { tools }) }))).to.deep.equal(['us/small', 'eu/large']);
    const image = {
      model: 'x',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }],
    };
    const d = decideWith(p, { request: image as never });
    expect(refs(d)).to.deep.equal(['eu/large']);
    expect(d.trace?.removed.map((r) => r.reason)).to.deep.equal([
      'lacks capability vision',
      'lacks capability vision',
    ]);
  });

  it('drops candidates over the rule maximum price and explains an empty plan filter by filter', () => {
    const p = policy(
      '  - { name: capped, route: { candidates: [eu/large, us/small, eu/small], maxPrice: { input: 0.08 } } }\n',
    );
    expect(refs(decideWith(p, { request: chat('hi') }))).to.deep.equal(['us/small']);
    const empty = decideWith(p, {
      request: chat('hi', {
        tools: [{ type: 'function', function: { name: 'f' } }],
        provider: { zdr: true },
      }),
    });
    expect(empty.error?.code).to.equal('SY_ERR_ROUTING_NO_CANDIDATES');
    expect(empty.error?.message).to.equal(
      "No candidate can serve this request (policy rule 'capped'): eu/small removed by capability (lacks capability tools); " +
        'eu/large removed by price:capped (input $3/M > max $0.08/M); us/small removed by preference:zdr (no zero data retention).',
    );
  });

  it('fails closed on unknown data attributes and checks retention and certifications', () => {
    const p = policy(
      '  - { name: r, route: { candidates: [us/gpt-4o-mini, eu/small, us/small] }, require: { trainsOnData: false, maxRetentionDays: 7, certifications: [iso27001] } }\n',
    );
    const d = decideWith(p, { request: chat('hi') });
    expect(refs(d)).to.deep.equal(['eu/small']);
    expect(d.trace?.removed.map((r) => `${r.ref}: ${r.reason}`)).to.deep.equal([
      'us/gpt-4o-mini: trains on data',
      'us/small: trains on data',
    ]);
  });

  it('marks out-of-service providers as unavailable with the reason', () => {
    const d = decideWith(policy('  - { name: r, route: { candidates: [off/small, eu/small] } }\n'), {
      request: chat('hi'),
    });
    expect(refs(d)).to.deep.equal(['eu/small']);
    expect(d.trace?.removed[0]).to.deep.equal({
      ref: 'off/small',
      filter: 'unavailable',
      reason: "provider 'off' is out of service (environment variable SY_POLICY_TEST_NEVER_SET not set)",
    });
  });

  it('answers 404 for an unknown requested model and 400 for the wrong kind', () => {
    const p = policy('  - { name: never, when: false }\n');
    const missing = decideWith(p, { request: chat('hi', { model: 'gpt-9' }) });
    expect(missing.error?.code).to.equal('SY_ERR_MODEL_NOT_FOUND');
    const badFallback = decideWith(p, { request: chat('hi', { models: ['nope'] }) });
    expect(badFallback.error?.param).to.equal('models[0]');
    const offOnly = decideWith(p, { request: chat('hi', { model: 'off/small' }) });
    expect(offOnly.error?.message).to.match(/provider 'off' is out of service/);
    const wrongKind = decideWith(p, { request: chat('hi', { model: 'embed' }) });
    expect(wrongKind.error?.code).to.equal('SY_ERR_MODEL_UNSUPPORTED_OPERATION');
  });

  it('evaluates a rule filter per candidate with candidate facts', () => {
    const p = policy(
      '  - { name: r, route: { candidates: [eu/small, us/small, eu/large], filter: { "<": [{ var: candidate.inputPrice }, 1] } } }\n',
    );
    const d = decideWith(p, { request: chat('hi') });
    expect(refs(d)).to.deep.equal(['eu/small', 'us/small']);
    expect(d.trace?.removed[0]).to.deep.equal({
      ref: 'eu/large',
      filter: 'rule-filter',
      reason: "rule 'r' filter is false",
    });
  });

  it('orders by strategy: cheapest, fastest (recent latency), least-busy', () => {
    const stats = createStatsTracker();
    stats.record([
      { provider: 'eu', model: 'large', startedAt: 0, durationMs: 50, outcome: 'ok' },
      { provider: 'us', model: 'small', startedAt: 0, durationMs: 400, outcome: 'ok' },
    ]);
    stats.enter('eu/small');
    stats.enter('eu/small');
    stats.enter('us/small');
    const run = (strategy: string) =>
      refs(
        decideWith(
          policy(
            `  - { name: r, route: { candidates: [eu/large, eu/small, us/small], strategy: ${strategy} } }\n`,
          ),
          { request: chat('hi') },
          { stats },
        ),
      );
    expect(run('cheapest')).to.deep.equal(['us/small', 'eu/small', 'eu/large']);
    expect(run('fastest')).to.deep.equal(['eu/large', 'us/small', 'eu/small']);
    expect(run('least-busy')).to.deep.equal(['eu/large', 'us/small', 'eu/small']);
  });

  it('splits by weight, sticky per user, and records the arm', () => {
    const p = policy(
      '  - { name: ab, route: { strategy: weighted, sticky: user, candidates: [{ ref: eu/small, weight: 1 }, { ref: eu/large, weight: 3 }] } }\n',
    );
    const arms = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const d = decideWith(p, { request: chat('hi', { user: `user-${i}` }) });
      arms.set(d.plan?.arm ?? '', (arms.get(d.plan?.arm ?? '') ?? 0) + 1);
      expect(decideWith(p, { request: chat('again', { user: `user-${i}` }) }).plan?.arm).to.equal(
        d.plan?.arm,
      );
    }
    expect(arms.get('eu/large')).to.be.within(250, 350);
    const random = decideWith(
      policy(
        '  - { name: ab, route: { strategy: weighted, candidates: [{ ref: eu/small, weight: 1 }, { ref: eu/large, weight: 1 }] } }\n',
      ),
      { request: chat('hi') },
      { random: () => 0.99 },
    );
    expect(refs(random)).to.deep.equal(['eu/large', 'eu/small']);
  });

  it('applies allowed OpenRouter preferences and appends fallbacks after the strategy', () => {
    const p = policy(
      '  - { name: r, route: { candidates: [eu/large, us/small, eu/small], fallbacks: [us/gpt-4o-mini] } }\n',
    );
    expect(refs(decideWith(p, { request: chat('hi', { provider: { order: ['us'] } }) }))).to.deep.equal([
      'us/small',
      'eu/large',
      'eu/small',
      'us/gpt-4o-mini',
    ]);
    expect(refs(decideWith(p, { request: chat('hi', { provider: { only: ['eu'] } }) }))).to.deep.equal([
      'eu/large',
      'eu/small',
    ]);
    expect(refs(decideWith(p, { request: chat('hi', { provider: { sort: 'price' } }) }))).to.deep.equal([
      'us/small',
      'eu/small',
      'eu/large',
      'us/gpt-4o-mini',
    ]);
    expect(
      refs(decideWith(p, { request: chat('hi', { provider: { allow_fallbacks: false } }) })),
    ).to.deep.equal(['eu/large']);
    expect(
      refs(decideWith(p, { request: chat('hi', { provider: { max_price: { prompt: 1 } } }) })),
    ).to.deep.equal(['us/small', 'eu/small', 'us/gpt-4o-mini']);
    expect(
      refs(decideWith(p, { request: chat('hi', { provider: { data_collection: 'deny' } }) })),
    ).to.deep.equal(['eu/large', 'eu/small']);
  });

  it('resolves :floor and :nitro suffixes and the models fallback list for the requested model', () => {
    const p = policy('  - { name: never, when: false }\n');
    expect(refs(decideWith(p, { request: chat('hi', { model: 'cheap:floor' }) }))).to.deep.equal([
      'us/small',
      'eu/small',
    ]);
    expect(refs(decideWith(p, { request: chat('hi', { model: 'large', models: ['cheap'] }) }))).to.deep.equal(
      ['eu/large', 'us/small', 'eu/small'],
    );
  });

  it('refuses preferences the policy does not allow, naming them, or ignores them when told to', () => {
    const head = 'preferences: { allow: [sort] }\n';
    const strict = policy('  - { name: r, route: { candidates: [eu/large, us/small] } }\n', head);
    const refused = decideWith(strict, {
      request: chat('hi', { model: 'small:nitro', provider: { order: ['us'], sort: 'price' } }),
    });
    expect(refused.error?.code).to.equal('SY_ERR_POLICY_PREFERENCE_REFUSED');
    expect(refused.error?.message).to.equal(
      "Routing preferences the :nitro suffix, provider.order are not allowed by policy rule 'r'; remove them from the request.",
    );
    const lenient = policy(
      '  - { name: r, route: { candidates: [eu/large, us/small] }, preferences: { allow: [], refused: ignore } }\n',
    );
    const ignored = decideWith(lenient, { request: chat('hi', { provider: { order: ['us'] } }) });
    expect(refs(ignored)).to.deep.equal(['eu/large', 'us/small']);
    expect(ignored.trace?.preferences).to.deep.equal({ used: ['order'], refused: ['order'] });
  });

  it('reads facts: tokens, complexity, headers allow-list, labels, caller and time', () => {
    const p = policy(
      [
        '  - name: facts',
        '    when:',
        '      and:',
        '        - { "==": [{ var: request.headers.x-tier }, gold] }',
        '        - { "==": [{ var: request.headers.x-secret }, null] }',
        '        - { "==": [{ var: request.labels.app }, web] }',
        '        - { "==": [{ var: time.weekday }, mon] }',
        '        - { "==": [{ var: time.hour }, 9] }',
        '        - { "==": [{ var: caller.project }, p1] }',
        '        - { ">": [{ var: request.estimatedPromptTokens }, 1000] }',
        '        - { "==": [{ var: request.complexityTier }, complex] }',
        '        - { var: request.hasTools }',
        '    route: { candidates: [eu/large] }',
      ].join('\n'),
      'facts: { headers: [x-tier, x-switchyard-labels] }\n',
    );
    const text = `${long(2000)} Analyze step by step, prove it and refactor: \`\`\`js\nconst x = () => 1;\n\`\`\``;
    const input = {
      request: chat(text, { tools: [{ type: 'function', function: { name: 'f' } }] }),
      headers: { 'x-tier': 'gold', 'x-secret': 's', 'x-switchyard-labels': 'app=web, env=prod' },
      caller: { id: 'c', project: 'p1', labels: {} },
    };
    const d = decideWith(p, input);
    expect(d.decidedBy, JSON.stringify(d.facts.request)).to.equal('facts');
    expect(d.facts.request.headers).to.deep.equal({
      'x-tier': 'gold',
      'x-switchyard-labels': 'app=web, env=prod',
    });
    expect(d.facts.request.labels).to.deep.equal({ app: 'web', env: 'prod' });
    expect(decideWith(p, { ...input, request: chat('hi') }).decidedBy).to.equal('default');
  });
});
