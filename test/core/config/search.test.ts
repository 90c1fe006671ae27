import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findConfig } from '../../../core/config/search.js';
import { ConfigError } from '../../../index.js';
import { tempDir } from '../policy/fixtures.js';

const YAML = 'providers:\n  mock: { plugin: mock, models: { m: {} } }\npolicies: [rules/]\n';

describe('findConfig', () => {
  it('finds switchyard.config.yaml from a subdirectory and anchors policy paths to its file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'package.json'), '{"name":"x"}');
    writeFileSync(join(dir, 'switchyard.config.yaml'), YAML);
    mkdirSync(join(dir, 'src'));
    const found = await findConfig(undefined, join(dir, 'src'));
    expect(found.file).to.equal(join(dir, 'switchyard.config.yaml'));
    expect(found.config.policies).to.deep.equal([join(dir, 'rules')]);
  });

  it('reads a `switchyard` key in package.json and .switchyardrc files', async () => {
    const pkg = tempDir();
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({ name: 'x', switchyard: { providers: { a: { plugin: 'mock', models: {} } } } }),
    );
    expect(Object.keys((await findConfig(undefined, pkg)).config.providers)).to.deep.equal(['a']);
    const rc = tempDir();
    writeFileSync(join(rc, '.switchyardrc'), YAML);
    expect((await findConfig(undefined, rc)).file).to.equal(join(rc, '.switchyardrc'));
  });

  it('locates schema errors in a found file and says where it looked when nothing is found', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'switchyard.config.json'), '{\n  "providers": {},\n  "colour": 1\n}');
    const error = await findConfig(undefined, dir).catch((e: unknown) => e as ConfigError);
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).issues[0]).to.include({ line: 1, path: '' });
    const empty = tempDir();
    writeFileSync(join(empty, 'package.json'), '{"name":"y"}');
    const none = await findConfig(undefined, empty).catch((e: unknown) => e as ConfigError);
    expect((none as ConfigError).issues[0]?.message).to.match(
      /^no configuration found from .*pass --config PATH/,
    );
  });
});
