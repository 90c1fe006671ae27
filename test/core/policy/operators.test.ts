import { expect } from 'chai';
import jsonLogic from 'json-logic-js';
import {
  createOperatorRegistry,
  loadPolicy,
  policyOperators,
  registerBuiltinOperators,
} from '../../../index.js';
import { catalogOf, writePolicies } from './fixtures.js';

describe('policy operators', () => {
  const op = (name: string) => {
    const fn = policyOperators.get(name)?.fn;
    if (!fn) throw new Error(`no ${name}`);
    return (...args: unknown[]) => fn.apply({}, args);
  };

  it('match, glob, containsAny/All, startsWith, lower and bucket behave as documented', () => {
    expect(op('sy.match')('gpt-4o-mini', '^gpt-4o')).to.equal(true);
    expect(op('sy.match')('GPT', 'gpt', 'i')).to.equal(true);
    expect(op('sy.match')(42, '4')).to.equal(false);
    expect(op('sy.glob')('claude-opus-4-5', 'claude-{opus,sonnet}-*')).to.equal(true);
    expect(op('sy.glob')('openai/gpt-4o', 'gpt-*')).to.equal(false);
    expect(op('sy.containsAny')(['email', 'ip'], ['card', 'ip'])).to.equal(true);
    expect(op('sy.containsAny')('my card number', ['card'])).to.equal(true);
    expect(op('sy.containsAny')(['email'], [])).to.equal(false);
    expect(op('sy.containsAll')(['email', 'ip'], ['ip', 'email'])).to.equal(true);
    expect(op('sy.containsAll')(['email'], ['ip', 'email'])).to.equal(false);
    expect(op('sy.startsWith')('team-a', 'team-')).to.equal(true);
    expect(op('sy.lower')('EU')).to.equal('eu');
    const bucket = op('sy.bucket')('user-1', 10) as number;
    expect(bucket).to.be.within(0, 9);
    expect(op('sy.bucket')('user-1', 10)).to.equal(bucket);
  });

  it('are installed into json-logic-js once frozen', () => {
    policyOperators.freeze();
    expect(jsonLogic.apply({ 'sy.containsAny': [['a'], ['a']] } as never, {})).to.equal(true);
  });

  it('refuses registrations after the freeze, naming the operator', () => {
    policyOperators.freeze();
    expect(() => policyOperators.register('acme.late', () => true)).to.throw(/acme\.late.*frozen/);
  });

  it('requires a namespace, reserves sy. for built-ins and refuses duplicates', () => {
    const registry = createOperatorRegistry();
    expect(() => registry.register('bare', () => 1)).to.throw(/namespaced/);
    expect(() => registry.register('sy.mine', () => 1)).to.throw(/reserved/);
    registry.register('acme.one', () => 1);
    expect(() => registry.register('acme.one', () => 1)).to.throw(/already registered/);
  });

  it('lets a plugin register an operator before the freeze and rules use it', () => {
    const registry = createOperatorRegistry({ allowReserved: true });
    registerBuiltinOperators(registry);
    registry.register('acmetest.isVip', (team) => team === 'vip', 'true for the VIP team');
    const dir = writePolicies({
      'p.yaml': [
        'version: 1',
        'rules:',
        '  - name: vip',
        '    when: { acmetest.isVip: [{ var: caller.team }] }',
        '    route: { candidates: [eu/large] }',
      ].join('\n'),
    });
    const loaded = loadPolicy([dir], catalogOf(), registry);
    expect(loaded.issues).to.deep.equal([]);
    expect(registry.frozen).to.equal(true);
    expect(loaded.policy?.rules[0]?.when?.({ caller: { team: 'vip' } })).to.equal(true);
    expect(loaded.policy?.rules[0]?.when?.({ caller: { team: 'x' } })).to.equal(false);
  });
});
