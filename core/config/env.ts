import { SwitchyardError } from '../errors/switchyard-error.js';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Expands `${VAR}` and `${VAR:-default}` in every string of a value. A variable that is missing
 * (and has no default) is an error naming it and where it was used.
 */
export function expandEnv<T>(value: T, env: NodeJS.ProcessEnv, where: string): T {
  return expand(value, env, where) as T;
}

function expand(value: unknown, env: NodeJS.ProcessEnv, where: string): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (_match, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      throw new SwitchyardError(
        'SY_ERR_CONFIG_INVALID',
        `Environment variable ${name} is not set (referenced at ${where})`,
      );
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => expand(item, env, `${where}/${i}`));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = expand(item, env, `${where}/${key}`);
    return out;
  }
  return value;
}
