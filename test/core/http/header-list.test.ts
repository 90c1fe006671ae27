import { expect } from 'chai';
import { headerList } from '../../../core/http/header-list.js';

describe('headerList', () => {
  const base = ['content-type', 'text/event-stream', 'cache-control', 'no-cache'];

  it('appends headers after the base ones, in order', () => {
    expect(headerList(base, { 'x-a': '1', 'x-b': '2' })).to.deep.equal([...base, 'x-a', '1', 'x-b', '2']);
  });

  it('lets a header of both take its value from the headers, sent once', () => {
    expect(headerList(base, { 'cache-control': 'no-store', 'x-a': '1' })).to.deep.equal([
      'content-type',
      'text/event-stream',
      'cache-control',
      'no-store',
      'x-a',
      '1',
    ]);
  });

  it('leaves the base list as it was', () => {
    headerList(base, { 'content-type': 'application/json' });
    expect(base[1]).to.equal('text/event-stream');
  });
});
