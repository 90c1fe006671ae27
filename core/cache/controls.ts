/**
 * The caller's say over the cache, from request headers:
 *
 * - `cache-control: no-store` — bypass: neither read nor write.
 * - `cache-control: no-cache` or `x-switchyard-cache: refresh` — skip the read, store the answer.
 * - `cache-control: max-age=N` — accept only an entry stored in the last N seconds, and keep a
 *   new one at most N seconds (`max-age=0` never reads and does not store).
 */

export interface CacheControls {
  read: boolean;
  write: boolean;
  /** Seconds; undefined when the caller set no bound. */
  maxAgeSeconds: number | undefined;
}

const DEFAULT_CONTROLS: CacheControls = Object.freeze({ read: true, write: true, maxAgeSeconds: undefined });

function headerText(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  return (Array.isArray(value) ? value.join(',') : value).toLowerCase();
}

export function cacheControls(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): CacheControls {
  const control = headerText(headers['cache-control']);
  const ours = headerText(headers['x-switchyard-cache']).trim();
  if (control === '' && ours === '') return DEFAULT_CONTROLS;
  const directives = control
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  if (directives.includes('no-store') || ours === 'bypass') {
    return { read: false, write: false, maxAgeSeconds: undefined };
  }
  let maxAgeSeconds: number | undefined;
  for (const directive of directives) {
    const match = /^max-age\s*=\s*"?(\d+)"?$/.exec(directive);
    if (match) maxAgeSeconds = Math.min(maxAgeSeconds ?? Infinity, Number(match[1]));
  }
  const refresh = ours === 'refresh' || directives.includes('no-cache') || maxAgeSeconds === 0;
  return { read: !refresh, write: maxAgeSeconds !== 0, maxAgeSeconds };
}
