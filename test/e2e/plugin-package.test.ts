/**
 * A third-party provider plugin installed as an npm package: examples/switchyard-provider-example
 * is copied into a temporary application's node_modules and loaded by package name, the way an
 * application that ran `npm install switchyard-provider-example` would.
 *
 * `node_modules/switchyard` in that application is a stand-in that re-exports this repository's
 * sources, so the plugin and the gateway under test share one copy of the core and no build is
 * needed. The example's own conformance suite (its `npm test`) runs from the installed copy.
 */
import { expect } from 'chai';
import OpenAI from 'openai';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createGateway, createSilentLogger, SwitchyardError, type GatewayConfig } from '../../index.js';
import { startMockAcme } from '../../examples/switchyard-provider-example/test/mock-acme.js';
import { collect } from '../support/async.js';
import { rejection } from '../support/rejection.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const app = mkdtempSync(join(tmpdir(), 'switchyard-app-'));
const modules = join(app, 'node_modules');

function writePackage(
  name: string,
  files: Record<string, string>,
  fields: Record<string, unknown> = {},
): void {
  const dir = join(modules, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', type: 'module', ...fields }),
  );
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
}

const source = (path: string) => `export * from '${pathToFileURL(join(repo, path)).href}';\n`;
writePackage(
  'switchyard',
  { 'index.js': source('index.ts'), 'testing.js': source('core/testing/index.ts') },
  { exports: { '.': './index.js', './testing': './testing.js' } },
);
cpSync(join(repo, 'examples/switchyard-provider-example'), join(modules, 'switchyard-provider-example'), {
  recursive: true,
});
writePackage(
  'switchyard-provider-throws',
  { 'index.js': "throw new Error('vendor SDK missing');\n" },
  { main: 'index.js' },
);
writePackage(
  'switchyard-provider-empty',
  { 'index.js': 'export const version = 1;\n' },
  { main: 'index.js' },
);
writePackage(
  'switchyard-provider-future',
  {
    'index.js':
      "export default { apiVersion: 99, name: 'future', optionsSchema: {}, capabilities: ['chat'], create() { throw new Error('unreachable'); } };\n",
  },
  { main: 'index.js' },
);

// The example package's own test suite, run from the installed copy.
await import(pathToFileURL(join(modules, 'switchyard-provider-example/test/conformance.test.js')).href);

describe('a provider plugin installed as a package', () => {
  after(() => rmSync(app, { recursive: true, force: true }));

  const config = (plugin: string, options: Record<string, unknown> = {}): GatewayConfig => ({
    providers: { acme: { plugin, options, models: { 'acme-large': { upstreamModel: 'acme-large-2' } } } },
  });

  it('loads by package name from resolveFrom and serves chat, streams and tool calls', async () => {
    const upstream = await startMockAcme();
    const gateway = await createGateway(
      config('switchyard-provider-example', { baseUrl: upstream.url, apiKey: 'acme-key-0123456789' }),
      {
        resolveFrom: app,
        logger: createSilentLogger(),
      },
    );
    try {
      const { url } = await gateway.listen(0, '127.0.0.1');
      const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-client', maxRetries: 0 });
      upstream.enqueue({ type: 'reply', text: 'Hello from the Acme plugin' });
      const { data, response } = await client.chat.completions
        .create({ model: 'acme-large', messages: [{ role: 'user', content: 'hi' }] })
        .withResponse();
      expect(data.choices[0]?.message.content).to.equal('Hello from the Acme plugin');
      expect(response.headers.get('x-switchyard-provider')).to.equal('acme');
      expect(upstream.requests[0]?.headers.authorization).to.equal('Key acme-key-0123456789');
      expect(upstream.requests[0]?.body).to.deep.include({ model: 'acme-large-2' });

      upstream.enqueue({ type: 'tool-call', name: 'lookup', arguments: { q: 'x' } });
      const stream = await client.chat.completions.create({
        model: 'acme-large',
        stream: true,
        tools: [{ type: 'function', function: { name: 'lookup' } }],
        messages: [{ role: 'user', content: 'find x' }],
      });
      const chunks = await collect(stream);
      const call = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])[0];
      expect(call?.function).to.deep.equal({ name: 'lookup', arguments: '{"q":"x"}' });

      upstream.enqueue({ type: 'status', status: 400 });
      const error = await rejection(
        client.chat.completions.create({ model: 'acme-large', messages: [{ role: 'user', content: 'x' }] }),
      );
      expect((error as { code?: string }).code).to.equal('SY_ERR_UPSTREAM_BAD_REQUEST');
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });

  for (const [plugin, message] of [
    [
      'switchyard-provider-throws',
      /Provider plugin 'switchyard-provider-throws' failed to load: vendor SDK missing/,
    ],
    ['switchyard-provider-empty', /Package 'switchyard-provider-empty' does not export a provider plugin/],
    ['switchyard-provider-future', /declares apiVersion 99; this Switchyard speaks apiVersion 1/],
  ] as const) {
    it(`refuses at boot ${plugin.replace('switchyard-provider-', 'a package that ')} with SY_ERR_PLUGIN_INVALID`, async () => {
      const error = await rejection(
        createGateway(config(plugin), { resolveFrom: app, logger: createSilentLogger() }),
      );
      expect(SwitchyardError.isInstance(error) && error.code).to.equal('SY_ERR_PLUGIN_INVALID');
      expect((error as Error).message).to.match(message);
    });
  }

  it('refuses the example plugin’s options when they fail its schema, naming the path', async () => {
    const error = await rejection(
      createGateway(config('switchyard-provider-example', { baseUrl: 'ftp://x' }), {
        resolveFrom: app,
        logger: createSilentLogger(),
      }),
    );
    expect((error as Error).message).to.match(/\/providers\/acme\/options/);
  });
});
