/**
 * Reloads the configuration when its file changes. Editors save in bursts (truncate, write,
 * rename), so changes are debounced; the directory is watched rather than the file, because a
 * save by rename replaces the file and would end a watch on the old one.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export function watchConfigFile(path: string, onChange: () => void, debounceMs = 200): FSWatcher {
  const file = resolve(path);
  const name = basename(file);
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(dirname(file), (_event, changed) => {
    if (changed !== null && changed.toString() !== name) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  watcher.unref();
  return watcher;
}
