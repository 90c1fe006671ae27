/**
 * How `switchyard serve` sizes its V8 heap. A gateway keeps little alive (about 20 MB: code,
 * configuration, catalog, the requests in flight) but allocates fast, and V8's default
 * heuristics let the old generation grow to up to four times what survived the last full
 * collection before collecting again: 20 to 60 MB of resident garbage under load at c=64.
 * Capping the growth between full collections keeps the resident memory near what is alive,
 * for a few more (short, mostly concurrent) collections.
 *
 * V8 reads this flag at every full collection, so it can be set at run time. It is the serving
 * process's own choice: createGateway() never changes the flags of a host application.
 */
import { setFlagsFromString } from 'node:v8';
import { SwitchyardError } from '../core/errors/switchyard-error.js';

/** Growth of the old generation allowed between full collections, in percent of what survived. */
// 50 kept the peak lowest (about 130 MB) but in one benchmark run of five the collector
// thrashed (CPU per request ×2.5); 100 peaked right at 150 MB; 75 sits between (docs/operations.md).
export const DEFAULT_HEAP_GROWING_PERCENT = 75;

/**
 * Applies `--heap-growing-percent` unless the node command line sets it already. The environment
 * variable SWITCHYARD_HEAP_GROWING_PERCENT chooses another value; `0` keeps V8's own heuristics.
 * Returns the flag applied, if any; a value that is not a non-negative integer is a configuration
 * error (exit code 2).
 */
export function tuneHeap(
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
): string | undefined {
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg))) return undefined;
  const raw = env.SWITCHYARD_HEAP_GROWING_PERCENT?.trim();
  const percent = raw === undefined || raw === '' ? DEFAULT_HEAP_GROWING_PERCENT : Number(raw);
  if (!Number.isInteger(percent) || percent < 0) {
    throw new SwitchyardError(
      'SY_ERR_CONFIG_INVALID',
      `SWITCHYARD_HEAP_GROWING_PERCENT must be a non-negative integer, got '${raw}'.`,
    );
  }
  if (percent === 0) return undefined;
  const flag = `--heap-growing-percent=${percent}`;
  setFlagsFromString(flag);
  return flag;
}
