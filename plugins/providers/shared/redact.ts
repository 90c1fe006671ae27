/** Replaces every occurrence of a secret, so upstream texts that echo a key cannot leak it. */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  if (secrets.length === 0) return (text) => text;
  return (text) => {
    let result = text;
    for (const secret of secrets) result = result.split(secret).join('[redacted]');
    return result;
  };
}
