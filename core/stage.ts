/**
 * Stages are the named middleware of the chain. A stage factory is registered under a name and
 * turned into middleware once at boot with its options, so a bad option fails at start-up.
 */
import type { Middleware } from './compose.js';
import type { GatewayContext } from './context.js';
import type { GatewayServices } from './services.js';
import type { JsonSchema } from './provider.js';

export type StageMiddleware = Middleware<GatewayContext>;

export interface StageFactory<Options = Record<string, unknown>> {
  readonly name: string;
  readonly optionsSchema?: JsonSchema;
  create(options: Options, services: GatewayServices): StageMiddleware;
}

/** Helper that keeps a stage factory's option type. */
export function defineStage<Options>(factory: StageFactory<Options>): StageFactory<Options> {
  return factory;
}

/**
 * The default chain, outermost first. Koa's onion: a stage acts on the request before
 * `await next()` and on the response after it. Read top-down for a request's way in
 * (auth → input guardrails → data policy → policy → cache → route & dispatch) and bottom-up
 * for the way out (output guardrails → accounting); docs/pipeline.md draws it.
 */
export const DEFAULT_PIPELINE = [
  'accounting',
  'auth',
  'input-guardrails',
  'data-policy',
  'policy',
  'output-guardrails',
  'cache',
  'route',
] as const;
