/**
 * Mounting in a host Koa app: the gateway's error responder answers the gateway's own failures in
 * the OpenAI shape, but an error thrown further down the host's stack (a route of the host's that
 * runs after the gateway passed the request on) must reach the host's own error handler as is.
 */
import type { Middleware } from 'koa';

export function passHostErrors(inner: Middleware): Middleware {
  return async function switchyard(ctx, next) {
    let downstream: { error: unknown } | undefined;
    await inner(ctx, async () => {
      try {
        await next();
      } catch (error) {
        downstream = { error };
      }
    });
    if (downstream) throw downstream.error;
  };
}
