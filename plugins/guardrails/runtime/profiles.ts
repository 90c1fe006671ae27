/**
 * Compiles `guardrails.profiles` once, at boot: every entry's guardrail is loaded (built in,
 * registered, or the npm package `switchyard-guardrail-<name>`), its options checked against
 * the plugin's schema and its phases and action against the plugin's manifest. Every problem
 * is reported at once as a ConfigError; a request never meets a bad profile.
 */
import {
  ConfigError,
  loadGuardrailPlugin,
  schemaIssues,
  SwitchyardError,
  type AnyGuardrailPlugin,
  type ConfigIssue,
  type Guardrail,
  type GuardrailAction,
  type GuardrailPhase,
  type GuardrailPlugin,
  type GuardrailsConfig,
  type GatewayServices,
} from '../../../core/index.js';

export interface CompiledEntry {
  /** The entry's name (default the guardrail's), used in findings and errors. */
  readonly name: string;
  readonly guardrail: Guardrail;
  readonly action: GuardrailAction;
  readonly status: number;
}

export interface CompiledProfile {
  readonly name: string;
  readonly input: readonly CompiledEntry[];
  readonly output: readonly CompiledEntry[];
}

export interface CompiledProfiles {
  readonly default: string | undefined;
  readonly streamWindow: number;
  readonly streamHoldBack: number;
  /** How many profiles are configured. */
  readonly size: number;
  get(name: string): CompiledProfile | undefined;
}

export const STREAM_DEFAULTS = { window: 256, holdBack: 64 } as const;

export function compileProfiles(
  config: GuardrailsConfig | undefined,
  registered: ReadonlyMap<string, AnyGuardrailPlugin>,
  services: Pick<GatewayServices, 'logger' | 'now'>,
  resolveFrom = `${process.cwd()}/`,
): CompiledProfiles {
  const issues: ConfigIssue[] = [];
  const profiles = new Map<string, CompiledProfile>();
  for (const [name, entries] of Object.entries(config?.profiles ?? {})) {
    const input: CompiledEntry[] = [];
    const output: CompiledEntry[] = [];
    entries.forEach((entry, index) => {
      const path = `/guardrails/profiles/${name}/${index}`;
      let plugin: AnyGuardrailPlugin;
      try {
        plugin = loadGuardrailPlugin(entry.guardrail, registered, resolveFrom);
      } catch (error) {
        issues.push({ path: `${path}/guardrail`, message: (error as Error).message });
        return;
      }
      const phases: GuardrailPhase[] =
        entry.on === 'both' ? ['input', 'output'] : [entry.on ?? plugin.phases[0] ?? 'input'];
      const action = entry.action ?? 'deny';
      const found = schemaIssues(plugin.optionsSchema, entry.options ?? {}, `${path}/options`);
      for (const phase of phases) {
        if (!plugin.phases.includes(phase))
          found.push({ path: `${path}/on`, message: `'${plugin.name}' cannot run on ${phase}` });
      }
      if (!plugin.actions.includes(action)) {
        found.push({
          path: `${path}/action`,
          message: `'${plugin.name}' supports ${plugin.actions.join(', ')}, not ${action}`,
        });
      }
      if (action === 'pseudonymize' && phases.includes('output')) {
        found.push({ path: `${path}/action`, message: 'pseudonymize applies to input only' });
      }
      if (found.length > 0) return void issues.push(...found);
      let guardrail: Guardrail;
      try {
        guardrail = (plugin as GuardrailPlugin<Record<string, unknown>>).create(entry.options ?? {}, {
          logger: services.logger.child({ guardrail: entry.name ?? plugin.name }),
          now: services.now,
        });
      } catch (error) {
        issues.push({ path: `${path}/options`, message: (error as Error).message });
        return;
      }
      const compiled = { name: entry.name ?? plugin.name, guardrail, action, status: entry.status ?? 400 };
      if (phases.includes('input')) input.push(compiled);
      if (phases.includes('output')) output.push(compiled);
    });
    profiles.set(name, { name, input, output });
  }
  if (config?.default !== undefined && !profiles.has(config.default)) {
    issues.push({ path: '/guardrails/default', message: `names unknown profile '${config.default}'` });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return {
    default: config?.default,
    streamWindow: config?.streamWindow ?? STREAM_DEFAULTS.window,
    streamHoldBack: config?.streamHoldBack ?? STREAM_DEFAULTS.holdBack,
    size: profiles.size,
    get: (name) => profiles.get(name),
  };
}

/** A profile by name, failing closed: a name the configuration lacks refuses the request. */
export function requireProfile(profiles: CompiledProfiles, name: string, chosenBy: string): CompiledProfile {
  const profile = profiles.get(name);
  if (profile) return profile;
  throw new SwitchyardError(
    'SY_ERR_CONFIG_INVALID',
    `Guardrail profile '${name}' (chosen by ${chosenBy}) is not configured under guardrails.profiles.`,
  );
}
