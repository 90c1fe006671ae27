/**
 * The composer, in the spirit of koa-compose: a middleware is `(ctx, next) => Promise<void>`,
 * and a composed stack is itself a middleware, so stacks nest.
 */
export type Next = () => Promise<void>;
export type Middleware<Ctx> = (ctx: Ctx, next: Next) => Promise<void>;

export function compose<Ctx>(stack: readonly Middleware<Ctx>[]): Middleware<Ctx> {
  for (const fn of stack) {
    if (typeof fn !== 'function') throw new TypeError('Every middleware must be a function');
  }
  return function composed(ctx, last) {
    let called = -1;
    function dispatch(i: number): Promise<void> {
      if (i <= called) return Promise.reject(new Error('next() called more than once'));
      called = i;
      const fn = i === stack.length ? last : stack[i];
      if (!fn) return Promise.resolve();
      try {
        return Promise.resolve(fn(ctx, () => dispatch(i + 1)));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return dispatch(0);
  };
}
