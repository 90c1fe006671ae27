import { expect } from 'chai';
import { CircuitBreaker, CIRCUIT_OPEN, PROBE_IN_FLIGHT } from '../../../core/health/circuit-breaker.js';
import { BREAKER_DEFAULTS } from '../../../core/health/circuit-breaker.js';
import { createProviderHealth } from '../../../core/health/provider-health.js';
import { SwitchyardError } from '../../../core/errors/switchyard-error.js';
import type { CatalogEntry } from '../../../core/catalog.js';

const settings = {
  ...BREAKER_DEFAULTS,
  failureThreshold: 3,
  minRequests: 10,
  windowMs: 10_000,
  cooldownMs: 1_000,
};

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures, and a success in between resets the count', () => {
    const changes: string[] = [];
    const breaker = new CircuitBreaker(settings, (to) => changes.push(to));
    breaker.failure(0);
    breaker.failure(1);
    breaker.success(2);
    breaker.failure(3);
    breaker.failure(4);
    expect(breaker.state(5)).to.equal('closed');
    breaker.failure(5);
    expect(breaker.state(6)).to.equal('open');
    expect(breaker.rejection(6)).to.equal(CIRCUIT_OPEN);
    expect(changes).to.deep.equal(['open']);
  });

  it('opens on the error rate over the window once it holds minRequests attempts', () => {
    const breaker = new CircuitBreaker({ ...settings, failureThreshold: 100 });
    // Every other attempt fails: never two in a row, but half of the window.
    for (let i = 0; i < 10; i++) {
      if (i % 2 === 1) breaker.failure(i);
      else breaker.success(i);
    }
    expect(breaker.state(10)).to.equal('open');
    expect(breaker.snapshot(10).reason).to.equal('5 of 10 attempts failed');
  });

  it('forgets failures older than the window', () => {
    const breaker = new CircuitBreaker({ ...settings, failureThreshold: 100, minRequests: 4 });
    breaker.failure(0);
    breaker.failure(1);
    breaker.failure(2);
    // 20 s later the old failures are out of the window: 1 failure of 4 attempts is 25 %.
    breaker.success(20_000);
    breaker.success(20_001);
    breaker.success(20_002);
    breaker.failure(20_003);
    expect(breaker.state(20_004)).to.equal('closed');
    expect(breaker.snapshot(20_004).window).to.deep.equal({ attempts: 4, failures: 1 });
  });

  it('goes half-open after the cool-down, lets one probe through, and closes on its success', () => {
    const changes: string[] = [];
    const breaker = new CircuitBreaker(settings, (to) => changes.push(to));
    for (let i = 0; i < 3; i++) breaker.failure(i);
    expect(breaker.rejection(500)).to.equal(CIRCUIT_OPEN);
    expect(breaker.state(1_002)).to.equal('half-open');
    expect(breaker.rejection(1_002)).to.equal(undefined);
    breaker.started(1_002);
    expect(breaker.rejection(1_003), 'a second request waits for the probe').to.equal(PROBE_IN_FLIGHT);
    breaker.success(1_010);
    expect(breaker.state(1_011)).to.equal('closed');
    expect(breaker.rejection(1_011)).to.equal(undefined);
    expect(changes).to.deep.equal(['open', 'closed']);
  });

  it('reopens for another cool-down when the probe fails', () => {
    const breaker = new CircuitBreaker(settings);
    for (let i = 0; i < 3; i++) breaker.failure(i);
    breaker.started(1_500);
    breaker.failure(1_600);
    expect(breaker.state(1_700)).to.equal('open');
    expect(breaker.state(2_599)).to.equal('open');
    expect(breaker.state(2_600)).to.equal('half-open');
  });

  it('lets another probe through when the first never reported back', () => {
    const breaker = new CircuitBreaker(settings);
    for (let i = 0; i < 3; i++) breaker.failure(i);
    breaker.started(1_100);
    expect(breaker.rejection(1_200)).to.equal(PROBE_IN_FLIGHT);
    expect(breaker.rejection(2_100)).to.equal(undefined);
  });
});

describe('createProviderHealth', () => {
  const entry = { ref: 'p0/m', provider: 'p0', model: 'm' } as CatalogEntry;
  const retryable = new SwitchyardError('SY_ERR_UPSTREAM_SERVER_ERROR', 'boom');

  it('counts only retryable upstream failures, never client errors or aborted attempts', () => {
    let now = 0;
    const health = createProviderHealth({ config: { failureThreshold: 2 }, now: () => now });
    for (let i = 0; i < 5; i++) {
      health.settled(entry, new SwitchyardError('SY_ERR_UPSTREAM_BAD_REQUEST', 'bad'), false);
      health.settled(entry, retryable, true);
      health.settled(entry, new SwitchyardError('SY_ERR_CLIENT_CLOSED', 'gone'), false);
    }
    expect(health.state('p0/m')).to.equal('closed');
    health.settled(entry, retryable, false);
    health.settled(entry, retryable, false);
    now = 1;
    expect(health.state('p0/m')).to.equal('open');
    expect(health.circuit('p0/m')).to.equal(CIRCUIT_OPEN);
    expect(health.circuit('p1/m')).to.equal(undefined);
  });

  it('lets everything through when switched off', () => {
    const health = createProviderHealth({ config: { enabled: false, failureThreshold: 1 }, now: () => 0 });
    health.settled(entry, retryable, false);
    expect(health.circuit('p0/m')).to.equal(undefined);
    expect(health.report([entry]).providers[0]?.state).to.equal('closed');
  });
});
