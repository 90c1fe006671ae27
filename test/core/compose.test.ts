import { expect } from 'chai';
import { compose, type Middleware } from '../../core/compose.js';

describe('compose', () => {
  it('runs middleware as an onion: down in order, back up in reverse', async () => {
    const trail: string[] = [];
    const step =
      (name: string): Middleware<unknown> =>
      async (_ctx, next) => {
        trail.push(`${name}>`);
        await next();
        trail.push(`<${name}`);
      };
    await compose([step('a'), step('b'), step('c')])({}, async () => void trail.push('end'));
    expect(trail).to.deep.equal(['a>', 'b>', 'c>', 'end', '<c', '<b', '<a']);
  });

  it('nests: a composed stack is itself a middleware', async () => {
    const trail: string[] = [];
    const inner = compose<unknown>([async (_c, next) => (trail.push('inner'), next())]);
    await compose<unknown>([async (_c, next) => (trail.push('outer'), next()), inner])(
      {},
      async () => undefined,
    );
    expect(trail).to.deep.equal(['outer', 'inner']);
  });

  it('rejects when next() is called twice', async () => {
    const twice: Middleware<unknown> = async (_c, next) => {
      await next();
      await next();
    };
    let caught: unknown;
    await compose([twice])({}, async () => undefined).catch((e) => (caught = e));
    expect(String(caught)).to.match(/more than once/);
  });

  it('turns a synchronous throw into a rejection the outer stage can catch', async () => {
    const seen: unknown[] = [];
    const outer: Middleware<unknown> = async (_c, next) => {
      try {
        await next();
      } catch (error) {
        seen.push(error);
      }
    };
    const boom = (() => {
      throw new Error('boom');
    }) as unknown as Middleware<unknown>;
    await compose([outer, boom])({}, async () => undefined);
    expect(seen).to.have.length(1);
  });

  it('refuses a stack holding something that is not a function', () => {
    expect(() => compose([42 as unknown as Middleware<unknown>])).to.throw(TypeError);
  });
});
