import { expect } from 'chai';
import { cacheControls } from '../../../core/cache/index.js';

describe('cacheControls', () => {
  it('reads and writes by default', () => {
    expect(cacheControls({})).to.deep.equal({ read: true, write: true, maxAgeSeconds: undefined });
  });

  it('no-store bypasses both ways', () => {
    expect(cacheControls({ 'cache-control': 'No-Store' })).to.include({ read: false, write: false });
  });

  it('refresh and no-cache skip the read but write', () => {
    expect(cacheControls({ 'x-switchyard-cache': 'refresh' })).to.include({ read: false, write: true });
    expect(cacheControls({ 'cache-control': 'no-cache' })).to.include({ read: false, write: true });
  });

  it('max-age bounds the age read and the TTL written; max-age=0 neither reads nor writes', () => {
    expect(cacheControls({ 'cache-control': 'private, max-age=30' })).to.deep.equal({
      read: true,
      write: true,
      maxAgeSeconds: 30,
    });
    expect(cacheControls({ 'cache-control': 'max-age=0' })).to.include({ read: false, write: false });
  });
});
