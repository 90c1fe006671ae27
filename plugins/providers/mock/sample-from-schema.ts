/**
 * The plainest value a JSON Schema accepts: the first enum entry, zero, false, "mock", and
 * objects with every declared property. Used for tool arguments and json_schema replies, so
 * clients that parse them get something of the right shape.
 */
type Schema = Record<string, unknown>;

const MAX_DEPTH = 8;

function asSchema(value: unknown): Schema | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Schema) : undefined;
}

function firstType(schema: Schema): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type))
    return type.find((entry): entry is string => typeof entry === 'string' && entry !== 'null');
  if (schema.properties !== undefined) return 'object';
  if (schema.items !== undefined) return 'array';
  return undefined;
}

export function sampleFromSchema(value: unknown, depth = 0): unknown {
  const schema = asSchema(value);
  if (!schema || depth > MAX_DEPTH) return null;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants) && variants.length > 0) return sampleFromSchema(variants[0], depth + 1);
  switch (firstType(schema)) {
    case 'string':
      return 'mock';
    case 'number':
    case 'integer':
      return typeof schema.minimum === 'number' ? schema.minimum : 0;
    case 'boolean':
      return false;
    case 'array': {
      const count = typeof schema.minItems === 'number' ? schema.minItems : 0;
      return Array.from({ length: count }, () => sampleFromSchema(schema.items, depth + 1));
    }
    case 'object': {
      const result: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(asSchema(schema.properties) ?? {})) {
        result[name] = sampleFromSchema(property, depth + 1);
      }
      return result;
    }
    default:
      return null;
  }
}
