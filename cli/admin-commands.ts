/**
 * `switchyard keys …` and `switchyard usage …`: thin clients of the admin API over HTTP. The
 * gateway's address comes from --url or SWITCHYARD_URL, the admin key from --admin-key or
 * SWITCHYARD_ADMIN_KEY. Exit codes: 0 success, 1 the call failed, 2 bad usage.
 */
import { Option, type Command } from 'commander';

interface Connection {
  url: string;
  adminKey?: string;
  json?: boolean;
}

function withConnection(command: Command): Command {
  return command
    .addOption(
      new Option('--url <url>', 'gateway base URL').env('SWITCHYARD_URL').default('http://127.0.0.1:8787'),
    )
    .addOption(new Option('--admin-key <key>', 'admin key').env('SWITCHYARD_ADMIN_KEY'))
    .option('--json', 'print the raw JSON answer');
}

/** Calls the admin API; prints the answer (or the OpenAI-shaped error) and returns the exit code. */
export async function adminCall(
  connection: Connection,
  method: string,
  path: string,
  body?: unknown,
  print: (answer: unknown) => string = (answer) => JSON.stringify(answer, null, 2),
): Promise<number> {
  if (!connection.adminKey) {
    console.error('error: an admin key is required (--admin-key or SWITCHYARD_ADMIN_KEY)');
    return 2;
  }
  let response: Response;
  try {
    response = await fetch(`${connection.url.replace(/\/+$/, '')}/admin${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-switchyard-admin-key': connection.adminKey },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (error) {
    console.error(`error: cannot reach ${connection.url}: ${(error as Error).message}`);
    return 1;
  }
  const answer = (await response.json().catch(() => ({}))) as { error?: { message?: string; code?: string } };
  if (!response.ok) {
    console.error(
      `error: ${answer.error?.message ?? response.statusText} (${answer.error?.code ?? response.status})`,
    );
    return 1;
  }
  console.log(connection.json ? JSON.stringify(answer, null, 2) : print(answer));
  return 0;
}

function list(values: string | undefined): string[] | undefined {
  return values === undefined
    ? undefined
    : values
        .split(',')
        .map((value) => value.trim())
        .filter(Boolean);
}

export function registerAdminCommands(program: Command): void {
  const keys = program.command('keys').description('manage virtual API keys through the admin API');

  withConnection(keys.command('create').description('create a key; prints it once'))
    .requiredOption('--team <team>', 'team the key belongs to')
    .option('--project <project>')
    .option('--user <user>')
    .option('--name <name>')
    .option('--expires <iso date>', 'refuse the key after this time')
    .option('--models <globs>', 'comma-separated model globs the key may use')
    .option('--providers <globs>', 'comma-separated provider globs the key may use')
    .option('--rpm <n>', 'requests per minute', Number)
    .option('--tpm <n>', 'tokens per minute', Number)
    .option('--monthly-usd <usd>', 'monthly spend cap', Number)
    .action(async (options: Connection & Record<string, string | number | undefined>) => {
      const body: Record<string, unknown> = { team: options.team };
      for (const field of ['project', 'user', 'name'] as const)
        if (options[field]) body[field] = options[field];
      if (options.expires) body.expiresAt = options.expires;
      if (options.models) body.models = list(String(options.models));
      if (options.providers) body.providers = list(String(options.providers));
      if (options.rpm || options.tpm) body.limits = { rpm: options.rpm, tpm: options.tpm };
      if (options.monthlyUsd !== undefined) body.budgets = { month: options.monthlyUsd };
      process.exitCode = await adminCall(options, 'POST', '/keys', body, (answer) => {
        const created = answer as { id: string; key: string };
        return `${created.key}\n(id ${created.id}; store the key now: it is not shown again)`;
      });
    });

  withConnection(keys.command('list').description('list keys'))
    .option('--team <team>')
    .action(async (options: Connection & { team?: string }) => {
      const query = options.team ? `?team=${encodeURIComponent(options.team)}` : '';
      process.exitCode = await adminCall(options, 'GET', `/keys${query}`, undefined, (answer) =>
        (answer as { data: { id: string; prefix: string; team?: string; disabled: boolean }[] }).data
          .map(
            (key) => `${key.id}\t${key.prefix}\t${key.team ?? '-'}\t${key.disabled ? 'disabled' : 'active'}`,
          )
          .join('\n'),
      );
    });

  for (const [name, method, suffix, description] of [
    ['show', 'GET', '', 'show a key'],
    ['disable', 'POST', '/disable', 'disable a key (every instance within auth.cacheMs)'],
    ['enable', 'POST', '/enable', 'enable a disabled key'],
    ['delete', 'DELETE', '', 'delete a key'],
  ] as const) {
    withConnection(keys.command(`${name} <id>`).description(description)).action(
      async (id: string, options: Connection) => {
        process.exitCode = await adminCall(options, method, `/keys/${encodeURIComponent(id)}${suffix}`);
      },
    );
  }

  withConnection(keys.command('rotate <id>').description('replace a key’s secret; prints the new key once'))
    .option('--grace <seconds>', 'keep the old secret working this long', Number, 0)
    .action(async (id: string, options: Connection & { grace: number }) => {
      process.exitCode = await adminCall(options, 'POST', `/keys/${encodeURIComponent(id)}/rotate`, {
        graceSeconds: options.grace,
      });
    });

  withConnection(program.command('usage').description('usage and cost from the audit ledger'))
    .addOption(
      new Option('--by <dimension>', 'group by')
        .choices(['team', 'key', 'model', 'provider', 'project', 'user'])
        .default('team'),
    )
    .option('--since <period>', '7d, 24h, 30m or an ISO date', '7d')
    .action(async (options: Connection & { by: string; since: string }) => {
      const query = `?by=${options.by}&since=${encodeURIComponent(options.since)}`;
      process.exitCode = await adminCall(options, 'GET', `/usage${query}`, undefined, (answer) => {
        const rows = (answer as { data: Record<string, number | string | null>[] }).data;
        const lines = rows.map((row) =>
          [
            row.group ?? '-',
            row.requests,
            row.errors,
            row.promptTokens,
            row.completionTokens,
            row.costUsd,
          ].join('\t'),
        );
        return [`${options.by}\trequests\terrors\tprompt\tcompletion\tcost_usd`, ...lines].join('\n');
      });
    });
}
