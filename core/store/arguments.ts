// Argument checks shared by both stores, so a bad call fails the same way (a RangeError, a bug in
// the caller) before any state is touched, and floats never reach the money arithmetic.

export function assertInteger(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be a safe integer >= ${min}, got ${value}`);
  }
}

export function assertRateLimit(limit: number, windowMs: number, cost: number): void {
  assertInteger('limit', limit, 1);
  assertInteger('windowMs', windowMs, 1);
  assertInteger('cost', cost, 1);
  if (cost > limit) throw new RangeError(`cost ${cost} exceeds limit ${limit} and could never be admitted`);
}

export function assertNonEmpty(name: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0)
    throw new RangeError(`${name} must be a non-empty string`);
}
