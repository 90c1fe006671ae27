/**
 * Schema validation with ajv, compiled once. Errors come back as `ConfigIssue`s that name the
 * JSON path and what was expected; ./load.ts adds file, line and column.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { SwitchyardError } from '../errors/switchyard-error.js';
import type { JsonSchema } from '../provider.js';
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

const ajv = new Ajv({ allErrors: true, strict: false });
const cache = new WeakMap<JsonSchema, ValidateFunction>();

/** Validates a value against a schema; returns the issues (empty when valid). */
export function schemaIssues(schema: JsonSchema, value: unknown, basePath = ''): ConfigIssue[] {
  let validate = cache.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    cache.set(schema, validate);
  }
  if (validate(value)) return [];
  return dedupe((validate.errors ?? []).map((error) => toIssue(error, basePath)));
}

export function validateGatewayConfig(value: unknown): asserts value is GatewayConfig {
  const issues = schemaIssues(gatewayConfigSchema, value);
  if (issues.length > 0) throw new ConfigError(issues);
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
