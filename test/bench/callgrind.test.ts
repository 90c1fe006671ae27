import { expect } from 'chai';
import { functionName, parsePerfMap } from '../../bench/callgrind.js';

describe('bench: callgrind function names', () => {
  const map = parsePerfMap(
    [
      '3000 40 JS:*pull file:///work/main/.bench-out/build/plugins/providers/shared/chunk-stream.js:51:18',
      '1000 100 Builtin:RecordWriteSaveFP',
      'not a line of a perf map',
      '2000 20 RegExp:"finish_reason"\\s*:\\s*',
      '',
    ].join('\n'),
  );

  it('reads the entries in address order and skips what is not one', () => {
    expect(map.starts).to.deep.equal([0x1000, 0x2000, 0x3000]);
  });

  it('names JIT-compiled code by the entry its address falls in, the build path cut off', () => {
    expect(functionName('???:0x0000000000003010 [???]', map)).to.equal(
      'JS:*pull plugins/providers/shared/chunk-stream.js:51:18',
    );
    expect(functionName('???:0x0000000000002000', map)).to.equal('RegExp:"finish_reason"\\s*:\\s*');
  });

  it('leaves an address outside every entry as it is', () => {
    expect(functionName('???:0x0000000000003040 [???]', map)).to.equal('???:0x0000000000003040 [???]');
    expect(functionName('???:0x0000000000000fff', map)).to.equal('???:0x0000000000000fff');
  });

  it('drops the object file and the ??? of functions valgrind has a name for', () => {
    expect(functionName('???:Builtins_LoadIC [/usr/bin/node]', map)).to.equal('Builtins_LoadIC');
    expect(
      functionName('./malloc/./malloc/malloc.c:calloc [/usr/lib/x86_64-linux-gnu/libc.so.6]', map),
    ).to.equal('./malloc/./malloc/malloc.c:calloc');
  });
});
