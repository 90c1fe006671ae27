/**
 * Finds, reads, parses and schema-checks policy files. Every problem in every file is collected
 * (never just the first) with file, line, column and JSON path.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { readdirSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import policySchemaJson from '../../policies/schema/policy.schema.json' with { type: 'json' };
import policyTestSchemaJson from '../../policies/schema/policy-test.schema.json' with { type: 'json' };
import { locateIssues, parseConfigText, type ParsedFile } from '../config/load.js';
import { ConfigError, type ConfigIssue } from '../config/validate.js';
import { expandGlob, hasGlob } from './glob.js';
import type { PolicyDocument } from './types.js';

// Typed as plain schemas so the declaration files name no JSON module: tsc drops the import
// attribute from .d.ts files, and a consumer compiling with NodeNext would then fail on them.
export const policySchema: Record<string, unknown> = policySchemaJson;
export const policyTestSchema: Record<string, unknown> = policyTestSchemaJson;

const POLICY_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
const validators = new Map<string, ValidateFunction>();

/** Schema issues of a value against one of the shipped schemas (`policy` or `policy-test`). */
export function validateAgainst(which: 'policy' | 'policy-test', value: unknown): ConfigIssue[] {
  let validate = validators.get(which);
  if (!validate) {
    validate = ajv.compile(which === 'policy' ? policySchema : policyTestSchema);
    validators.set(which, validate);
  }
  if (validate(value)) return [];
  return simplify(validate.errors ?? []);
}

/** Test files (`x.test.yaml`) sit beside policies but are not policies. */
export function isPolicyTestFile(file: string): boolean {
  return /\.test\.(ya?ml|json)$/.test(file);
}

/** Expands includes (files, directories, globs) to policy files, in order, without duplicates. */
export function policyFiles(include: readonly string[]): { files: string[]; issues: ConfigIssue[] } {
  const files: string[] = [];
  const issues: ConfigIssue[] = [];
  include.forEach((pattern, index) => {
    const absolute = resolve(pattern);
    let found: string[];
    if (hasGlob(absolute)) found = expandGlob(absolute);
    else if (isDirectory(absolute)) {
      found = readdirSync(absolute)
        .sort()
        .map((name) => join(absolute, name));
    } else found = [absolute];
    found = found.filter(
      (file) =>
        POLICY_EXTENSIONS.has(extname(file)) && !isPolicyTestFile(file) && !basename(file).startsWith('.'),
    );
    if (found.length === 0) {
      issues.push({ path: `/policies/include/${index}`, message: `matches no policy file: '${pattern}'` });
    }
    for (const file of found) if (!files.includes(file)) files.push(file);
  });
  return { files, issues };
}

export interface PolicySource {
  readonly file: string;
  readonly text: string;
  readonly parsed: ParsedFile;
  readonly doc: PolicyDocument;
}

/** Reads and checks the files; returns the good ones and every issue of the bad ones. */
export function readPolicySources(files: readonly string[]): {
  sources: PolicySource[];
  issues: ConfigIssue[];
} {
  const sources: PolicySource[] = [];
  const issues: ConfigIssue[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      issues.push({ file, path: '', message: `cannot be read: ${(error as Error).message}` });
      continue;
    }
    const result = parseChecked(text, file, 'policy');
    if (result.issues.length > 0) issues.push(...result.issues);
    else if (result.parsed)
      sources.push({ file, text, parsed: result.parsed, doc: result.parsed.value as PolicyDocument });
  }
  return { sources, issues };
}

/** Parses YAML/JSON text with positions and validates it against a shipped schema. */
export function parseChecked(
  text: string,
  file: string,
  which: 'policy' | 'policy-test',
): { parsed?: ParsedFile; issues: ConfigIssue[] } {
  let parsed: ParsedFile;
  try {
    parsed = parseConfigText(text, file);
  } catch (error) {
    if (error instanceof ConfigError) return { issues: error.issues };
    throw error;
  }
  const issues = validateAgainst(which, parsed.value);
  return issues.length > 0 ? { issues: locateIssues(parsed, file, issues) } : { parsed, issues: [] };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * ajv's errors made readable: `oneOf` alternatives are folded into one message, and each issue
 * says what was expected.
 */
function simplify(errors: readonly ErrorObject[]): ConfigIssue[] {
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const params = error.params as Record<string, unknown>;
    const path = error.instancePath;
    let message: string;
    if (error.keyword === 'oneOf') message = oneOfMessage(error);
    else if (
      oneOfPaths.has(path) ||
      [...oneOfPaths].some((p) => path.startsWith(`${p}/`) && isBranch(error, p))
    )
      continue;
    else if (error.keyword === 'additionalProperties')
      message = `has unknown property '${String(params.additionalProperty)}'`;
    else if (error.keyword === 'required')
      message = `is missing required property '${String(params.missingProperty)}'`;
    else if (error.keyword === 'enum') message = `must be one of ${JSON.stringify(params.allowedValues)}`;
    else if (error.keyword === 'const') message = `must be ${JSON.stringify(params.allowedValue)}`;
    else if (error.keyword === 'pattern') message = `must match ${String(params.pattern)}`;
    else message = error.message ?? 'is not valid';
    const key = `${path} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ path, message });
  }
  return issues;
}

function isBranch(error: ErrorObject, oneOfPath: string): boolean {
  return error.schemaPath.includes('oneOf') && error.instancePath.startsWith(oneOfPath);
}

function oneOfMessage(error: ErrorObject): string {
  if (error.schemaPath.includes('candidates')) return 'must be a ref string or { ref, weight }';
  if (error.schemaPath.includes('allow')) return "must be 'all' or a list of preference names";
  if (error.schemaPath.includes('deny')) return 'must be true/false or { status, message }';
  return 'does not match any allowed form';
}
