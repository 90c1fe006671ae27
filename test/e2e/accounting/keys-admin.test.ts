import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Redis } from 'ioredis';
import type { Gateway } from '../../../index.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../../../core/testing/index.js';
import { deleteKeys, listKeys, REDIS_URL, uniquePrefix } from '../../core/store/fixtures/redis-test-env.js';
import { accountingConfig, ask, startGateway, TEAM_KEY } from './fixtures/setup.js';

const ADMIN = 'admin-secret-0123456789';

function admin(url: string, path: string, init: RequestInit = {}, key = ADMIN): Promise<Response> {
  return fetch(`${url}/admin${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', 'x-switchyard-admin-key': key, ...init.headers },
  });
}

async function createKey(url: string, body: Record<string, unknown>): Promise<{ key: string; id: string }> {
  const response = await admin(url, '/keys', { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).to.equal(201);
  return (await response.json()) as { key: string; id: string };
}

describe('virtual keys and the admin API', () => {
  let upstream: MockOpenAIUpstream;
  const prefix = uniquePrefix('keys');
  const gateways: Gateway[] = [];
  let dir: string;
  let logs = '';

  before(async () => {
    upstream = await startMockOpenAIUpstream({ record: false });
    dir = await mkdtemp(join(tmpdir(), 'switchyard-keys-'));
  });
  after(async () => {
    await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
    await upstream.close();
    await deleteKeys(prefix);
    await rm(dir, { recursive: true, force: true });
  });

  async function start(cacheMs = 5_000): Promise<string> {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs += chunk.toString();
        done();
      },
    });
    const { gateway, url } = await startGateway(
      accountingConfig(upstream, {
        store: { kind: 'redis', url: REDIS_URL, prefix },
        admin: { keys: [ADMIN] },
        auth: { keys: [{ key: TEAM_KEY, team: 'acme' }], cacheMs },
        ledger: { sinks: [{ kind: 'jsonl', path: join(dir, 'ledger.jsonl') }], content: true },
      }),
      { logger: pino({ level: 'debug' }, sink) },
    );
    gateways.push(gateway);
    return url;
  }

  it('refuses admin calls without an admin key (401) and with a caller key (403), in the OpenAI shape', async () => {
    const url = await start();
    const none = await fetch(`${url}/admin/keys`);
    expect(none.status).to.equal(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).to.equal(
      'SY_ERR_AUTH_UNAUTHORIZED',
    );
    expect((await admin(url, '/keys', {}, 'wrong-admin-key-000')).status).to.equal(401);
    const caller = await admin(url, '/keys', {}, TEAM_KEY);
    expect(caller.status).to.equal(403);
    expect(((await caller.json()) as { error: { code: string } }).error.code).to.equal(
      'SY_ERR_AUTH_FORBIDDEN',
    );
    const bearer = await fetch(`${url}/admin/keys`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(bearer.status).to.equal(200);
  });

  it('creates a key shown once, authenticates it, and answers one 401 for unknown, disabled and expired keys', async () => {
    const url = await start();
    const created = await createKey(url, { team: 'acme', project: 'web', labels: { env: 'test' } });
    expect(created.key).to.match(/^sy-[0-9a-f]{10}[A-Za-z0-9_-]{32}$/);
    expect((await ask(url, created.key)).status).to.equal(200);

    const shown = (await (await admin(url, `/keys/${created.id}`)).json()) as Record<string, unknown>;
    expect(shown).to.not.have.property('key');
    expect(shown).to.not.have.property('hash');
    expect(shown).to.include({ team: 'acme', project: 'web', disabled: false });

    const expired = await createKey(url, { team: 'acme', expiresAt: Date.now() - 1 });
    await admin(url, `/keys/${created.id}/disable`, { method: 'POST' });
    const bodies = new Set<string>();
    for (const key of [created.key, expired.key, `${created.key.slice(0, -1)}A`, 'sy-nope', '']) {
      const response = await ask(url, key);
      expect(response.status, key).to.equal(401);
      bodies.add(await response.text());
    }
    expect(bodies.size, 'one indistinguishable message').to.equal(1);
    expect((await admin(url, `/keys/${created.id}/enable`, { method: 'POST' })).status).to.equal(200);
    expect((await ask(url, created.key)).status).to.equal(200);
  });

  it('rotates a key (old secret refused at once) and deletes it', async () => {
    const url = await start();
    const created = await createKey(url, { team: 'acme' });
    const rotated = (await (await admin(url, `/keys/${created.id}/rotate`, { method: 'POST' })).json()) as {
      key: string;
      id: string;
    };
    expect(rotated.id).to.equal(created.id);
    expect((await ask(url, created.key)).status).to.equal(401);
    expect((await ask(url, rotated.key)).status).to.equal(200);
    expect((await admin(url, `/keys/${created.id}`, { method: 'DELETE' })).status).to.equal(200);
    expect((await ask(url, rotated.key)).status).to.equal(401);
    const missing = await admin(url, `/keys/${created.id}`);
    expect(missing.status).to.equal(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).to.equal(
      'SY_ERR_KEY_NOT_FOUND',
    );
  });

  it('enforces a key’s model allow-list with 403', async () => {
    const url = await start();
    const created = await createKey(url, { team: 'acme', models: ['other-*'] });
    const response = await ask(url, created.key);
    expect(response.status).to.equal(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).to.equal(
      'SY_ERR_AUTH_FORBIDDEN',
    );
  });

  it('stops a disabled key on a second instance within the cache bound', async function () {
    this.timeout(10_000);
    const bound = 300;
    const first = await start(bound);
    const second = await start(bound);
    const created = await createKey(first, { team: 'acme' });
    expect((await ask(second, created.key)).status).to.equal(200); // now cached on the second
    await admin(first, `/keys/${created.id}/disable`, { method: 'POST' });
    const disabledAt = Date.now();
    expect((await ask(first, created.key)).status).to.equal(401); // the admin instance: at once
    let status = 200;
    while (status === 200) {
      status = (await ask(second, created.key)).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(Date.now() - disabledAt, 'revocation bound').to.be.below(bound + 200);
    }
    expect(status).to.equal(401);
  });

  it('keeps no plaintext key in the store, the logs or the ledger', async () => {
    const url = await start();
    const created = await createKey(url, { team: 'acme' });
    expect((await ask(url, created.key)).status).to.equal(200);
    expect((await ask(url, `${created.key}x`)).status).to.equal(401);
    for (const gateway of gateways) await gateway.services.ledger?.flush();
    const secret = created.key.slice(13);
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await listKeys(prefix);
      expect(keys.length).to.be.greaterThan(0);
      for (const key of keys) {
        expect(key).to.not.include(secret);
        const type = await redis.type(key);
        const value = type === 'string' ? await redis.get(key) : JSON.stringify(await redis.hgetall(key));
        expect(value ?? '', key).to.not.include(secret);
      }
    } finally {
      redis.disconnect();
    }
    const ledger = await readFile(join(dir, 'ledger.jsonl'), 'utf8');
    expect(ledger).to.include(created.id);
    expect(ledger).to.not.include(secret);
    expect(ledger).to.not.include(TEAM_KEY);
    expect(ledger).to.not.include(ADMIN);
    expect(logs).to.include(created.id);
    for (const text of [secret, TEAM_KEY, ADMIN]) expect(logs).to.not.include(text);
  });
});
