/**
 * PII detector benchmark: precision and recall per entity type on the synthetic corpus, false
 * positives on hard negatives, added latency per KB of prompt against in-run baselines, and the
 * worst time of each detector on 100 KB adversarial inputs. Prints markdown; exits 1 on a miss.
 *
 *   node --import tsx bench/pii/pii.bench.ts
 */
import os from 'node:os';
import {
  DETECTORS,
  detectPii,
  ENTITY_TYPES,
  type EntityType,
  type Finding,
} from '../../plugins/guardrails/pii/index.js';
import { buildCorpus, type Sample } from './corpus.js';
import { ADVERSARIAL_INPUTS } from './adversarial.js';

/** Precision and recall floors; the secret formats' 0.95 is ours, the rest come from the issue. */
const QUALITY_TARGETS: Record<EntityType, number> = {
  email: 0.95,
  card: 0.95,
  iban: 0.95,
  ip: 0.95,
  ssn: 0.9,
  phone: 0.8,
  api_key: 0.95,
  private_key: 0.95,
  jwt: 0.95,
};
const MAX_CARD_FP_RATE = 0.01;
const MAX_US_PER_KB = 50;
const MAX_ADVERSARIAL_MS = 50;
const TIMING_ROUNDS = 15;
const WARMUP_PASSES = 5;
const TIMING_BUDGET_MS = 20_000;

const misses: string[] = [];
const check = (ok: boolean, what: string): string => {
  if (!ok) misses.push(what);
  return ok ? 'yes' : '**NO**';
};
const fmt = (n: number, digits = 3): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean =>
  a.start < b.end && b.start < a.end;
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

function quality(corpus: readonly Sample[], findings: readonly Finding[][]): void {
  const stats = new Map(ENTITY_TYPES.map((type) => [type, { tp: 0, fp: 0, fn: 0, exact: 0 }]));
  corpus.forEach((sample, i) => {
    const found = findings[i] ?? [];
    const matched = new Set<Finding>();
    for (const truth of sample.entities) {
      const stat = stats.get(truth.kind)!;
      const hit = found.find((f) => f.type === truth.kind && !matched.has(f) && overlaps(f, truth));
      if (!hit) stat.fn++;
      else {
        matched.add(hit);
        stat.tp++;
        if (hit.start === truth.start && hit.end === truth.end) stat.exact++;
      }
    }
    for (const f of found) if (!matched.has(f)) stats.get(f.type)!.fp++;
  });
  console.log('## Precision and recall per entity type\n');
  console.log('| entity | labelled | TP | FP | FN | precision | recall | exact spans | target | met |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const [type, s] of stats) {
    const precision = s.tp / (s.tp + s.fp);
    const recall = s.tp / (s.tp + s.fn);
    const target = QUALITY_TARGETS[type];
    const met = check(precision >= target && recall >= target, `${type} precision/recall ≥ ${target}`);
    console.log(
      `| ${type} | ${s.tp + s.fn} | ${s.tp} | ${s.fp} | ${s.fn} | ${fmt(precision)} | ${fmt(recall)} | ${s.exact}/${s.tp} | ${target} | ${met} |`,
    );
  }
}

function hardNegatives(corpus: readonly Sample[], findings: readonly Finding[][]): void {
  const byKind = new Map<string, { total: number; card: number; any: number }>();
  let total = 0;
  let asCard = 0;
  corpus.forEach((sample, i) => {
    for (const negative of sample.negatives) {
      const hits = (findings[i] ?? []).filter((f) => overlaps(f, negative));
      const row = byKind.get(negative.kind) ?? { total: 0, card: 0, any: 0 };
      row.total++;
      total++;
      if (hits.some((f) => f.type === 'card')) {
        row.card++;
        asCard++;
      }
      if (hits.length > 0) row.any++;
      byKind.set(negative.kind, row);
    }
  });
  console.log('\n## Hard negatives\n');
  console.log('| kind | count | flagged as card | flagged as anything |');
  console.log('|---|---:|---:|---:|');
  for (const [kind, row] of byKind) console.log(`| ${kind} | ${row.total} | ${row.card} | ${row.any} |`);
  const rate = asCard / total;
  const met = check(rate <= MAX_CARD_FP_RATE, `card false-positive rate ≤ ${MAX_CARD_FP_RATE}`);
  console.log(`\nFlagged as cards: ${asCard}/${total} = ${fmt(rate * 100, 2)}% (target ≤ 1%): ${met}`);
}

interface Timing {
  label: string;
  texts: string[];
  kb: number;
  /** Per round, in ms: detectPii wall time and process CPU time, then the two baselines' wall time. */
  detect: number[];
  detectCpu: number[];
  scan: number[];
  parse: number[];
}

function timed(work: () => void, cpu?: number[]): number {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  work();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpuStart);
  cpu?.push((used.user + used.system) / 1000);
  return wall;
}

/**
 * Interleaves detection and the two baselines round by round, for up to TIMING_ROUNDS rounds within
 * TIMING_BUDGET_MS, so a burst of load on a shared machine hits all three alike.
 */
function measure(label: string, texts: string[]): Timing {
  const bodies = texts.map((text) =>
    JSON.stringify({ model: 'm', messages: [{ role: 'user', content: text }] }),
  );
  const kb = texts.reduce((sum, t) => sum + t.length, 0) / 1024;
  const timing: Timing = { label, texts, kb, detect: [], detectCpu: [], scan: [], parse: [] };
  let sink = 0;
  // Warm-up: a few passes, so the optimizing compiler has run (one pass left TurboFan compiling
  // on background threads during the first timed rounds, which process CPU time counts).
  for (let pass = 0; pass < WARMUP_PASSES; pass++) for (const text of texts) sink += detectPii(text).length;
  const deadline = performance.now() + TIMING_BUDGET_MS / 2;
  for (let round = 0; round < TIMING_ROUNDS && (round < 3 || performance.now() < deadline); round++) {
    timing.detect.push(
      timed(() => texts.forEach((text) => (sink += detectPii(text).length)), timing.detectCpu),
    );
    timing.scan.push(timed(() => texts.forEach((text) => (sink += text.toLowerCase().indexOf('password')))));
    timing.parse.push(timed(() => bodies.forEach((body) => (sink += (JSON.parse(body) as object) ? 1 : 0))));
  }
  if (sink === Number.MIN_VALUE) console.log(sink); // keeps the work observable to the optimizer
  return timing;
}

/**
 * The target is judged on CPU time: on a shared machine, wall time also counts the time this
 * process spent descheduled, which detection does not add to a request. Wall time is shown too.
 */
function latency(corpus: readonly Sample[]): void {
  const messages = corpus.map((sample) => sample.text);
  // Whole requests: consecutive messages joined into conversations of about 4 KB.
  const requests: string[] = [];
  for (let i = 0; i < messages.length; i += 20) requests.push(messages.slice(i, i + 20).join('\n\n'));
  const rows = [measure('per message', messages), measure('per ~4 KB request', requests)];
  console.log(`\n## Added time per KB (median of up to ${TIMING_ROUNDS} interleaved rounds)\n`);
  console.log(
    '| texts | count | KB | CPU µs/KB | wall µs/KB | wall × lowercase+indexOf | wall × JSON.parse | ≤ 50 µs/KB |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const row of rows) {
    const perKb = (ms: number): number => (ms * 1000) / row.kb;
    const [cpu, wall] = [median(row.detectCpu), median(row.detect)];
    const met = check(perKb(cpu) <= MAX_US_PER_KB, `detectPii ${row.label} ≤ ${MAX_US_PER_KB} µs/KB`);
    const ratios = `${fmt(wall / median(row.scan), 1)} | ${fmt(wall / median(row.parse), 1)}`;
    console.log(
      `| ${row.label} | ${row.texts.length} | ${fmt(row.kb, 1)} | ${fmt(perKb(cpu), 1)} | ${fmt(perKb(wall), 1)} | ${ratios} | ${met} |`,
    );
  }
  const [scan, parse] =
    rows.map((row) => [median(row.scan), median(row.parse)].map((ms) => (ms * 1000) / row.kb))[0] ?? [];
  console.log(
    `\nBaselines per message (wall): toLowerCase + indexOf ${fmt(scan ?? NaN, 1)} µs/KB, JSON.parse ${fmt(parse ?? NaN, 1)} µs/KB.`,
  );
}

function adversarial(): void {
  console.log(
    '\n## Adversarial inputs (100 KB each; per detector, the worst input by median CPU time of 5 runs)\n',
  );
  console.log('| detector | worst input | CPU ms | wall ms | ≤ 50 ms |');
  console.log('|---|---|---:|---:|---|');
  const inputs = Object.entries(ADVERSARIAL_INPUTS);
  for (const type of ENTITY_TYPES) {
    let worst = { cpu: 0, wall: 0, input: '' };
    for (const [input, text] of inputs) {
      DETECTORS[type](text);
      const cpu: number[] = [];
      const wall = median([0, 1, 2, 3, 4].map(() => timed(() => DETECTORS[type](text), cpu)));
      if (median(cpu) > worst.cpu) worst = { cpu: median(cpu), wall, input };
    }
    const met = check(
      worst.cpu <= MAX_ADVERSARIAL_MS,
      `${type} on adversarial input ≤ ${MAX_ADVERSARIAL_MS} ms`,
    );
    console.log(`| ${type} | ${worst.input} | ${fmt(worst.cpu, 1)} | ${fmt(worst.wall, 1)} | ${met} |`);
  }
}

const load = (): string =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
const loadBefore = load();
const corpus = buildCorpus();
const findings = corpus.map((sample) => detectPii(sample.text));
console.log(
  `# PII detectors — ${corpus.length} messages, Node ${process.version}, ${os.cpus().length} CPUs\n`,
);
quality(corpus, findings);
hardNegatives(corpus, findings);
latency(corpus);
adversarial();
// Timing on a shared machine is only as good as its quiet: print the load it ran under.
console.log(`\nLoad average before: ${loadBefore}; after: ${load()}.`);
if (misses.length > 0) {
  console.log(`\nMissed targets:\n${misses.map((miss) => `- ${miss}`).join('\n')}`);
  process.exitCode = 1;
} else console.log('\nAll targets met.');
