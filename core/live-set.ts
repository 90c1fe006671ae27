/**
 * The set of what is in flight right now (requests, streams), for collections that live as long
 * as the gateway while their members come and go at request rate.
 *
 * Not a `Set`: V8 rehashes a Set's table as members come and go, and a replaced table keeps its
 * members and a pointer to the table that replaced it (for iterators still walking it). Once such
 * a Set's table has been promoted to the old generation, every table replaced after it stays
 * reachable from there until a full collection, each holding the requests it held, long ended:
 * the young-generation collector must treat them as alive, so each request's whole object graph
 * (request, response, headers, context, stream) was promoted and left for the full collector.
 * Measured under load at c=64, a gateway process settled in that state after its first full
 * collection and stayed there: about 800 KB promoted per scavenge instead of 35 KB, scavenges
 * 2.4 ms instead of 1, about 10 µs of collector time per request (docs/benchmarks.md, "Tenth
 * session").
 *
 * Here members sit in a plain array and each remembers its slot, under a key of this set's own:
 * adding appends, deleting moves the last member into the freed slot. Nothing is rehashed and no
 * removed member stays referenced.
 */
export class LiveSet<T extends object> {
  readonly #members: T[] = [];
  /** Where a member keeps its slot in this set (a key per set, so one object can be in several). */
  readonly #slot: symbol = Symbol('switchyard.liveSetSlot');

  get size(): number {
    return this.#members.length;
  }

  /** Adds `member`; adding a member twice keeps one. */
  add(member: T): void {
    if (this.has(member)) return;
    (member as Record<symbol, number>)[this.#slot] = this.#members.length;
    this.#members.push(member);
  }

  has(member: T): boolean {
    const slot = this.#slotOf(member);
    return slot >= 0 && this.#members[slot] === member;
  }

  /** Removes `member`; false when it was not here. */
  delete(member: T): boolean {
    const members = this.#members;
    const slot = this.#slotOf(member);
    if (slot < 0 || members[slot] !== member) return false;
    const last = members.pop() as T;
    if (last !== member) {
      members[slot] = last;
      (last as Record<symbol, number>)[this.#slot] = slot;
    }
    (member as Record<symbol, number>)[this.#slot] = -1;
    return true;
  }

  /** Where `member` sits in this set, or -1. */
  #slotOf(member: T): number {
    return (member as Record<symbol, number | undefined>)[this.#slot] ?? -1;
  }

  /** The members now, as a copy: the caller may add and delete while walking it. */
  snapshot(): T[] {
    return this.#members.slice();
  }
}
