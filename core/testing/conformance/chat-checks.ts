import { Ajv } from 'ajv';
import { deepStrictEqual } from 'node:assert/strict';
import { PROVIDER_API_VERSION, type Capability } from '../../provider.js';
import { check, PING, pingRequest, type Suite } from './context.js';
import { assertOpenAIShape } from './openai-shapes.js';
import type { ConformanceRunner } from './types.js';

const CAPABILITIES: readonly Capability[] = [
  'chat',
  'streaming',
  'tools',
  'vision',
  'json_schema',
  'embeddings',
  'reasoning',
];

export function contractChecks<O>(t: ConformanceRunner, s: Suite<O>): void {
  t.describe('plugin contract', () => {
    t.it(`declares apiVersion ${PROVIDER_API_VERSION}, a name and known capabilities`, async () => {
      const { plugin } = s.options;
      check(
        plugin.apiVersion === PROVIDER_API_VERSION,
        `apiVersion is ${plugin.apiVersion}, the core speaks ${PROVIDER_API_VERSION}`,
      );
      check(typeof plugin.name === 'string' && plugin.name !== '', 'the plugin needs a name');
      for (const capability of plugin.capabilities)
        check(CAPABILITIES.includes(capability), `unknown capability '${capability}'`);
      check(plugin.capabilities.includes('chat'), "every provider serves 'chat'");
    });

    t.it('has an options schema that accepts the options under test', async () => {
      const validate = new Ajv({ strict: false, allErrors: true }).compile(s.options.plugin.optionsSchema);
      const options = s.options.options(s.upstream().url);
      check(
        validate(options),
        `the options schema refuses the test options: ${JSON.stringify(validate.errors)}`,
      );
    });

    t.it(
      'creates providers whose capabilities match the plugin, with embeddings only when declared',
      async () => {
        const provider = s.provider();
        deepStrictEqual([...provider.capabilities].sort(), [...s.options.plugin.capabilities].sort());
        check(
          (provider.embeddings !== undefined) === s.options.plugin.capabilities.includes('embeddings'),
          "a provider has embeddings() exactly when its plugin declares 'embeddings'",
        );
      },
    );
  });
}

export function chatChecks<O>(t: ConformanceRunner, s: Suite<O>, tools: boolean): void {
  t.describe('chat()', () => {
    t.it('sends one upstream request that carries the upstream model and the messages', async () => {
      const before = s.upstream().requests.length;
      await s.provider().chat(pingRequest, s.call());
      const sent = s.upstream().requests.slice(before);
      check(sent.length === 1, `expected one upstream request, saw ${sent.length}`);
      const { path, body } = sent[0]!;
      const text = JSON.stringify(body);
      check(text.includes(PING), 'the message text is missing from the upstream body');
      const model = s.call().upstreamModel;
      check(
        path.includes(model) || text.includes(model),
        `the upstream model '${model}' is in neither path nor body`,
      );
      check(!text.includes('conformance-catalog-model'), "the catalog's model id leaked upstream");
    });

    t.it(
      "answers a chat.completion that matches OpenAI's schema, with the upstream's text and usage",
      async () => {
        s.upstream().enqueue({ type: 'reply', text: 'conformance pong' });
        const { response, warnings } = await s.provider().chat(pingRequest, s.call());
        assertOpenAIShape('CreateChatCompletionResponse', response);
        check(response.choices[0]?.message.content === 'conformance pong', 'the text did not come through');
        check(
          response.choices[0]?.finish_reason === 'stop',
          `finish_reason is ${response.choices[0]?.finish_reason}`,
        );
        const usage = response.usage;
        check(
          usage !== undefined && usage.total_tokens >= usage.prompt_tokens,
          'usage is missing or inconsistent',
        );
        check(warnings === undefined || Array.isArray(warnings), 'warnings must be an array of strings');
      },
    );

    if (!tools) return;
    t.it('answers tool calls with id, name, JSON arguments and finish_reason tool_calls', async () => {
      const args = { city: 'Paris', days: 3 };
      s.upstream().enqueue({ type: 'tool-call', name: 'get_weather', arguments: args });
      const request = {
        ...pingRequest,
        tools: [
          { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } },
        ],
      };
      const { response } = await s.provider().chat(request, s.call());
      assertOpenAIShape('CreateChatCompletionResponse', response);
      const call = response.choices[0]?.message.tool_calls?.[0];
      check(call !== undefined && typeof call.id === 'string' && call.id !== '', 'no tool call with an id');
      check(call.function.name === 'get_weather', `tool name is ${call.function.name}`);
      deepStrictEqual(JSON.parse(call.function.arguments), args);
      check(response.choices[0]?.finish_reason === 'tool_calls', 'finish_reason should be tool_calls');
    });
  });
}
