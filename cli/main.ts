#!/usr/bin/env node
/**
 * The `switchyard` command. Exit codes: 0 success, 1 runtime failure, 2 invalid configuration
 * or usage (see docs/operations.md).
 */
import { Command, Option } from 'commander';
import { serve } from './serve.js';

const program = new Command('switchyard')
  .description('Switchyard: a policy-driven gateway for LLM traffic')
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

program
  .command('serve')
  .description('start the gateway')
  .option(
    '-c, --config <path>',
    'configuration file (YAML or JSON)',
    process.env.SWITCHYARD_CONFIG ?? 'switchyard.config.yaml',
  )
  .addOption(new Option('-p, --port <port>', 'port to listen on').env('SWITCHYARD_PORT').argParser(parsePort))
  .addOption(new Option('-H, --host <host>', 'address to bind').env('SWITCHYARD_HOST'))
  .addOption(
    new Option('-l, --log-level <level>', 'log level')
      .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .env('SWITCHYARD_LOG_LEVEL'),
  )
  .option('--pretty', 'human-readable logs (development)')
  .action(
    async (options: {
      config: string;
      port?: number;
      host?: string;
      logLevel?: string;
      pretty?: boolean;
    }) => {
      process.exitCode = await serve(options);
    },
  );

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`error: --port must be an integer from 0 to 65535, got '${value}'`);
    process.exit(2);
  }
  return port;
}

await program.parseAsync(process.argv);
