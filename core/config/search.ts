/**
 * Finds the configuration the way most Node tools do (cosmiconfig): `--config PATH` when given,
 * else the first of `switchyard.config.{yaml,yml,json,js,mjs,ts}`, `.switchyardrc`,
 * `.switchyardrc.{yaml,yml,json}` or a `switchyard` key in package.json, from the working
 * directory up to the project root. YAML and JSON files are re-read by ./load.ts so every
 * error keeps its line and column; JS/TS files are validated as loaded.
 */
import { cosmiconfig } from 'cosmiconfig';
import { basename, dirname, extname, resolve } from 'node:path';
import { anchorPaths, loadConfigFile } from './load.js';
import { gatewayConfigSchema } from './schema.js';
import type { GatewayConfig } from './types.js';
import { ConfigError, schemaIssues } from './validate.js';

export const CONFIG_SEARCH_PLACES = [
  'switchyard.config.yaml',
  'switchyard.config.yml',
  'switchyard.config.json',
  'switchyard.config.js',
  'switchyard.config.mjs',
  'switchyard.config.ts',
  '.switchyardrc',
  '.switchyardrc.yaml',
  '.switchyardrc.yml',
  '.switchyardrc.json',
  'package.json',
];

export interface FoundConfig {
  config: GatewayConfig;
  /** The file it came from. */
  file: string;
}

/** Loads `explicit` when given, else searches from `from` (default: the working directory). */
export async function findConfig(explicit?: string, from = process.cwd()): Promise<FoundConfig> {
  if (explicit) {
    const file = resolve(explicit);
    return { config: await loadConfigFile(file), file };
  }
  const explorer = cosmiconfig('switchyard', {
    searchPlaces: CONFIG_SEARCH_PLACES,
    searchStrategy: 'project',
  });
  const found = await explorer.search(from).catch((error: unknown) => {
    throw new ConfigError([{ path: '', message: `cannot be loaded: ${(error as Error).message}` }]);
  });
  if (!found || found.isEmpty) {
    throw new ConfigError([
      {
        path: '',
        message: `no configuration found from ${from} (looked for ${CONFIG_SEARCH_PLACES.join(', ')}); pass --config PATH`,
      },
    ]);
  }
  const file = found.filepath;
  const textual = ['.yaml', '.yml', '.json', ''].includes(extname(file)) && basename(file) !== 'package.json';
  if (textual) return { config: await loadConfigFile(file), file };
  const issues = schemaIssues(gatewayConfigSchema, found.config).map((issue) => ({ ...issue, file }));
  if (issues.length > 0) throw new ConfigError(issues);
  return { config: anchorPaths(found.config as GatewayConfig, dirname(file)), file };
}
