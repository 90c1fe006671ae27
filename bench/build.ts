/**
 * Compiles the code the benchmark's server processes run (index.ts, core/, plugins/, cli/, bench/)
 * to plain JavaScript under .bench-out/build, file by file with TypeScript's transpileModule
 * (no type checking, so someone else's half-finished edit elsewhere cannot stop the run).
 *
 * The servers then run under plain `node`, as in production: no tsx loader thread inflating
 * RSS, no source-map support on every stack trace, and real line numbers in the CPU profile.
 * Relative imports already end in `.js`, and bare ones resolve up the tree to node_modules/.
 * Other files beside the sources (JSON data) are copied, and the repository's other top-level
 * entries (policies/, package.json ...) are linked, so `../../policies/x.json` still resolves.
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** What to compile, and how deep: bench/ holds other benchmarks in folders of their own. */
const SOURCES: [entry: string, depth: number][] = [
  ['index.ts', 0],
  ['core', Infinity],
  ['plugins', Infinity],
  // The gateway server applies the CLI's heap setting (cli/heap.ts), as `switchyard serve` does.
  ['cli', 1],
  ['bench', 1],
];

/** Never linked into the build: compiled, generated, or the build itself. */
const NOT_LINKED = new Set(['.git', '.bench-out', 'node_modules', 'dist', 'test', 'coverage']);

async function listFiles(root: string, entry: string, depth: number): Promise<string[]> {
  const path = join(root, entry);
  if (entry === 'index.ts') return [path];
  let names: string[];
  try {
    names = await readdir(path);
  } catch {
    // A file, not a folder.
    return [path];
  }
  if (depth <= 0) return [];
  const nested = await Promise.all(names.map((name) => listFiles(root, join(entry, name), depth - 1)));
  return nested.flat();
}

/** Returns the output directory; `<out>/bench/x.js` is the compiled `bench/x.ts`. */
export async function buildForBench(root: string, out: string): Promise<string> {
  await rm(out, { recursive: true, force: true });
  const files = (await Promise.all(SOURCES.map(([entry, depth]) => listFiles(root, entry, depth)))).flat();
  const compilerOptions: ts.CompilerOptions = {
    module: ts.ModuleKind.ESNext,
    target: ts.ScriptTarget.ES2022,
    // Maps are only read by profile-summary.ts to give TypeScript line numbers; the servers
    // run without --enable-source-maps, as production does.
    sourceMap: true,
  };
  await Promise.all(
    files.map(async (file) => {
      if (!file.endsWith('.ts') || file.endsWith('.d.ts')) {
        const copy = join(out, relative(root, file));
        await mkdir(dirname(copy), { recursive: true });
        return copyFile(file, copy);
      }
      const source = await readFile(file, 'utf8');
      const { outputText, sourceMapText } = ts.transpileModule(source, { compilerOptions, fileName: file });
      const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, outputText);
      if (sourceMapText !== undefined) await writeFile(`${target}.map`, sourceMapText);
    }),
  );
  const compiled = new Set(SOURCES.map(([entry]) => entry));
  for (const entry of await readdir(root)) {
    if (compiled.has(entry) || NOT_LINKED.has(entry)) continue;
    await symlink(join(root, entry), join(out, entry));
  }
  return out;
}

const git = (...args: string[]): string =>
  execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();

/**
 * Extracts `ref`'s tree under `dir` (inside the repository, so that packages resolve from its
 * node_modules) and compiles it; returns the compiled gateway server, the build and the commit.
 */
export async function buildBaseline(
  ref: string,
  dir: string,
): Promise<{ server: string; build: string; commit: string }> {
  let commit: string;
  try {
    commit = git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`);
  } catch {
    throw new Error(`'${ref}' names no commit here (try a hash, a tag or HEAD~1)`);
  }
  const short = commit.slice(0, 12);
  const source = resolve(dir, `src-${short}`);
  const build = resolve(dir, `build-${short}`);
  await rm(source, { recursive: true, force: true });
  await mkdir(source, { recursive: true });
  // A plain copy of the tree (no worktree to register and prune).
  execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C "${source}"`]);
  await buildForBench(source, build);
  return { server: resolve(build, 'bench', 'gateway-server.js'), build, commit: short };
}
