/**
 * The package as a consumer gets it: built (tsconfig.build.json, as `npm run build` does, but into
 * a staging copy so the working tree's dist/ is left alone), packed with the real `files` list,
 * installed from the tarball into an empty app (dependencies from the npm cache when there), then
 * imported, required, run as a bin and compiled against by a strict TypeScript consumer.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = (name: string) => join(repo, 'node_modules', '.bin', name);

interface PackResult {
  filename: string;
  files: { path: string }[];
}

async function pack(cwd: string, dryRun: boolean): Promise<PackResult> {
  const args = ['pack', '--json', '--ignore-scripts', ...(dryRun ? ['--dry-run'] : [])];
  const { stdout } = await run('npm', args, { cwd, maxBuffer: 32 * 1024 * 1024 });
  const result = (JSON.parse(stdout) as PackResult[])[0];
  if (!result) throw new Error('npm pack printed nothing');
  return result;
}

const consumer = `import { createGateway, createChatRouter, SwitchyardError, type ChatCompletion, type Gateway } from 'switchyard';
import { startMockOpenAIUpstream } from 'switchyard/testing';

const gateway: Gateway = await createGateway({ providers: { mock: { plugin: 'mock', models: { 'mock-small': {} } } } });
gateway.on('usage', (event) => console.log(event.usage.costUsd.toFixed(6), event.caller?.team));
const answer: ChatCompletion = await gateway.chat({ model: 'mock-small', messages: [{ role: 'user', content: 'x' }] });
const stream = await createChatRouter(gateway).chat({ model: 'mock-small', stream: true, messages: [] });
for await (const chunk of stream) console.log(chunk.choices[0]?.delta.content);
const upstream = await startMockOpenAIUpstream();
console.log(answer.id, SwitchyardError.isInstance(answer), upstream.url);
`;

const esmApp = `import { createGateway, createSilentLogger } from 'switchyard';
const gateway = await createGateway(
  { providers: { mock: { plugin: 'mock', models: { 'mock-small': {} } } } },
  { logger: createSilentLogger() },
);
const answer = await gateway.chat({ model: 'mock-small', messages: [{ role: 'user', content: 'from the tarball' }] });
await gateway.close();
console.log(answer.choices[0].message.content);
`;

// An answer without usage is counted in the token-count worker shipped in dist/core/.
const countApp = `import { createRequire } from 'node:module';
import { answerUsage } from 'switchyard';
const answer = { model: 'gpt-4o', choices: [{ index: 0, message: { role: 'assistant', content: 'hi there' }, finish_reason: 'stop' }] };
const usage = await answerUsage({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello world' }] }, answer, undefined);
const loaded = Object.keys(createRequire(import.meta.url).cache).filter((path) => /gpt-tokenizer[\\\\/].*encoding/.test(path));
console.log(JSON.stringify({ usage, loaded }));
`;

describe('the npm package (packed, installed, imported)', function () {
  this.timeout(120_000);
  let work: string;
  let app: string;
  let packed: PackResult;

  before(async function () {
    this.timeout(300_000);
    work = await mkdtemp(join(tmpdir(), 'switchyard-package-'));
    const stage = join(work, 'stage');
    app = join(work, 'app');
    await mkdir(stage);
    await mkdir(app);
    // Everything `files` lists besides the build output, copied from the working tree.
    const listed = await pack(repo, true);
    for (const { path } of listed.files) {
      if (path.startsWith('dist/')) continue;
      await mkdir(dirname(join(stage, path)), { recursive: true });
      await cp(join(repo, path), join(stage, path));
    }
    await run(bin('tsc'), ['-p', join(repo, 'tsconfig.build.json'), '--outDir', join(stage, 'dist')], {
      cwd: repo,
    });
    await chmod(join(stage, 'dist', 'cli', 'main.js'), 0o755);
    packed = await pack(stage, false);
    await writeFile(
      join(app, 'package.json'),
      JSON.stringify({ name: 'app', private: true, type: 'module' }),
    );
    await run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        join(stage, packed.filename),
      ],
      { cwd: app, maxBuffer: 32 * 1024 * 1024 },
    );
  });
  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('ships the build, the policy schemas and the bin, and no tests or TypeScript sources', () => {
    const paths = packed.files.map((file) => file.path);
    for (const needed of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'dist/core/testing/index.js',
      'dist/core/token-count-worker.js',
      'policies/schema/policy.schema.json',
      'README.md',
      'package.json',
    ]) {
      expect(paths, needed).to.include(needed);
    }
    expect(paths.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))).to.deep.equal([]);
    expect(paths.filter((path) => /\.test\.(js|d\.ts)$/.test(path))).to.deep.equal([]);
  });

  it('imports as an ES module and answers with the mock provider', async () => {
    await writeFile(join(app, 'app.mjs'), esmApp);
    const { stdout } = await run(process.execPath, ['app.mjs'], { cwd: app });
    expect(stdout).to.include('from the tarball');
  });

  it('counts tokens in its worker thread from the installed build, loading no encoding in the main thread', async () => {
    await writeFile(join(app, 'count.mjs'), countApp);
    // It exits on its own once counted: the idle worker keeps no process alive.
    const { stdout, stderr } = await run(process.execPath, ['count.mjs'], { cwd: app });
    const { usage, loaded } = JSON.parse(stdout) as { usage: Record<string, unknown>; loaded: string[] };
    // 3 for the priming, 4 for the message, 2 for 'hello world'; 'hi there' is 2 (o200k_base).
    expect(usage).to.include({ promptTokens: 9, completionTokens: 2, estimated: true });
    expect(loaded).to.deep.equal([]);
    expect(stderr).to.not.include('SwitchyardWarning');
  });

  it('loads from CommonJS through require(esm) where Node has it, else fails with ERR_REQUIRE_ESM', async () => {
    const script = `try { const s = require('switchyard'); console.log(typeof s.createGateway); }
      catch (error) { console.log(error.code); }`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: app });
    const requireEsm = (process.features as { require_module?: boolean }).require_module === true;
    expect(stdout.trim()).to.equal(requireEsm ? 'function' : 'ERR_REQUIRE_ESM');
  });

  it('installs the switchyard bin', async () => {
    const { stdout } = await run(join(app, 'node_modules', '.bin', 'switchyard'), ['--help'], { cwd: app });
    expect(stdout).to.match(/Usage: switchyard/);
    expect(stdout).to.include('serve');
  });

  it('type-checks a strict TypeScript consumer against the shipped declarations', async () => {
    await writeFile(join(app, 'consumer.ts'), consumer);
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noUncheckedIndexedAccess: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          noEmit: true,
          // Declarations are checked too: a type the package leans on must ship with it.
          skipLibCheck: false,
          // Node's own types from the repository; everything else from the installed package.
          typeRoots: [join(repo, 'node_modules', '@types')],
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    const result = await run(bin('tsc'), ['-p', app], { cwd: app }).catch(
      (error: { stdout?: string }) => error,
    );
    expect((result as { stdout?: string }).stdout ?? '').to.equal('');
  });
});
