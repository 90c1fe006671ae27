import { expect } from 'chai';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createGateway,
  createGuardrailStages,
  createSilentLogger,
  defineGuardrail,
  loadGuardrailPlugin,
  type AnyGuardrailPlugin,
} from '../../../index.js';

const PACKAGE = `
export const guardrail = {
  apiVersion: 1,
  name: 'shout',
  optionsSchema: { type: 'object' },
  phases: ['input'],
  actions: ['deny'],
  create: () => ({ check: (s) => ({ findings: s.texts.some((t) => t.text === t.text.toUpperCase()) ? [{ type: 'shouting', score: 1 }] : [] }) }),
};
`;

describe('loadGuardrailPlugin', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sy-guardrail-'));
    const pkg = join(dir, 'node_modules', 'switchyard-guardrail-shout');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({ name: 'switchyard-guardrail-shout', type: 'module', main: 'index.js' }),
    );
    writeFileSync(join(pkg, 'index.js'), PACKAGE);
    const old = join(dir, 'node_modules', 'switchyard-guardrail-old');
    mkdirSync(old, { recursive: true });
    writeFileSync(
      join(old, 'package.json'),
      JSON.stringify({ name: 'switchyard-guardrail-old', main: 'index.js' }),
    );
    writeFileSync(
      join(old, 'index.js'),
      PACKAGE.replace('export const guardrail =', 'module.exports =').replace(
        'apiVersion: 1',
        'apiVersion: 99',
      ),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads switchyard-guardrail-<name> from the application, ES module or CommonJS', () => {
    const plugin = loadGuardrailPlugin('shout', new Map(), `${dir}/`);
    expect(plugin.name).to.equal('shout');
  });

  it('refuses a missing package and a different apiVersion, naming what to do', () => {
    expect(() => loadGuardrailPlugin('absent', new Map(), `${dir}/`)).to.throw(
      /npm install switchyard-guardrail-absent/,
    );
    expect(() => loadGuardrailPlugin('old', new Map(), `${dir}/`)).to.throw(/declares apiVersion 99/);
  });

  it('runs a plugin handed to the gateway through createGuardrailStages', async () => {
    const yes = defineGuardrail<Record<string, never>>({
      apiVersion: 1,
      name: 'always',
      optionsSchema: { type: 'object' },
      phases: ['input'],
      actions: ['deny'],
      create: () => ({ check: () => ({ findings: [], verdict: 'deny', message: 'closed today' }) }),
    }) as AnyGuardrailPlugin;
    const stages = createGuardrailStages([yes]);
    const gateway = await createGateway(
      {
        providers: { mock: { plugin: 'mock', models: { 'mock-small': {} } } },
        guardrails: { default: 'x', profiles: { x: [{ guardrail: 'always' }] } },
      },
      { logger: createSilentLogger(), stages: [stages.input, stages.output] },
    );
    const { url } = await gateway.listen(0, '127.0.0.1');
    try {
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'mock-small', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.status).to.equal(400);
      expect(await response.text()).to.include('closed today');
    } finally {
      await gateway.close();
    }
  });
});
