// A client's pending requests by request id: a persistent map. Ids are handed out in increasing
// order, so insertion order is id order: a hashed map (immutable.js's Map, keyed by small numbers)
// keeps them, and iteration (tests, state hashes) sorts the ids. An OrderedMap kept the order in a
// second structure, paid for on every request and answer and rebuilt whole as answers left holes.
// A class, so a step's draft never proxies it; never changed after construction.

import { Map as IMap } from "immutable";

/** request id -> pending request, iterated in increasing id order; a value. */
export class PendingMap<V> {
  private constructor(private readonly byId: IMap<number, V>) {}

  static empty<V>(): PendingMap<V> {
    return new PendingMap<V>(IMap());
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: number): V | undefined {
    return this.byId.get(id);
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  /** The map with id -> v: this same value when it holds v there already. */
  set(id: number, v: V): PendingMap<V> {
    const byId = this.byId.set(id, v);
    return byId === this.byId ? this : new PendingMap(byId);
  }

  delete(id: number): PendingMap<V> {
    const byId = this.byId.delete(id);
    return byId === this.byId ? this : new PendingMap(byId);
  }

  keys(): IterableIterator<number> {
    return [...this.byId.keys()].sort((a, b) => a - b).values();
  }

  values(): IterableIterator<V> {
    return [...this.keys()].map((id) => this.byId.get(id)!).values();
  }

  entries(): IterableIterator<[number, V]> {
    return [...this.keys()].map((id): [number, V] => [id, this.byId.get(id)!]).values();
  }

  [Symbol.iterator](): IterableIterator<[number, V]> {
    return this.entries();
  }

  forEach(f: (v: V, id: number) => void): void {
    for (const [id, v] of this.entries()) f(v, id);
  }

  /** As immutable.js's OrderedMap writes itself: an object of the entries (what JSON and state hashes see). */
  toJSON(): Record<string, V> {
    const o: Record<string, V> = {};
    for (const [id, v] of this.entries()) o[id] = v;
    return o;
  }
}
