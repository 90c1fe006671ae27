import { expect } from 'chai';
import {
  createGateway,
  createSilentLogger,
  defineStage,
  ConfigError,
  type GatewayConfig,
} from '../../index.js';

const providers: GatewayConfig['providers'] = { mock: { plugin: 'mock', models: { 'mock-small': {} } } };
const ask = (url: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'mock-small', messages: [{ role: 'user', content: 'hello' }] }),
  });

const tagStage = defineStage<{ value: string }>({
  name: 'tag',
  optionsSchema: { type: 'object', required: ['value'], properties: { value: { type: 'string' } } },
  create(options) {
    return async function tag(ctx, next) {
      ctx.responseHeaders['x-tag'] = options.value;
      await next();
    };
  },
});

describe('the pipeline from configuration', () => {
  it('adds a custom stage at the configured place, with its options', async () => {
    const gateway = await createGateway(
      {
        providers,
        pipeline: ['accounting', 'auth', { stage: 'tag', options: { value: 'seen' } }, 'policy', 'route'],
      },
      { stages: [tagStage], logger: createSilentLogger() },
    );
    const { url } = await gateway.listen(0);
    try {
      const response = await ask(url);
      expect(response.status).to.equal(200);
      expect(response.headers.get('x-tag')).to.equal('seen');
    } finally {
      await gateway.close();
    }
  });

  it('replaces a built-in stage by registering a factory under its name', async () => {
    const denyAll = defineStage({
      name: 'auth',
      create: () =>
        async function denyAll() {
          throw new (await import('../../index.js')).SwitchyardError(
            'SY_ERR_AUTH_UNAUTHORIZED',
            'nobody today',
          );
        },
    });
    const gateway = await createGateway({ providers }, { stages: [denyAll], logger: createSilentLogger() });
    const { url } = await gateway.listen(0);
    try {
      expect((await ask(url)).status).to.equal(401);
    } finally {
      await gateway.close();
    }
  });

  it('runs without removed stages', async () => {
    const gateway = await createGateway(
      { providers, pipeline: ['policy', 'route'] },
      { logger: createSilentLogger() },
    );
    const { url } = await gateway.listen(0);
    try {
      const response = await ask(url);
      expect(response.status).to.equal(200);
      // accounting was removed, so nobody priced the answer
      expect(response.headers.get('x-switchyard-cost-usd')).to.equal(null);
    } finally {
      await gateway.close();
    }
  });

  it('says that no stage made a routing plan when the pipeline has route but no policy', async () => {
    const gateway = await createGateway({ providers, pipeline: ['route'] }, { logger: createSilentLogger() });
    const { url } = await gateway.listen(0);
    try {
      const response = await ask(url);
      expect(response.status).to.equal(500);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).to.equal('SY_ERR_INTERNAL');
    } finally {
      await gateway.close();
    }
  });

  it('refuses at boot an unknown stage, bad stage options, or a pipeline without route', async () => {
    const attempts: GatewayConfig[] = [
      { providers, pipeline: ['policy', 'nonexistent', 'route'] },
      { providers, pipeline: ['policy', { stage: 'tag', options: {} }, 'route'] },
      { providers, pipeline: ['policy'] },
    ];
    const messages: string[] = [];
    for (const config of attempts) {
      const error = await createGateway(config, { stages: [tagStage], logger: createSilentLogger() }).catch(
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(ConfigError);
      messages.push((error as Error).message);
    }
    expect(messages[0]).to.match(/\/pipeline\/1 names unknown stage 'nonexistent'/);
    expect(messages[1]).to.match(/\/pipeline\/1\/options is missing required property 'value'/);
    expect(messages[2]).to.match(/no 'route' stage/);
  });
});

describe('provider plugins at boot', () => {
  it('refuses a plugin that is not installed, with a clear message', async () => {
    const error = await createGateway(
      { providers: { x: { plugin: 'switchyard-provider-does-not-exist', models: {} } } },
      { logger: createSilentLogger() },
    ).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/neither built in nor installed/);
  });

  it('refuses a plugin with an incompatible apiVersion', async () => {
    const error = await createGateway(
      { providers: { x: { plugin: 'future', models: {} } } },
      {
        logger: createSilentLogger(),
        providerPlugins: [
          {
            apiVersion: 99,
            name: 'future',
            optionsSchema: {},
            capabilities: [],
            create: () => {
              throw new Error('unreachable');
            },
          },
        ],
      },
    ).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/apiVersion 99.*speaks apiVersion 1/);
  });

  it('refuses provider options that fail the plugin’s schema, naming the path', async () => {
    const error = await createGateway(
      { providers: { openai: { plugin: 'openai-compatible', options: { baseUrl: 42 }, models: {} } } },
      { logger: createSilentLogger() },
    ).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/\/providers\/openai\/options\/baseUrl/);
  });
});
