/**
 * Stages whose place in the chain is fixed but whose built-in behaviour is still "let the
 * request through": the cache. Its slot keeps the pipeline's order real, so replacing it from
 * configuration changes nothing else.
 */
import { defineStage, type StageFactory } from '../../../core/index.js';

function passthrough(name: string): StageFactory<Record<string, never>> {
  return defineStage<Record<string, never>>({
    name,
    optionsSchema: { type: 'object', additionalProperties: false },
    // Nothing to do yet: left out of the chain (see StageFactory.create).
    create: () => undefined,
  });
}

export const cacheStage = passthrough('cache');
