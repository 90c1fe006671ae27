import { expect } from 'chai';
import fc from 'fast-check';
import jsonLogic from 'json-logic-js';
import { compileLogic, policyOperators, type CompileEnv } from '../../../index.js';

function env(issues: string[] = []): CompileEnv {
  policyOperators.freeze();
  return {
    operators: policyOperators,
    condition: () => undefined,
    report: (path, message) => issues.push(`${path} ${message}`),
  };
}

const data = {
  request: {
    model: 'gpt-4o',
    tokens: 1200,
    tools: true,
    tags: ['a', 'b'],
    empty: [],
    zero: 0,
    text: 'Hello World',
    nested: { deep: null },
  },
  caller: { team: 'a', labels: { region: 'eu' } },
  findings: [
    { type: 'email', score: 0.9 },
    { type: 'card', score: 0.4 },
  ],
  n: '5',
};

const CASES: unknown[] = [
  { '==': [{ var: 'request.model' }, 'gpt-4o'] },
  { '==': [{ var: 'n' }, 5] },
  { '===': [{ var: 'n' }, 5] },
  { '!=': [{ var: 'request.zero' }, false] },
  { '!==': [1, '1'] },
  { '<': [{ var: 'request.tokens' }, 2000] },
  { '<': [1, { var: 'request.tokens' }, 1000] },
  { '<=': [1200, { var: 'request.tokens' }, 1200] },
  { '>': [{ var: 'request.tokens' }, '1000'] },
  { '>=': [{ var: 'missing.path' }, 0] },
  { '!': [{ var: 'request.empty' }] },
  { '!!': { var: 'request.tags' } },
  { and: [true, { var: 'request.tools' }, 'x'] },
  { and: [true, { var: 'request.zero' }, 'x'] },
  { and: [] },
  { or: [false, { var: 'request.empty' }, 0] },
  { or: [false, { var: 'caller.team' }] },
  { if: [{ var: 'request.tools' }, 'tools', 'plain'] },
  { if: [false, 1, { var: 'x' }, 2, 3] },
  { if: [false, 1] },
  { '?:': [true, 'a', 'b'] },
  { in: ['b', { var: 'request.tags' }] },
  { in: ['World', { var: 'request.text' }] },
  { in: ['x', null] },
  { cat: ['a', 1, { var: 'caller.team' }] },
  { substr: [{ var: 'request.text' }, 0, -6] },
  { substr: ['switchyard', 6] },
  { '+': ['1', 2, { var: 'n' }] },
  { '*': [2, '3'] },
  { '-': [{ var: 'request.tokens' }] },
  { '-': [10, 4] },
  { '/': [9, 2] },
  { '%': [9, 4] },
  { min: [3, 1, 2] },
  { max: [] },
  { merge: [[1], 2, [3, [4]]] },
  { var: ['caller.labels.region'] },
  { var: ['caller.labels.zone', 'none'] },
  { var: 'request.nested.deep' },
  { var: 'request.nested.deep.deeper' },
  { var: '' },
  { var: [{ cat: ['caller.', 'team'] }] },
  { missing: ['request.model', 'request.nope', 'a.b'] },
  { missing_some: [1, ['request.model', 'nope']] },
  { missing_some: [2, ['request.model', 'nope']] },
  { some: [{ var: 'findings' }, { '>': [{ var: 'score' }, 0.5] }] },
  { all: [{ var: 'findings' }, { '>': [{ var: 'score' }, 0.5] }] },
  { all: [[], true] },
  { none: [{ var: 'findings' }, { '==': [{ var: 'type' }, 'ssn'] }] },
  { filter: [{ var: 'findings' }, { '==': [{ var: 'type' }, 'card'] }] },
  { map: [{ var: 'request.tags' }, { cat: [{ var: '' }, '!'] }] },
  { map: [5, 1] },
  { reduce: [[1, 2, 3], { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 10] },
  { reduce: [7, { var: 'current' }] },
  [1, { var: 'caller.team' }],
  { a: 1, b: 2 },
  {},
  'literal',
  null,
  { 'sy.match': [{ var: 'request.model' }, '^gpt-4'] },
  { 'sy.containsAny': [{ map: [{ var: 'findings' }, { var: 'type' }] }, ['ssn', 'card']] },
  { 'sy.glob': [{ var: 'request.model' }, 'gpt-4{o,.1}*'] },
];

describe('compileLogic', () => {
  it('agrees with json-logic-js on every standard operator and quirk', () => {
    for (const logic of CASES) {
      const expected = jsonLogic.apply(logic as never, data);
      expect(compileLogic(logic, env())(data), JSON.stringify(logic)).to.deep.equal(expected);
    }
  });

  it('agrees with json-logic-js on random comparison trees', () => {
    const leaf = fc.oneof(
      fc.constantFrom(
        { var: 'request.tokens' },
        { var: 'n' },
        { var: 'request.tags' },
        { var: 'nope' },
        { var: 'request.zero' },
      ),
      fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('', '5', 'a', null, true, false, [])),
    );
    const tree = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc
          .tuple(fc.constantFrom('==', '!=', '<', '>=', '===', 'in', '+', 'cat'), tie('node'), tie('node'))
          .map(([op, a, b]) => ({ [op]: [a, b] })),
        fc
          .tuple(fc.constantFrom('and', 'or', 'if'), fc.array(tie('node'), { maxLength: 4 }))
          .map(([op, xs]) => ({ [op]: xs })),
        tie('node').map((x) => ({ '!': [x] })),
      ),
    })).node;
    fc.assert(
      fc.property(tree, (logic) => {
        expect(compileLogic(logic, env())(data)).to.deep.equal(jsonLogic.apply(logic as never, data));
      }),
      { numRuns: 500 },
    );
  });

  it('reports an unknown operator with its JSON path and the known ones', () => {
    const issues: string[] = [];
    compileLogic({ and: [true, { 'sy.mtch': ['a', 'b'] }] }, env(issues), '/rules/0/when');
    expect(issues).to.have.length(1);
    expect(issues[0]).to.match(
      /^\/rules\/0\/when\/and\/1\/sy\.mtch uses unknown operator 'sy\.mtch'.*sy\.match/,
    );
  });

  it('refuses json-logic operators with side effects (log, method)', () => {
    const issues: string[] = [];
    compileLogic({ or: [{ log: 'x' }, { method: ['a', 'toString'] }] }, env(issues));
    expect(issues.map((i) => i.split(' ')[0])).to.deep.equal(['/or/0/log', '/or/1/method']);
  });

  it('reports an invalid literal regular expression at compile time', () => {
    const issues: string[] = [];
    compileLogic({ 'sy.match': [{ var: 'a' }, '(unclosed'] }, env(issues), '/when');
    expect(issues[0]).to.match(/^\/when\/sy\.match has an invalid regular expression/);
  });
});
