#!/usr/bin/env node
/**
 * The `switchyard` command. Exit codes: 0 success, 1 runtime failure, 2 invalid configuration
 * or usage (see docs/operations.md).
 */
import { Command, Option } from 'commander';
import { serve } from './serve.js';
import { explainCommand, testCommand, validateCommand } from './policy-commands.js';
import { registerAdminCommands } from './admin-commands.js';

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

const configOption = () =>
  new Option('-c, --config <path>', 'configuration file (default: searched from the working directory)').env(
    'SWITCHYARD_CONFIG',
  );
const collect = (value: string, previous: string[] = []) => [...previous, value];

program
  .command('validate')
  .description('check the configuration and every policy file; prints each error with file:line:column')
  .addOption(configOption())
  .option('--json', 'machine-readable output')
  .action(async (options: { config?: string; json?: boolean }) => {
    process.exitCode = await validateCommand(options);
  });

program
  .command('explain')
  .description('explain the policy decision for a request, without calling any provider')
  .requiredOption('-r, --request <file>', 'the request body (JSON)')
  .addOption(configOption())
  .addOption(new Option('--key <key>', 'the caller, by API key (looked up in auth.keys)').conflicts('team'))
  .option('--team <team>', 'the caller, by team')
  .option('--user <user>', "the caller's user")
  .option('--labels <k=v,...>', "the caller's labels")
  .option('--finding <type>', 'a guardrail finding (repeatable)', collect)
  .option('--header <name:value>', 'a request header (repeatable)', collect)
  .option('--all-providers', 'treat every configured provider as in service, whatever its API key')
  .option('--json', 'machine-readable output')
  .action(async (options: Parameters<typeof explainCommand>[0]) => {
    process.exitCode = await explainCommand(options);
  });

program
  .command('test')
  .description('run the *.test.yaml cases beside the policy files (PASS/FAIL/ERROR per case)')
  .argument('[files...]', 'test files (default: every *.test.yaml beside the policy files)')
  .addOption(configOption())
  .option('--json', 'machine-readable output')
  .action(async (files: string[], options: { config?: string; json?: boolean }) => {
    process.exitCode = await testCommand({ ...options, files });
  });

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`error: --port must be an integer from 0 to 65535, got '${value}'`);
    process.exit(2);
  }
  return port;
}

registerAdminCommands(program);

await program.parseAsync(process.argv);
