/**
 * Summarises a V8 .cpuprofile: self time by function, self time by area (a package, a Node
 * internal module group, a Switchyard folder), and inclusive time of Switchyard's own functions.
 *
 * Standalone: `node --import tsx bench/profile-summary.ts .bench-out/gateway.cpuprofile`.
 */
import { readFile } from 'node:fs/promises';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export interface ProfileRow {
  name: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  samples: number;
  byFunction: ProfileRow[];
  byArea: ProfileRow[];
  inclusiveOwn: ProfileRow[];
}

const ROOT = pathToFileURL(process.cwd()).href + '/';
// The benchmark runs a compiled copy of the sources; name its files as the sources are named.
const BUILD = `${ROOT}.bench-out/build/`;

function ownPath(url: string): string | undefined {
  if (url.includes('/node_modules/')) return undefined;
  if (url.startsWith(BUILD)) return url.slice(BUILD.length).replace(/\.js$/, '.ts');
  if (url.startsWith(ROOT)) return url.slice(ROOT.length);
  return undefined;
}

/** Where a script lives: a package name, a Node internal group, or a Switchyard folder. */
function area(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(V8 builtins and native)';
  const nodeModules = url.lastIndexOf('/node_modules/');
  if (nodeModules >= 0) {
    const rest = url.slice(nodeModules + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:internal/')) {
    return `node:internal/${url.slice('node:internal/'.length).split('/')[0]}`;
  }
  if (url.startsWith('node:')) return url;
  const own = ownPath(url);
  if (own !== undefined) {
    const parts = own.split('/');
    return `switchyard ${parts.slice(0, Math.min(parts.length - 1, 3)).join('/') || parts[0]}`;
  }
  return url;
}

function shortUrl(url: string): string {
  const own = ownPath(url);
  if (own !== undefined) return own;
  const nodeModules = url.lastIndexOf('/node_modules/');
  return nodeModules >= 0 ? url.slice(nodeModules + '/node_modules/'.length) : url;
}

function functionKey(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (frame.url === '') return name;
  return `${name} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

function isOwn(frame: CallFrame): boolean {
  return ownPath(frame.url) !== undefined;
}

function rows(totals: Map<string, number>, totalMs: number, limit: number): ProfileRow[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, ms]) => ({ name, ms, percent: (100 * ms) / totalMs }));
}

export function summariseProfile(profile: CpuProfile, limit = 20): ProfileSummary {
  const samples = profile.samples ?? [];
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const perSample = samples.length > 0 ? totalMs / samples.length : 0;
  const hits = new Map<number, number>();
  for (const id of samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));

  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = (hits.get(node.id) ?? 0) * perSample;
    if (ms === 0) continue;
    const key = functionKey(node.callFrame);
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
    const where = area(node.callFrame);
    byArea.set(where, (byArea.get(where) ?? 0) + ms);
  }

  // Inclusive time of Switchyard's own functions, each counted once per stack (recursion).
  const inclusive = new Map<string, number>();
  const subtotal = new Map<number, number>();
  const total = (node: ProfileNode): number => {
    let ms = (hits.get(node.id) ?? 0) * perSample;
    for (const child of node.children ?? []) {
      const next = byId.get(child);
      if (next) ms += total(next);
    }
    subtotal.set(node.id, ms);
    return ms;
  };
  const walk = (node: ProfileNode, onStack: Set<string>): void => {
    const key = isOwn(node.callFrame) ? functionKey(node.callFrame) : undefined;
    const fresh = key !== undefined && !onStack.has(key);
    if (fresh) {
      inclusive.set(key, (inclusive.get(key) ?? 0) + (subtotal.get(node.id) ?? 0));
      onStack.add(key);
    }
    for (const child of node.children ?? []) {
      const next = byId.get(child);
      if (next) walk(next, onStack);
    }
    if (fresh) onStack.delete(key);
  };
  const root = profile.nodes[0];
  if (root) {
    total(root);
    walk(root, new Set());
  }

  return {
    totalMs,
    samples: samples.length,
    byFunction: rows(byFunction, totalMs, limit),
    byArea: rows(byArea, totalMs, limit),
    inclusiveOwn: rows(inclusive, totalMs, limit),
  };
}

/** Reads a profile and maps the compiled copy's line numbers back to the TypeScript sources. */
export async function readProfile(path: string): Promise<CpuProfile> {
  const profile = JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
  const maps = new Map<string, SourceMap | undefined>();
  for (const node of profile.nodes) {
    const frame = node.callFrame;
    if (!frame.url.startsWith(BUILD) || frame.lineNumber < 0) continue;
    if (!maps.has(frame.url)) {
      try {
        const payload = JSON.parse(
          await readFile(`${fileURLToPath(frame.url)}.map`, 'utf8'),
        ) as SourceMapPayload;
        maps.set(frame.url, new SourceMap(payload));
      } catch {
        maps.set(frame.url, undefined);
      }
    }
    const entry = maps.get(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber);
    if (entry && 'originalLine' in entry) frame.lineNumber = entry.originalLine;
  }
  return profile;
}

function table(title: string, list: ProfileRow[], requests: number | undefined): string {
  const perRequest = requests !== undefined && requests > 0;
  const lines = [
    `| ${title} | ms | % |${perRequest ? ' µs/req |' : ''}`,
    `| --- | ---: | ---: |${perRequest ? ' ---: |' : ''}`,
  ];
  for (const row of list) {
    const name = row.name.replace(/\|/g, '\\|');
    const cost = perRequest ? ` ${((row.ms * 1000) / requests).toFixed(1)} |` : '';
    lines.push(`| \`${name}\` | ${row.ms.toFixed(0)} | ${row.percent.toFixed(1)} |${cost}`);
  }
  return lines.join('\n');
}

/** `requests`, when known, adds a column of cost per request served during the profile. */
export function formatProfile(summary: ProfileSummary, requests?: number, withAreas = true): string {
  return [
    `${summary.samples} samples over ${(summary.totalMs / 1000).toFixed(1)} s of wall time ` +
      '(the percentages are of wall time, `(idle)` included).' +
      (requests ? ` ${requests} requests served while profiling.` : ''),
    ...(withAreas ? ['', table('Self time by area', summary.byArea, requests)] : []),
    '',
    table('Self time by function', summary.byFunction, requests),
    '',
    table('Inclusive time, Switchyard functions', summary.inclusiveOwn, requests),
  ].join('\n');
}

/**
 * Self time per request by area, one profile against a baseline's (the bare proxy's): where the
 * extra cost per request goes. Both profiles are summarised with every area (no limit).
 */
export function compareAreas(
  subject: ProfileSummary,
  subjectRequests: number,
  baseline: ProfileSummary,
  baselineRequests: number,
  limit = 20,
): string {
  const perRequest = (rows: ProfileRow[], requests: number) =>
    new Map(rows.map((row) => [row.name, (row.ms * 1000) / requests]));
  const a = perRequest(subject.byArea, subjectRequests);
  const b = perRequest(baseline.byArea, baselineRequests);
  const names = [...new Set([...a.keys(), ...b.keys()])].filter((name) => name !== '(idle)');
  const diff = (name: string) => (a.get(name) ?? 0) - (b.get(name) ?? 0);
  names.sort((x, y) => diff(y) - diff(x));
  const sum = (map: Map<string, number>) =>
    [...map].filter(([name]) => name !== '(idle)').reduce((total, [, us]) => total + us, 0);
  const lines = [
    '| area | Switchyard µs/req | bare proxy µs/req | difference |',
    '| --- | ---: | ---: | ---: |',
    `| **all CPU (idle excluded)** | ${sum(a).toFixed(1)} | ${sum(b).toFixed(1)} | ${(sum(a) - sum(b)).toFixed(1)} |`,
  ];
  for (const name of names.slice(0, limit)) {
    lines.push(
      `| \`${name}\` | ${(a.get(name) ?? 0).toFixed(1)} | ${(b.get(name) ?? 0).toFixed(1)} | ${diff(name) >= 0 ? '+' : ''}${diff(name).toFixed(1)} |`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = process.argv[2];
  if (path === undefined) {
    process.stderr.write('usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [rows]\n');
    process.exit(2);
  }
  const summary = summariseProfile(await readProfile(path), Number(process.argv[3] ?? 25));
  process.stdout.write(`${formatProfile(summary)}\n`);
}
