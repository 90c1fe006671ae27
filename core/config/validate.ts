/**
 * Schema validation with ajv, compiled once. Errors come back as `ConfigIssue`s that name the
 * JSON path and what was expected; ./load.ts adds file, line and column. The gateway
 * configuration's own schema is compiled ahead of time (./config-validator.generated.ts).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { SwitchyardError } from '../errors/switchyard-error.js';
import type { JsonSchema } from '../provider.js';
import { SCHEMA_HASH, validateConfig } from './config-validator.generated.js';
import { gatewayConfigSchema } from './schema.js';
import type { GatewayConfig } from './types.js';

export interface ConfigIssue {
  /** JSON Pointer into the document, `''` for the root. */
  path: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

/** A configuration error carrying every issue found, not just the first. */
export class ConfigError extends SwitchyardError {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super('SY_ERR_CONFIG_INVALID', `Invalid configuration:\n${issues.map(formatIssue).join('\n')}`);
    this.issues = issues;
  }
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.file ? `${issue.file}${issue.line ? `:${issue.line}:${issue.column ?? 1}` : ''}: ` : '';
  return `${where}${issue.path || '/'} ${issue.message}`;
}

/** The options every schema is compiled with, ahead of time (./generate-validator.ts) or here. */
export const CONFIG_AJV_OPTIONS = { allErrors: true, strict: false } as const;

let ajv: Ajv | undefined;
const cache = new WeakMap<JsonSchema, ValidateFunction>();

/** Validates a value against a schema; returns the issues (empty when valid). */
export function schemaIssues(schema: JsonSchema, value: unknown, basePath = ''): ConfigIssue[] {
  let validate = cache.get(schema);
  if (!validate) {
    validate = schema === gatewayConfigSchema ? precompiled() : undefined;
    validate ??= (ajv ??= new Ajv(CONFIG_AJV_OPTIONS)).compile(schema);
    cache.set(schema, validate);
  }
  if (validate(value)) return [];
  return dedupe((validate.errors ?? []).map((error) => toIssue(error, basePath)));
}

export function validateGatewayConfig(value: unknown): asserts value is GatewayConfig {
  const issues = schemaIssues(gatewayConfigSchema, value);
  if (issues.length > 0) throw new ConfigError(issues);
}

/** The ahead-of-time validator, unless the schema changed since it was generated. */
function precompiled(): ValidateFunction | undefined {
  return SCHEMA_HASH === schemaHash(gatewayConfigSchema) ? validateConfig : undefined;
}

/** A short fingerprint of a schema (FNV-1a over its JSON), to tell a stale generated validator. */
export function schemaHash(schema: JsonSchema): string {
  const text = JSON.stringify(schema);
  let hash = 0x811c9dc5;
  let second = 0;
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
    second = (Math.imul(second, 31) + text.charCodeAt(i)) >>> 0;
  }
  return `${hash.toString(16).padStart(8, '0')}${second.toString(16).padStart(8, '0')}`;
}

function toIssue(error: ErrorObject, basePath: string): ConfigIssue {
  const path = basePath + error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return { path, message: `has unknown property '${String(params.additionalProperty)}'` };
    case 'required':
      return { path, message: `is missing required property '${String(params.missingProperty)}'` };
    case 'enum':
      return { path, message: `must be one of ${JSON.stringify(params.allowedValues)}` };
    default:
      return { path, message: error.message ?? 'is not valid' };
  }
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path} ${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
