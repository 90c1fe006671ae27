import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { configValidatorModule, GENERATED_VALIDATOR } from '../../../core/config/generate-validator.js';
import { SCHEMA_HASH } from '../../../core/config/config-validator.generated.js';
import { gatewayConfigSchema } from '../../../core/config/schema.js';
import { schemaHash, schemaIssues } from '../../../core/config/validate.js';

describe('the ahead-of-time configuration validator', () => {
  it('is up to date with the schema (run `npm run generate:config-validator` when this fails)', async () => {
    expect(SCHEMA_HASH).to.equal(schemaHash(gatewayConfigSchema));
    expect(await readFile(GENERATED_VALIDATOR, 'utf8')).to.equal(configValidatorModule());
  });

  it('reports the same issues as ajv compiling the schema at run time', () => {
    const bad = {
      providers: { p: { plugin: '', models: { m: { pricing: { input: -1 } } }, extra: true } },
      server: { port: 'x' },
      routing: { failover: 3 },
    };
    const precompiled = schemaIssues(gatewayConfigSchema, bad);
    // A copy of the schema is not the same object, so it is compiled by ajv here.
    const compiled = schemaIssues(structuredClone(gatewayConfigSchema), bad);
    expect(precompiled).to.have.length.above(2);
    expect(precompiled).to.deep.equal(compiled);
    expect(schemaIssues(gatewayConfigSchema, { providers: {} })).to.deep.equal([]);
  });
});
