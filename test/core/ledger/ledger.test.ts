import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import {
  createJsonlSink,
  createLedger,
  createSilentLogger,
  parseSince,
  type LedgerRecord,
  type LedgerSink,
} from '../../../index.js';
import { record } from './fixtures.js';

describe('createLedger', () => {
  it('writes in batches off the caller’s path and flushes what is left on close()', async () => {
    const batches: number[] = [];
    const sink: LedgerSink = { name: 'memory', write: async (records) => void batches.push(records.length) };
    const ledger = createLedger({
      sinks: [sink],
      logger: createSilentLogger(),
      batchSize: 4,
      flushIntervalMs: 50,
    });
    for (let i = 0; i < 10; i++) ledger.record(record(i));
    expect(batches, 'nothing written synchronously').to.deep.equal([]);
    await ledger.close();
    expect(batches.reduce((a, b) => a + b, 0)).to.equal(10);
    expect(Math.max(...batches)).to.be.at.most(4);
  });

  it('retries a failing sink with backoff and loses nothing once it recovers', async () => {
    const written: LedgerRecord[] = [];
    let failures = 3;
    const sink: LedgerSink = {
      name: 'flaky',
      write: async (records) => {
        if (failures-- > 0) throw new Error('down');
        written.push(...records);
      },
    };
    const ledger = createLedger({
      sinks: [sink],
      logger: createSilentLogger(),
      batchSize: 5,
      flushIntervalMs: 10,
    });
    for (let i = 0; i < 12; i++) ledger.record(record(i));
    await ledger.close();
    expect(written.map((r) => r.id)).to.deep.equal(Array.from({ length: 12 }, (_, i) => `req_${i}`));
    expect(ledger.stats().flaky).to.include({ written: 12, dropped: 0, failures: 3 });
  });

  it('drops records past bufferMax with a loud error, never blocking the caller', async () => {
    let logs = '';
    const logger = pino(
      { level: 'error' },
      new Writable({
        write(chunk: Buffer, _e, done) {
          logs += chunk.toString();
          done();
        },
      }),
    );
    const sink: LedgerSink = { name: 'down', write: () => Promise.reject(new Error('down')) };
    const ledger = createLedger({ sinks: [sink], logger, bufferMax: 5, closeTimeoutMs: 50 });
    for (let i = 0; i < 8; i++) ledger.record(record(i));
    expect(ledger.stats().down).to.include({ queued: 5, dropped: 3 });
    expect(logs).to.include('records are being DROPPED');
    await ledger.close();
    expect(logs).to.include('could not be written');
  });
});

describe('createJsonlSink', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-ledger-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends one JSON object per line and rotates by size, keeping `keep` old files', async () => {
    const path = join(dir, 'ledger.jsonl');
    const sink = createJsonlSink({ path, rotateBytes: 2_000, keep: 2 });
    for (let i = 0; i < 20; i++) await sink.write([record(i)]);
    await sink.close?.();
    const files = (await readdir(dir)).sort();
    expect(files).to.deep.equal(['ledger.jsonl', 'ledger.jsonl.1', 'ledger.jsonl.2']);
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect((JSON.parse(lines.at(-1) ?? '{}') as LedgerRecord).id).to.equal('req_19');
  });

  it('aggregates usage by team, key, model and provider from the kept files', async () => {
    const path = join(dir, 'ledger.jsonl');
    const sink = createJsonlSink({ path });
    await sink.write(Array.from({ length: 6 }, (_, i) => record(i)));
    await sink.write([record(99, { time: '2020-01-01T00:00:00.000Z', team: 'old' })]);
    const since = parseSince('2026-11-01T00:00:00Z');
    const byTeam = await sink.usage?.({ by: 'team', since });
    expect(byTeam).to.deep.equal([
      {
        group: 'acme',
        requests: 3,
        errors: 0,
        promptTokens: 30,
        completionTokens: 300,
        costUsd: 0.0111,
        chargedUsd: 0.0111,
      },
      {
        group: 'globex',
        requests: 3,
        errors: 0,
        promptTokens: 30,
        completionTokens: 300,
        costUsd: 0.0111,
        chargedUsd: 0.0111,
      },
    ]);
    expect((await sink.usage?.({ by: 'key', since }))?.map((row) => row.group).sort()).to.deep.equal([
      'key_0',
      'key_1',
      'key_2',
    ]);
    await sink.close?.();
  });
});

describe('parseSince', () => {
  it('reads 7d, 24h, 30m and ISO dates, and refuses anything else', () => {
    const now = Date.parse('2026-11-30T00:00:00Z');
    expect(parseSince('7d', now)).to.equal(now - 7 * 86_400_000);
    expect(parseSince('24h', now)).to.equal(now - 86_400_000);
    expect(parseSince('30m', now)).to.equal(now - 1_800_000);
    expect(() => parseSince('soon', now)).to.throw(RangeError);
  });
});
