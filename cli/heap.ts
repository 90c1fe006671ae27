/**
 * How `switchyard serve` sets up its V8 heap. A gateway keeps little alive (about 20 MB: code,
 * configuration, catalog, the requests in flight) but allocates fast, and V8's default
 * heuristics let the old generation grow to up to four times what survived the last full
 * collection before collecting again: 20 to 60 MB of resident garbage under load at c=64.
 * Capping the growth between full collections keeps the resident memory near what is alive,
 * for a few more (short, mostly concurrent) collections.
 *
 * V8 reads its flags as it collects, so they can be set at run time. They are the serving
 * process's own choice: createGateway() never changes the flags of a host application.
 */
import { setFlagsFromString } from 'node:v8';
import { SwitchyardError } from '../core/errors/switchyard-error.js';

/** Growth of the old generation allowed between full collections, in percent of what survived. */
// 50 kept the peak lowest (about 130 MB) but in one benchmark run of five the collector
// thrashed (CPU per request ×2.5); 100 peaked right at 150 MB; 75 sits between (docs/operations.md).
export const DEFAULT_HEAP_GROWING_PERCENT = 75;

/**
 * Applies the serving process's V8 settings, unless the node command line sets them already:
 *
 * - `--heap-growing-percent`: SWITCHYARD_HEAP_GROWING_PERCENT chooses another value than the
 *   default; `0` keeps V8's own heuristics.
 * - `--no-allocation-site-pretenuring`: V8 allocates objects straight in the old generation when
 *   most objects from the same place in the code lived long. Under load with a new wrk every
 *   second (64 connections closed and opened), a process went from promoting about 40 KB per
 *   scavenge to 0.76–1.6 MB and stayed there, Switchyard and a plain Node gateway alike; with
 *   pretenuring off, none did in six runs (docs/benchmarks.md, "Tenth session"). The likely
 *   mechanism: a server's long-lived objects (sockets) come from the same places as its
 *   short-lived ones (Node's request and stream objects); after a burst of new connections V8
 *   pretenures those places, and each short-lived object allocated old keeps what it points to
 *   alive through every young-generation collection until the next full one.
 *   SWITCHYARD_ALLOCATION_SITE_PRETENURING=1 keeps V8's pretenuring.
 *
 * V8 reads both flags as it collects, so they can be set at run time. Returns the flags applied;
 * a value that is not valid is a configuration error (exit code 2).
 */
export function tuneHeap(
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
): string[] {
  const applied: string[] = [];
  const growth = heapGrowthFlag(env, execArgv);
  if (growth !== undefined) applied.push(growth);
  const pretenuring = pretenuringFlag(env, execArgv);
  if (pretenuring !== undefined) applied.push(pretenuring);
  for (const flag of applied) setFlagsFromString(flag);
  return applied;
}

function heapGrowthFlag(env: NodeJS.ProcessEnv, execArgv: readonly string[]): string | undefined {
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg))) return undefined;
  const raw = env.SWITCHYARD_HEAP_GROWING_PERCENT?.trim();
  const percent = raw === undefined || raw === '' ? DEFAULT_HEAP_GROWING_PERCENT : Number(raw);
  if (!Number.isInteger(percent) || percent < 0) {
    throw new SwitchyardError(
      'SY_ERR_CONFIG_INVALID',
      `SWITCHYARD_HEAP_GROWING_PERCENT must be a non-negative integer, got '${raw}'.`,
    );
  }
  return percent === 0 ? undefined : `--heap-growing-percent=${percent}`;
}

function pretenuringFlag(env: NodeJS.ProcessEnv, execArgv: readonly string[]): string | undefined {
  if (execArgv.some((arg) => /^--(no[-_])?allocation[-_]site[-_]pretenuring\b/.test(arg))) return undefined;
  const raw = env.SWITCHYARD_ALLOCATION_SITE_PRETENURING?.trim();
  if (raw === '1') return undefined;
  if (raw !== undefined && raw !== '' && raw !== '0') {
    throw new SwitchyardError(
      'SY_ERR_CONFIG_INVALID',
      `SWITCHYARD_ALLOCATION_SITE_PRETENURING must be 0 or 1, got '${raw}'.`,
    );
  }
  return '--no-allocation-site-pretenuring';
}
