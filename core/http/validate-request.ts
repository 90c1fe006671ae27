/**
 * Validates incoming bodies and turns the first schema violation into an OpenAI-style error
 * that names the field (`param`), the way OpenAI's own API does.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { SwitchyardError } from '../errors/switchyard-error.js';
import type { ChatCompletionRequest, EmbeddingsRequest } from '../types/openai.js';
import { chatRequestSchema, embeddingsRequestSchema } from './request-schemas.js';

const ajv = new Ajv({ allErrors: false, strict: false });

/** Compiles a request schema once; the validator throws SY_ERR_REQUEST_INVALID naming the field. */
export function compileRequestValidator<T>(schema: Record<string, unknown>): (body: unknown) => T {
  const validate = ajv.compile(schema);
  return (body) => check<T>(validate, body);
}

export const validateChatRequest = compileRequestValidator<ChatCompletionRequest>(chatRequestSchema);
export const validateEmbeddingsRequest = compileRequestValidator<EmbeddingsRequest>(embeddingsRequestSchema);

function check<T>(validate: ValidateFunction, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SwitchyardError('SY_ERR_REQUEST_INVALID', 'The request body must be a JSON object.');
  }
  if (validate(body)) return body as T;
  const error = pickError(validate.errors ?? []);
  throw describe(error, body);
}

/**
 * `anyOf` failures come with every branch's errors. When the branches disagree only on the type
 * at the same place, say "expected number or null"; when one went deeper, its error is the most
 * specific one (a bad content part rather than "not any of the shapes").
 */
function pickError(errors: ErrorObject[]): ErrorObject | undefined {
  const anyOf = errors.find((e) => e.keyword === 'anyOf');
  if (!anyOf) return errors[0];
  const branches = errors.filter((e) => e !== anyOf && e.instancePath.startsWith(anyOf.instancePath));
  const deeper = branches.filter((e) => e.instancePath.length > anyOf.instancePath.length);
  if (deeper.length > 0)
    return deeper.reduce((a, b) => (b.instancePath.length > a.instancePath.length ? b : a));
  const types = branches
    .filter((e) => e.keyword === 'type')
    .map((e) => String((e.params as { type: unknown }).type));
  if (types.length === branches.length && types.length > 0) {
    return { ...anyOf, keyword: 'type', params: { type: types.join(' or ') } };
  }
  return anyOf;
}

/** `/messages/0/role` → `messages[0].role`, OpenAI's way of naming a parameter. */
export function toParam(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (param, segment) =>
        /^\d+$/.test(segment) ? `${param}[${segment}]` : param ? `${param}.${segment}` : segment,
      '',
    );
}

function describe(error: ErrorObject | undefined, body: unknown): SwitchyardError {
  if (!error) return new SwitchyardError('SY_ERR_REQUEST_INVALID', 'The request is not valid.');
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') {
    const field = String(params.missingProperty);
    const parent = toParam(error.instancePath);
    const param = parent ? `${parent}.${field}` : field;
    return new SwitchyardError('SY_ERR_REQUEST_INVALID', `Missing required parameter: '${param}'.`, {
      param,
    });
  }
  const param = toParam(error.instancePath);
  const got = describeValue(valueAt(body, error.instancePath));
  let expected: string;
  switch (error.keyword) {
    case 'type':
      expected = `expected ${String(params.type)}`;
      break;
    case 'enum':
      expected = `expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'anyOf':
      expected = 'it does not match any of the accepted shapes';
      break;
    default:
      expected = `it ${error.message ?? 'is not valid'}`;
  }
  return new SwitchyardError(
    'SY_ERR_REQUEST_INVALID',
    `Invalid value for '${param}': ${expected}, got ${got}.`,
    {
      param,
    },
  );
}

function valueAt(body: unknown, instancePath: string): unknown {
  let value = body;
  for (const segment of instancePath.split('/').slice(1)) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return value.length > 40 ? 'a string' : `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  return `a value of type ${typeof value}`;
}
