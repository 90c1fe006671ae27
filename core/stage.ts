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
  /**
   * The stage never edits `ctx.request` in place: to change the request it assigns a new object.
   * When every stage of the pipeline says so, a request nobody replaced is sent upstream as the
   * client's own JSON text instead of being serialised again (core/request-text.ts). Leave it
   * unset when unsure: the request is then always serialised.
   */
  readonly replacesRequest?: boolean;
  /**
   * Makes the stage's middleware, once, at boot. A stage with nothing to do under this
   * configuration (no limits configured, no guardrail profile) returns `undefined` and is left
   * out of the chain, so an idle stage costs a request nothing.
   */
  create(options: Options, services: GatewayServices): StageMiddleware | undefined;
}

/** Helper that keeps a stage factory's option type. */
export function defineStage<Options>(factory: StageFactory<Options>): StageFactory<Options> {
  return factory;
}

/**
 * The default chain, outermost first. Koa's onion: a stage acts on the request before
 * `await next()` and on the response after it. Read top-down for a request's way in
 * (auth → rate limits → input guardrails → policy → guardrails of the policy's profile → data
 * policy → cache → budget reservation → route & dispatch) and bottom-up for the way out (budget
 * settlement → output guardrails → restoring pseudonyms → accounting); docs/pipeline.md draws it.
 * Data policy comes after the policy because it filters the plan the policy made, and after
 * output-guardrails because findings of the policy's profile feed its requirements.
 */
export const DEFAULT_PIPELINE = [
  'accounting',
  'auth',
  'limits',
  'input-guardrails',
  'policy',
  'output-guardrails',
  'data-policy',
  'cache',
  'budgets',
  'route',
] as const;
