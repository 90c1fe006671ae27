/**
 * Soft-limit alerts through HTTP: as committed spend crosses each configured share of a cap, the
 * gateway logs a warn line and POSTs a JSON alert to the webhook, once per threshold and period.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { budgetKey, createLogger, type Gateway } from '../../../index.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../../../core/testing/index.js';
import { accountingConfig, ask, REPLY, startGateway } from './fixtures/setup.js';

const DAY_MS = 86_400_000;

interface Alert {
  type: string;
  scope: string;
  id: string;
  window: string;
  threshold: number;
  spentUsd: number;
  capUsd: number;
  budgetKey: string;
}

async function until(condition: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('budget alerts end to end through HTTP', () => {
  let upstream: MockOpenAIUpstream;
  let webhook: Server;
  let gateway: Gateway;
  let url: string;
  const posts: { contentType: string | undefined; alert: Alert }[] = [];
  const logs: { level: number; msg: string; threshold?: number }[] = [];
  // Noon UTC of the real day, so the requests of one "day" never straddle midnight; tests move it.
  let offset = 0;
  const now = () => Date.now() + offset;

  before(async () => {
    upstream = await startMockOpenAIUpstream({ record: false, defaultBehaviour: { reply: REPLY } });
    webhook = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        posts.push({ contentType: req.headers['content-type'], alert: JSON.parse(raw) as Alert });
        res.writeHead(204).end();
      });
    });
    webhook.listen(0, '127.0.0.1');
    await once(webhook, 'listening');
    const webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/budget`;

    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
          logs.push(JSON.parse(line) as (typeof logs)[number]);
        done();
      },
    });
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    offset = today + DAY_MS / 2 - Date.now();
    // Each answer costs $0.0037: the first is 50% of a $0.0074 daily cap, the second 100%.
    const config = accountingConfig(upstream, {
      teams: { acme: { budgets: { day: 0.0074 } } },
      budgets: { alerts: { thresholds: [0.5, 0.8, 1], webhookUrl } },
    });
    ({ gateway, url } = await startGateway(config, {
      now,
      logger: createLogger({ level: 'warn' }, destination),
    }));
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
    webhook.close();
  });

  const alertLogs = () => logs.filter((line) => line.msg.startsWith('budget alert:'));

  it('alerts at each threshold as spend crosses it, once per threshold and period, by webhook and log line', async () => {
    const day = budgetKey('team', 'acme', 'day', now());

    expect((await ask(url)).status).to.equal(200);
    await until(() => posts.length >= 1, 'the 50% alert');
    expect(posts[0]?.contentType).to.equal('application/json');
    expect(posts[0]?.alert).to.deep.include({
      type: 'budget.threshold',
      scope: 'team',
      id: 'acme',
      window: 'day',
      threshold: 0.5,
      spentUsd: 0.0037,
      capUsd: 0.0074,
      budgetKey: day,
    });

    // 100% spent: 0.8 and 1 are crossed now; 0.5, still crossed, is not sent again.
    expect((await ask(url)).status).to.equal(200);
    await until(() => posts.length >= 3, 'the 80% and 100% alerts');
    expect(posts.map((post) => post.alert.threshold)).to.deep.equal([0.5, 0.8, 1]);
    expect(posts[2]?.alert).to.deep.include({ spentUsd: 0.0074, budgetKey: day });

    // Refused before dispatch: nothing spent, nothing alerted.
    expect((await ask(url)).status).to.equal(402);

    await until(() => alertLogs().length >= 3, 'the alert log lines');
    expect(alertLogs().map((line) => [line.level, line.msg, line.threshold])).to.deep.equal([
      [40, "budget alert: team 'acme' daily cap of $0.01 is 50% spent", 0.5],
      [40, "budget alert: team 'acme' daily cap of $0.01 is 80% spent", 0.8],
      [40, "budget alert: team 'acme' daily cap of $0.01 is 100% spent", 1],
    ]);
    expect(posts).to.have.length(3);

    // The next day is a new period: its thresholds alert again.
    offset += DAY_MS;
    const nextDay = budgetKey('team', 'acme', 'day', now());
    expect((await ask(url)).status).to.equal(200);
    await until(() => posts.length >= 4, "the next day's 50% alert");
    expect(posts[3]?.alert).to.deep.include({ threshold: 0.5, spentUsd: 0.0037, budgetKey: nextDay });
    await until(() => alertLogs().length >= 4, "the next day's log line");
    expect(posts).to.have.length(4);
  });
});
