/**
 * Builds the middleware chain from the configured pipeline: each entry names a stage factory,
 * whose options are validated and which is created once, at boot.
 */
import { compose } from './compose.js';
import { ConfigError, schemaIssues, type ConfigIssue } from './config/validate.js';
import type { ResolvedStage } from './config/resolve.js';
import type { GatewayServices } from './services.js';
import type { StageFactory, StageMiddleware } from './stage.js';

export type AnyStageFactory = StageFactory<never>;

export function buildPipeline(
  stages: readonly ResolvedStage[],
  factories: ReadonlyMap<string, AnyStageFactory>,
  services: GatewayServices,
): StageMiddleware {
  const issues: ConfigIssue[] = [];
  const names = new Set<string>();
  const middleware: StageMiddleware[] = [];
  stages.forEach((stage, index) => {
    const path = `/pipeline/${index}`;
    const factory = factories.get(stage.stage);
    if (!factory) {
      const known = [...factories.keys()].join(', ');
      issues.push({ path, message: `names unknown stage '${stage.stage}' (known: ${known})` });
      return;
    }
    if (names.has(stage.name)) {
      issues.push({
        path,
        message: `repeats stage name '${stage.name}'; give the second one its own 'name'`,
      });
      return;
    }
    names.add(stage.name);
    const options = stage.options ?? {};
    if (factory.optionsSchema) {
      const found = schemaIssues(factory.optionsSchema, options, `${path}/options`);
      if (found.length > 0) {
        issues.push(...found);
        return;
      }
    }
    const fn = (factory as StageFactory<Record<string, unknown>>).create(options, services);
    if (fn === undefined) return;
    // Named so stack traces and debug output show the stage.
    Object.defineProperty(fn, 'name', { value: `stage:${stage.name}` });
    middleware.push(fn);
  });
  if (!stages.some((stage) => stage.stage === 'route')) {
    issues.push({ path: '/pipeline', message: "has no 'route' stage: no request could reach a provider" });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return compose(middleware);
}
