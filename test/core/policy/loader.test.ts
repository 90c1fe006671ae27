import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicy, policyFiles } from '../../../index.js';
import { catalogOf, compile, tempDir, writePolicies } from './fixtures.js';

const RULE = (when: string, route = '{ candidates: [eu/large] }') =>
  ['version: 1', 'rules:', '  - name: r', `    when: ${when}`, `    route: ${route}`].join('\n');

describe('policy loading', () => {
  it('reports malformed YAML with file, line and column', () => {
    const { issues, dir } = compile({ 'bad.yaml': 'version: 1\nrules:\n  - name: [unclosed\n' });
    expect(issues).to.have.length.greaterThan(0);
    expect(issues[0]?.file).to.equal(join(dir, 'bad.yaml'));
    expect(issues[0]?.line).to.be.a('number').greaterThan(0);
  });

  it('reports every schema violation at once, each located, saying what was expected', () => {
    const text = [
      'version: 2', // 1
      'rules:',
      '  - name: ok-rule',
      '    deny: { status: 200 }', // 4: status range, missing message
      '    colour: blue', // 5: unknown property
      '  - name: second',
      '    route: { strategy: random, candidates: [] }', // 7: enum, minItems
    ].join('\n');
    const { issues } = compile({ 'p.yaml': text });
    const found = issues.map((i) => `${i.line}:${i.column} ${i.path} ${i.message}`);
    expect(found).to.include.members([
      '1:10 /version must be 1',
      "4:11 /rules/0/deny is missing required property 'message'",
      '4:21 /rules/0/deny/status must be >= 400',
      "3:5 /rules/0 has unknown property 'colour'",
      '7:24 /rules/1/route/strategy must be one of ["ordered","weighted","cheapest","fastest","least-busy"]',
      '7:44 /rules/1/route/candidates must NOT have fewer than 1 items',
    ]);
    expect(issues.every((i) => i.file?.endsWith('p.yaml'))).to.equal(true);
  });

  it('reports errors of every file, not only the first bad one', () => {
    const { issues } = compile({
      'a.yaml': 'version: 1\nrules: 3\n',
      'b.json': '{"version": 1, "rules": [{"nam": "x"}]}',
    });
    expect(issues.map((i) => i.file?.split('/').pop())).to.include.members(['a.yaml', 'b.json']);
  });

  it('locates an unknown operator inside a rule', () => {
    const { issues } = compile({ 'p.yaml': RULE('{ and: [true, { sy.mtch: [a, b] }] }') });
    expect(issues).to.have.length(1);
    expect(issues[0]).to.include({ path: '/rules/0/when/and/1/sy.mtch', line: 4 });
    expect(issues[0]?.message).to.match(/unknown operator 'sy\.mtch'/);
  });

  it('locates a rule naming an unknown provider or model, and accepts out-of-service ones', () => {
    const { issues } = compile({
      'p.yaml': RULE('true', '{ candidates: [eu/large, nope/small, off/small, { ref: gpt-9 }] }'),
    });
    expect(issues.map((i) => `${i.path} ${i.line}`)).to.deep.equal([
      '/rules/0/route/candidates/1 5',
      '/rules/0/route/candidates/3/ref 5',
    ]);
    expect(issues[0]?.message).to.match(/unknown model or provider 'nope\/small'/);
  });

  it('reports unknown and self-referencing conditions, duplicate rules and conflicting outcomes', () => {
    const text = [
      'version: 1',
      'conditions:',
      '  loop: { condition: loop }',
      'rules:',
      '  - name: a',
      '    when: missing-one',
      '  - name: a',
      '    deny: { message: no }',
      '    route: { candidates: [eu/large] }',
      '  - name: c',
      '    continue: true',
      '    deny: { message: no }',
    ].join('\n');
    const messages = compile({ 'p.yaml': text }).issues.map((i) => `${i.path} ${i.message}`);
    expect(messages).to.include.members([
      "/conditions/loop refers to itself (through 'loop')",
      "/rules/0/when/condition refers to unknown condition 'missing-one'",
      "/rules/1/name repeats rule name 'a'",
      "/rules/1 has both 'deny' and 'route'; a rule either denies or routes",
      "/rules/2/continue cannot continue after 'deny' or 'route'; only requirements, settings and labels accumulate",
    ]);
  });

  it('expands directories and globs, skipping test files, and reports includes that match nothing', () => {
    const dir = writePolicies({
      'b.yaml': 'version: 1',
      'a.json': '{"version":1}',
      'a.test.yaml': 'cases: []',
      'notes.txt': '',
    });
    expect(policyFiles([dir]).files.map((f) => f.split('/').pop())).to.deep.equal(['a.json', 'b.yaml']);
    expect(policyFiles([join(dir, '*.yaml')]).files.map((f) => f.split('/').pop())).to.deep.equal(['b.yaml']);
    const { issues } = policyFiles([join(dir, '*.yml')]);
    expect(issues.map((i) => `${i.path} ${i.message}`)).to.deep.equal([
      `/policies/include/0 matches no policy file: '${join(dir, '*.yml')}'`,
    ]);
    const missing = join(tempDir(), 'none.yaml');
    const loaded = loadPolicy([missing], catalogOf());
    expect(loaded.issues[0]).to.include({ file: missing });
    expect(loaded.issues[0]?.message).to.match(/^cannot be read: ENOENT/);
  });

  it('gives the same revision for the same text and another for changed text', () => {
    const dir = writePolicies({ 'p.yaml': RULE('true') });
    const first = loadPolicy([dir], catalogOf()).policy?.revision;
    expect(first).to.match(/^sha256:[0-9a-f]{16}$/);
    expect(loadPolicy([dir], catalogOf()).policy?.revision).to.equal(first);
    writeFileSync(join(dir, 'p.yaml'), RULE('false'));
    expect(loadPolicy([dir], catalogOf()).policy?.revision).to.not.equal(first);
  });
});
