// Runs Switchyard's provider conformance kit against this plugin, with mocha: `npm test`.
import { describeProviderConformance } from 'switchyard/testing';
import { acmePlugin } from '../index.js';
import { startMockAcme } from './mock-acme.js';

describeProviderConformance({
  name: 'switchyard-provider-example',
  plugin: acmePlugin,
  options: (url) => ({ baseUrl: url, apiKey: 'acme-test-key-0123456789' }),
  startUpstream: startMockAcme,
});
