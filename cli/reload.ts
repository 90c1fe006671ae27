/**
 * SIGHUP for `switchyard serve`: reloads the policy files at once (atomically: the last good
 * policy stays in force when they have errors) and re-reads the configuration file, naming the
 * sections that changed and need a restart. Results go to the log and to
 * `switchyard_config_reloads_total{kind,result}`.
 */
import { loadConfigFile, type Gateway, type GatewayConfig, type Logger } from '../index.js';
import { policyEngineOf } from '../plugins/stages/policy/index.js';

/** Sections read again on reload; every other change needs a restart. */
const RELOADED = new Set(['policies']);

export async function reloadOnSignal(gateway: Gateway, configPath: string, logger: Logger): Promise<void> {
  const metrics = gateway.services.metrics;
  let next: GatewayConfig;
  try {
    next = await loadConfigFile(configPath);
  } catch (error) {
    metrics?.reload('config', 'failure');
    logger.error(
      { err: error, config: configPath },
      'reload: the configuration file is invalid; nothing changed',
    );
    return;
  }
  metrics?.reload('config', 'success');
  const running = gateway.config.source;
  const keys = new Set([...Object.keys(running), ...Object.keys(next)]);
  const restart = [...keys].filter(
    (key) =>
      !RELOADED.has(key) &&
      JSON.stringify(running[key as keyof GatewayConfig]) !==
        JSON.stringify(next[key as keyof GatewayConfig]),
  );
  if (restart.length > 0) {
    logger.warn({ sections: restart }, 'reload: these configuration sections changed and need a restart');
  }
  const engine = policyEngineOf(gateway.services);
  if (!engine || !gateway.config.policies) {
    logger.info('reload: no policy files configured');
    return;
  }
  // The engine logs the outcome and counts it (`kind="policy"`).
  const loaded = engine.reload();
  logger.info(
    { revision: engine.current.revision, ok: loaded.policy !== undefined },
    loaded.policy
      ? 'reload: policies reloaded'
      : 'reload: policy files have errors; the last good policy stays',
  );
}
