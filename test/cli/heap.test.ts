import { expect } from 'chai';
import { DEFAULT_HEAP_GROWING_PERCENT, tuneHeap } from '../../cli/heap.js';

describe('switchyard serve: the V8 heap setting', () => {
  const PRETENURING_OFF = '--no-allocation-site-pretenuring';

  it('caps the old generation growth and turns allocation-site pretenuring off by default', () => {
    expect(tuneHeap({}, [])).to.deep.equal([
      `--heap-growing-percent=${DEFAULT_HEAP_GROWING_PERCENT}`,
      PRETENURING_OFF,
    ]);
  });

  it('takes SWITCHYARD_HEAP_GROWING_PERCENT, and 0 leaves V8 its own heuristics', () => {
    expect(tuneHeap({ SWITCHYARD_HEAP_GROWING_PERCENT: '80' }, [])).to.deep.equal([
      '--heap-growing-percent=80',
      PRETENURING_OFF,
    ]);
    expect(tuneHeap({ SWITCHYARD_HEAP_GROWING_PERCENT: '0' }, [])).to.deep.equal([PRETENURING_OFF]);
  });

  it('keeps pretenuring with SWITCHYARD_ALLOCATION_SITE_PRETENURING=1', () => {
    const env = { SWITCHYARD_ALLOCATION_SITE_PRETENURING: '1', SWITCHYARD_HEAP_GROWING_PERCENT: '0' };
    expect(tuneHeap(env, [])).to.deep.equal([]);
    expect(tuneHeap({ SWITCHYARD_ALLOCATION_SITE_PRETENURING: '0' }, [])).to.include(PRETENURING_OFF);
  });

  it('leaves values given on the node command line alone', () => {
    expect(tuneHeap({}, ['--heap-growing-percent=20'])).to.deep.equal([PRETENURING_OFF]);
    expect(tuneHeap({}, ['--heap_growing_percent=20', '--allocation-site-pretenuring'])).to.deep.equal([]);
    expect(tuneHeap({}, ['--no_allocation_site_pretenuring'])).to.deep.equal([
      `--heap-growing-percent=${DEFAULT_HEAP_GROWING_PERCENT}`,
    ]);
  });

  it('refuses a value that is not a non-negative integer as a configuration error', () => {
    for (const bad of ['-1', '1.5', 'lots']) {
      expect(() => tuneHeap({ SWITCHYARD_HEAP_GROWING_PERCENT: bad }, []))
        .to.throw(/SWITCHYARD_HEAP_GROWING_PERCENT/)
        .with.property('code', 'SY_ERR_CONFIG_INVALID');
    }
  });

  it('refuses a pretenuring setting other than 0 or 1', () => {
    for (const bad of ['yes', '2', 'off']) {
      expect(() => tuneHeap({ SWITCHYARD_ALLOCATION_SITE_PRETENURING: bad }, []))
        .to.throw(/SWITCHYARD_ALLOCATION_SITE_PRETENURING/)
        .with.property('code', 'SY_ERR_CONFIG_INVALID');
    }
  });
});
