/**
 * Reads a configuration file (YAML or JSON), validates it and reports every problem with its
 * file, line and column. The `yaml` package keeps source positions, which JSON.parse cannot.
 * It is loaded on the first parse, not with this module: a gateway configured by an object
 * never needs it.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import type * as Yaml from 'yaml';
import { ConfigError, schemaIssues, type ConfigIssue } from './validate.js';
import { gatewayConfigSchema } from './schema.js';
import type { GatewayConfig } from './types.js';

export interface ParsedFile {
  value: unknown;
  /** Finds the line and column of a JSON Pointer path inside the file. */
  locate(path: string): { line: number; column: number } | undefined;
}

let yaml: typeof Yaml | undefined;
/** `yaml` on first use (its `node` entry is CommonJS: the same module `import` would load). */
const loadYaml = (): typeof Yaml => (yaml ??= createRequire(import.meta.url)('yaml') as typeof Yaml);

/** Parses YAML or JSON text (JSON is YAML), keeping positions. Syntax errors are ConfigErrors. */
export function parseConfigText(text: string, file: string): ParsedFile {
  const { LineCounter, parseDocument } = loadYaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((error) => {
        const offset = error.pos[0];
        const { line, col } = lineCounter.linePos(offset);
        return { file, line, column: col, path: '', message: error.message.split('\n')[0] ?? 'syntax error' };
      }),
    );
  }
  return {
    value: doc.toJS({ maxAliasCount: 100 }),
    locate: (path) => locate(doc, lineCounter, path),
  };
}

function locate(doc: Yaml.Document, lineCounter: Yaml.LineCounter, path: string) {
  const segments = path
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  // Walk up until a node exists: a missing property is reported at its parent.
  for (let depth = segments.length; depth >= 0; depth--) {
    const keys = segments.slice(0, depth).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const node = depth === 0 ? doc.contents : doc.getIn(keys, true);
    if (loadYaml().isNode(node) && node.range) {
      const { line, col } = lineCounter.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  return undefined;
}

/** Adds file positions to issues found in a parsed file. */
export function locateIssues(parsed: ParsedFile, file: string, issues: ConfigIssue[]): ConfigIssue[] {
  return issues.map((issue) => ({ ...issue, file, ...parsed.locate(issue.path) }));
}

/** Loads and validates a gateway configuration file. Throws a ConfigError listing every issue. */
export async function loadConfigFile(file: string): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError([{ file, path: '', message: `cannot be read: ${(error as Error).message}` }]);
  }
  const parsed = parseConfigText(text, file);
  const issues = schemaIssues(gatewayConfigSchema, parsed.value);
  if (issues.length > 0) throw new ConfigError(locateIssues(parsed, file, issues));
  return anchorPaths(parsed.value as GatewayConfig, dirname(file));
}

/**
 * Paths inside a configuration file are relative to that file: policy includes are made
 * absolute here, so the gateway finds them whatever its working directory.
 */
export function anchorPaths(config: GatewayConfig, dir: string): GatewayConfig {
  const policies = config.policies;
  if (policies === undefined) return config;
  const anchor = (path: string) => (isAbsolute(path) ? path : resolve(dir, path));
  if (typeof policies === 'string') return { ...config, policies: [anchor(policies)] };
  if (Array.isArray(policies)) return { ...config, policies: policies.map(anchor) };
  return { ...config, policies: { ...policies, include: policies.include.map(anchor) } };
}
