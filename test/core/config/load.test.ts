import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile } from '../../../core/config/load.js';
import { ConfigError } from '../../../core/config/validate.js';
import { resolveConfig } from '../../../core/config/resolve.js';
import type { GatewayConfig } from '../../../core/config/types.js';

function writeTemp(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'switchyard-config-')), name);
  writeFileSync(file, text);
  return file;
}

async function issuesOf(file: string) {
  try {
    await loadConfigFile(file);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfigFile', () => {
  it('loads the bundled example configuration', async () => {
    const config = await loadConfigFile('examples/switchyard.config.yaml');
    expect(config.providers.mock?.plugin).to.equal('mock');
  });

  it('reports a YAML syntax error with its line and column', async () => {
    const file = writeTemp('bad.yaml', 'providers:\n  mock:\n    plugin: [unclosed\n');
    const [issue] = await issuesOf(file);
    expect(issue?.file).to.equal(file);
    expect(issue?.line).to.be.a('number').greaterThan(0);
  });

  it('reports every schema violation at once, each with file, line, column and path', async () => {
    const file = writeTemp(
      'invalid.yaml',
      [
        'providers:',
        '  mock:',
        '    plugin: mock',
        '    models:',
        '      m1:',
        '        contextWindow: many',
        '  other:',
        '    models: {}',
        'server:',
        '  prot: 80',
      ].join('\n'),
    );
    const issues = await issuesOf(file);
    const byPath = new Map(issues.map((issue) => [issue.path, issue]));
    expect(byPath.get('/providers/mock/models/m1/contextWindow')).to.include({ line: 6, column: 24 });
    expect(byPath.get('/providers/mock/models/m1/contextWindow')?.message).to.match(/integer/);
    expect(byPath.get('/providers/other')?.message).to.match(/missing required property 'plugin'/);
    expect(byPath.get('/server')?.message).to.match(/unknown property 'prot'/);
    expect(byPath.get('/server')?.line).to.equal(10);
  });

  it('names a file that cannot be read', async () => {
    const [issue] = await issuesOf('/nonexistent/switchyard.yaml');
    expect(issue?.message).to.match(/cannot be read/);
  });
});

describe('resolveConfig', () => {
  const config: GatewayConfig = {
    providers: {
      keyed: {
        plugin: 'openai-compatible',
        requiresEnv: ['SY_TEST_KEY'],
        options: { apiKey: '${SY_TEST_KEY}' },
        models: {},
      },
      plain: { plugin: 'mock', options: { reply: '${SY_MISSING:-fallback}' }, models: {} },
      off: { plugin: 'mock', enabled: false, models: {} },
    },
  };

  it('switches a provider off while its required environment is missing', () => {
    const resolved = resolveConfig(config, {});
    expect([...resolved.providers.keys()]).to.deep.equal(['plain']);
    expect(resolved.disabledProviders.get('keyed')).to.match(/SY_TEST_KEY/);
    expect(resolved.disabledProviders.get('off')).to.match(/enabled: false/);
  });

  it('expands ${VAR} and ${VAR:-default} in options once the provider is on', () => {
    const resolved = resolveConfig(config, { SY_TEST_KEY: 'k-123' });
    expect(resolved.providers.get('keyed')?.options).to.deep.equal({ apiKey: 'k-123' });
    expect(resolved.providers.get('plain')?.options).to.deep.equal({ reply: 'fallback' });
  });

  it('names a missing variable and where it was used', () => {
    const broken: GatewayConfig = {
      providers: { p: { plugin: 'mock', options: { key: '${NOPE_NOT_SET}' }, models: {} } },
    };
    expect(() => resolveConfig(broken, {})).to.throw(/NOPE_NOT_SET.*\/providers\/p\/options\/key/);
  });

  it('fills defaults for the server, failover and the pipeline', () => {
    const resolved = resolveConfig({ providers: {} }, {});
    expect(resolved.server.bodyLimitBytes).to.equal(8 * 1024 * 1024);
    expect(resolved.failover.maxAttempts).to.be.greaterThan(1);
    expect(resolved.pipeline.map((s) => s.name)).to.include.members(['auth', 'route', 'accounting']);
  });
});
