import { expect } from 'chai';
import { LiveSet } from '../../core/live-set.js';

describe('LiveSet', () => {
  it('adds, finds and deletes members, keeping each once', () => {
    const set = new LiveSet<{ id: number }>();
    const a = { id: 1 };
    const b = { id: 2 };
    set.add(a);
    set.add(b);
    set.add(a);
    expect(set.size).to.equal(2);
    expect(set.has(a)).to.equal(true);
    expect(set.delete(a)).to.equal(true);
    expect(set.delete(a)).to.equal(false);
    expect(set.has(a)).to.equal(false);
    expect(set.has(b)).to.equal(true);
    expect(set.snapshot()).to.deep.equal([b]);
  });

  it('keeps every other member findable when one from the middle leaves', () => {
    const set = new LiveSet<{ id: number }>();
    const members = Array.from({ length: 6 }, (_, id) => ({ id }));
    for (const member of members) set.add(member);
    set.delete(members[1] as { id: number });
    set.delete(members[4] as { id: number });
    const left = [0, 2, 3, 5].map((id) => members[id] as { id: number });
    for (const member of left) expect(set.has(member)).to.equal(true);
    expect(
      set
        .snapshot()
        .map((member) => member.id)
        .sort(),
    ).to.deep.equal([0, 2, 3, 5]);
    for (const member of left) expect(set.delete(member)).to.equal(true);
    expect(set.size).to.equal(0);
  });

  it('keeps the membership of each set apart, for shared members and strangers alike', () => {
    const first = new LiveSet<object>();
    const second = new LiveSet<object>();
    const shared = {};
    const mine = {};
    const theirs = {};
    first.add(mine);
    first.add(shared);
    second.add(shared);
    second.add(theirs);
    first.delete(shared);
    expect(second.has(shared)).to.equal(true);
    expect(first.has(shared)).to.equal(false);
    expect(first.has(mine)).to.equal(true);
    expect(first.has(theirs)).to.equal(false);
    expect(first.delete(theirs)).to.equal(false);
    expect(first.size).to.equal(1);
    expect(second.size).to.equal(2);
  });

  it('hands out a snapshot the caller may change the set under', () => {
    const set = new LiveSet<{ id: number }>();
    const members = Array.from({ length: 4 }, (_, id) => ({ id }));
    for (const member of members) set.add(member);
    const seen: number[] = [];
    for (const member of set.snapshot()) {
      seen.push(member.id);
      set.delete(member);
    }
    expect(seen.sort()).to.deep.equal([0, 1, 2, 3]);
    expect(set.size).to.equal(0);
  });
});
