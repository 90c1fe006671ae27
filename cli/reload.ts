/**
 * SIGHUP for `switchyard serve`: re-reads the configuration file and swaps it in atomically
 * (gateway.reload): providers, models, aliases, failover, pipeline, policies, guardrails, limits
 * and budgets. An invalid file changes nothing. Sections that live as long as the process
 * (`server`, `store`, `ledger`, `metrics`, `logging`) are named in the log when they changed: they
 * need a restart. Results go to the log and to `switchyard_config_reloads_total{kind,result}`.
 */
import { loadConfigFile, type Gateway, type GatewayConfig, type Logger } from '../index.js';

/** Sections built once per process; a change to them needs a restart. */
const LASTING = ['server', 'store', 'ledger', 'metrics', 'logging'] as const;

export async function reloadOnSignal(gateway: Gateway, configPath: string, logger: Logger): Promise<void> {
  const metrics = gateway.services.metrics;
  let next: GatewayConfig;
  try {
    next = await loadConfigFile(configPath);
    const running = gateway.config.source;
    await gateway.reload(next);
    const restart = LASTING.filter((key) => JSON.stringify(running[key]) !== JSON.stringify(next[key]));
    if (restart.length > 0) {
      logger.warn({ sections: restart }, 'reload: these configuration sections changed and need a restart');
    }
  } catch (error) {
    metrics?.reload('config', 'failure');
    logger.error({ err: error, config: configPath }, 'reload: the configuration is invalid; nothing changed');
    return;
  }
  metrics?.reload('config', 'success');
  logger.info({ config: configPath }, 'reload: configuration reloaded');
}
