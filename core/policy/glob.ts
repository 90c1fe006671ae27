/**
 * Minimal globs, for `policies.include` and the `sy.glob` operator: `*` matches within one path
 * segment (or within a name), `**` across segments, `?` one character, `{a,b}` alternatives.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

const cache = new Map<string, RegExp>();

/** The regular expression a glob stands for; `separator` is what `*` does not cross. */
export function globToRegExp(glob: string, separator = '/'): RegExp {
  const key = `${separator}\u0000${glob}`;
  let found = cache.get(key);
  if (found) return found;
  const notSep = `[^${escape(separator)}]`;
  let source = '';
  let inGroup = false;
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === separator;
      source += slash ? `(?:.*${escape(separator)})?` : '.*';
      i += slash ? 2 : 1;
    } else if (char === '*') source += `${notSep}*`;
    else if (char === '?') source += notSep;
    else if (char === '{') {
      source += '(?:';
      inGroup = true;
    } else if (char === '}' && inGroup) {
      source += ')';
      inGroup = false;
    } else if (char === ',' && inGroup) source += '|';
    else source += escape(char);
  }
  found = new RegExp(`^${source}$`);
  if (cache.size > 1000) cache.clear();
  cache.set(key, found);
  return found;
}

export function hasGlob(path: string): boolean {
  return /[*?{]/.test(path);
}

/** Files matching an absolute glob, sorted. The part before the first wildcard is walked. */
export function expandGlob(pattern: string): string[] {
  const segments = pattern.split(sep);
  const firstWild = segments.findIndex(hasGlob);
  const base = segments.slice(0, firstWild).join(sep) || sep;
  const matcher = globToRegExp(segments.slice(firstWild).join('/'));
  const found: string[] = [];
  walk(base, '', (relative, absolute) => {
    if (matcher.test(relative)) found.push(absolute);
  });
  return found.sort();
}

/** Every file under a directory, relative paths with `/`, in sorted order. */
export function walk(dir: string, prefix: string, visit: (relative: string, absolute: string) => void): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const absolute = join(dir, name);
    const relative = prefix ? `${prefix}/${name}` : name;
    if (statSync(absolute).isDirectory()) walk(absolute, relative, visit);
    else visit(relative, absolute);
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
