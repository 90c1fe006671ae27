/**
 * Response headers as the flat list Node's `writeHead` also takes.
 */

/**
 * `base` ([name, value, …], lower-case names) with `headers` added, a header of both taking the
 * value from `headers`. Node's writeHead reads such a list without the for-in and own-property
 * test per header that an object costs, and no merged object is made.
 */
export function headerList(base: readonly string[], headers: Readonly<Record<string, string>>): string[] {
  const list = base.slice();
  for (const name in headers) {
    const value = headers[name] as string;
    const at = indexOfName(base, name);
    if (at === -1) list.push(name, value);
    else list[at + 1] = value;
  }
  return list;
}

function indexOfName(list: readonly string[], name: string): number {
  for (let at = 0; at < list.length; at += 2) if (list[at] === name) return at;
  return -1;
}
