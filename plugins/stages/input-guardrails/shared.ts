/**
 * What the two guardrail stages share: the profiles, compiled once per gateway (and per set of
 * extra plugins), and putting pseudonymized values back into the answer.
 */
import { type AnyGuardrailPlugin, type GatewayContext, type GatewayServices } from '../../../core/index.js';
import { builtinGuardrails } from '../../guardrails/builtins.js';
import { restoreChunkStream, restoreCompletion, type Pseudonymizer } from '../../guardrails/pii/index.js';
import { compileProfiles, type CompiledProfiles } from '../../guardrails/runtime/index.js';

export type ProfileSource = (services: GatewayServices) => CompiledProfiles;

/** A compiler of `guardrails.profiles` that knows the built-ins and `extra` plugins. */
export function profileSource(extra: Iterable<AnyGuardrailPlugin> = []): ProfileSource {
  const registered = new Map<string, AnyGuardrailPlugin>();
  for (const plugin of [...builtinGuardrails, ...extra]) registered.set(plugin.name, plugin);
  const compiled = new WeakMap<GatewayServices, CompiledProfiles>();
  return (services) => {
    let profiles = compiled.get(services);
    if (!profiles) {
      profiles = compileProfiles(services.config.source.guardrails, registered, services);
      compiled.set(services, profiles);
    }
    return profiles;
  };
}

/** Restores pseudonym tokens in the answer, whole or streamed. */
export function restoreAnswer(ctx: GatewayContext, pseudonymizer: Pseudonymizer | undefined): void {
  if (!pseudonymizer || ctx.operation !== 'chat') return;
  if (ctx.stream) ctx.stream = restoreChunkStream(ctx.stream, pseudonymizer);
  else if (ctx.response) ctx.response = restoreCompletion(ctx.response, pseudonymizer);
}
