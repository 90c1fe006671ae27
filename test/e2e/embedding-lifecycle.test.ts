import { expect } from 'chai';
import Koa from 'koa';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import {
  createGateway,
  createSilentLogger,
  SwitchyardError,
  type Caller,
  type GatewayConfig,
} from '../../index.js';
import { serve } from '../support/embedding.js';

const red: Caller = { id: 'alice', team: 'red', labels: {} };
const messages = [{ role: 'user' as const, content: 'one two three four five six seven eight' }];

function config(ledgerPath?: string): GatewayConfig {
  return {
    providers: { mock: { plugin: 'mock', models: { 'mock-small': { pricing: { input: 1, output: 1 } } } } },
    limits: { teams: { rpm: 1 } },
    ...(ledgerPath ? { ledger: { sinks: [{ kind: 'jsonl', path: ledgerPath }] } } : {}),
  } as GatewayConfig;
}

describe('embedded gateway lifecycle', () => {
  it('two gateways in one process keep their own limits, stores and events', async () => {
    const a = await createGateway(config(), { logger: createSilentLogger() });
    const b = await createGateway(config(), { logger: createSilentLogger() });
    try {
      const heard: string[] = [];
      a.on('response', () => heard.push('a'));
      await a.chat({ model: 'mock-small', messages }, { caller: red });
      const limited = await a
        .chat({ model: 'mock-small', messages }, { caller: red })
        .catch((e: unknown) => e);
      expect(SwitchyardError.isInstance(limited) && limited.code).to.equal('SY_ERR_RATE_LIMITED');
      // b has its own store: alice's first request there is her first.
      await b.chat({ model: 'mock-small', messages }, { caller: red });
      expect(a.services.store).to.not.equal(b.services.store);
      expect(heard).to.deep.equal(['a', 'a']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('close() lets an in-flight stream finish, refuses new calls, and flushes the ledger', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-embed-'));
    const ledger = join(dir, 'ledger.jsonl');
    try {
      const gateway = await createGateway(
        {
          ...config(ledger),
          limits: {},
          providers: {
            mock: {
              plugin: 'mock',
              options: { chunkDelayMs: 40 },
              models: { 'mock-small': { pricing: { input: 1, output: 1 } } },
            },
          },
        } as GatewayConfig,
        { logger: createSilentLogger() },
      );
      const stream = await gateway.chat({ model: 'mock-small', stream: true, messages }, { caller: red });
      const closing = gateway.close();
      const refused = await gateway
        .chat({ model: 'mock-small', messages }, { caller: red })
        .catch((e: unknown) => e);
      expect(SwitchyardError.isInstance(refused) && refused.code).to.equal('SY_ERR_GATEWAY_SHUTTING_DOWN');
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      expect(text).to.include('eight');
      await closing;
      const lines = (await readFile(ledger, 'utf8')).trim().split('\n');
      expect(lines).to.have.length(1);
      expect(JSON.parse(lines[0] ?? '{}')).to.have.property('outcome', 'ok');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('close() drains a stream served through a host Koa app', async () => {
    const gateway = await createGateway(
      {
        providers: { mock: { plugin: 'mock', options: { chunkDelayMs: 30 }, models: { 'mock-small': {} } } },
      },
      { logger: createSilentLogger() },
    );
    const app = new Koa();
    app.use(gateway.koa({ prefix: '/llm' }));
    const served = await serve(app.callback());
    try {
      const client = new OpenAI({ baseURL: `${served.url}/llm/v1`, apiKey: 'none', maxRetries: 0 });
      const stream = await client.chat.completions.create({ model: 'mock-small', stream: true, messages });
      const closing = gateway.close();
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      expect(text).to.include('eight');
      await closing;
    } finally {
      await served.close();
    }
  });
});
