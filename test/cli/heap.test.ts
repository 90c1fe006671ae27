import { expect } from 'chai';
import { DEFAULT_HEAP_GROWING_PERCENT, tuneHeap } from '../../cli/heap.js';

describe('switchyard serve: the V8 heap setting', () => {
  it('caps the old generation growth by default', () => {
    expect(tuneHeap({}, [])).to.equal(`--heap-growing-percent=${DEFAULT_HEAP_GROWING_PERCENT}`);
  });

  it('takes SWITCHYARD_HEAP_GROWING_PERCENT, and 0 leaves V8 its own heuristics', () => {
    expect(tuneHeap({ SWITCHYARD_HEAP_GROWING_PERCENT: '80' }, [])).to.equal('--heap-growing-percent=80');
    expect(tuneHeap({ SWITCHYARD_HEAP_GROWING_PERCENT: '0' }, [])).to.equal(undefined);
  });

  it('leaves a value given on the node command line alone', () => {
    expect(tuneHeap({}, ['--heap-growing-percent=20'])).to.equal(undefined);
    expect(tuneHeap({}, ['--heap_growing_percent=20'])).to.equal(undefined);
  });

  it('refuses a value that is not a non-negative integer as a configuration error', () => {
    for (const bad of ['-1', '1.5', 'lots']) {
      expect(() => tuneHeap({ SWITCHYARD_HEAP_GROWING_PERCENT: bad }, []))
        .to.throw(/SWITCHYARD_HEAP_GROWING_PERCENT/)
        .with.property('code', 'SY_ERR_CONFIG_INVALID');
    }
  });
});
