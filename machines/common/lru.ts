// A bounded least-recently-used cache as a persistent value: the shape of k8s.io/utils/lru, which
// client-go's event correlator keeps three of (maxLruCacheEntries 4096 each). A read (get) and a
// write (set) both make a key the most recent; a write past the bound drops the least recent.
// A class, so a step's draft never proxies it; never changed after construction.
//
// Recency is a tick per key, and a queue of (key, tick) oldest first; a touch pushes a new pair and
// leaves the old one stale, skipped when it reaches the front. The queue is rebuilt from the map when
// stale pairs outnumber live ones, so it stays within twice the size.

import { Map as IMap, List } from "immutable";

interface Slot<V> {
  readonly value: V;
  readonly tick: number;
}

export class Lru<V> {
  private constructor(
    readonly max: number,
    private readonly slots: IMap<string, Slot<V>>,
    private readonly queue: List<readonly [string, number]>,
    private readonly tick: number,
  ) {}

  static empty<V>(max: number): Lru<V> {
    return new Lru<V>(max, IMap(), List(), 0);
  }

  get size(): number {
    return this.slots.size;
  }

  /** The value of key without making it recent (tests, state hashes). */
  peek(key: string): V | undefined {
    return this.slots.get(key)?.value;
  }

  /** The value of key and the cache with key made the most recent, as lru.Cache.Get does. */
  get(key: string): [V | undefined, Lru<V>] {
    const slot = this.slots.get(key);
    return slot ? [slot.value, this.set(key, slot.value)] : [undefined, this];
  }

  /** The cache with key -> value as the most recent entry; the least recent goes when it is full. */
  set(key: string, value: V): Lru<V> {
    const tick = this.tick + 1;
    let slots = this.slots.set(key, { value, tick });
    let queue = this.queue.push([key, tick] as const);
    while (slots.size > this.max) {
      const [k, t] = queue.first()!;
      queue = queue.shift();
      if (slots.get(k)?.tick === t) slots = slots.delete(k);
    }
    if (queue.size > 2 * slots.size + 16) queue = List([...slots.entries()].sort((a, b) => a[1].tick - b[1].tick).map(([k, s]) => [k, s.tick] as const));
    return new Lru(this.max, slots, queue, tick);
  }

  /** Keys, least recent first. */
  keys(): string[] {
    return [...this.slots.entries()].sort((a, b) => a[1].tick - b[1].tick).map(([k]) => k);
  }

  /** The entries, least recent first (what JSON and state hashes see). */
  toJSON(): Record<string, V> {
    // no prototype: a key is made of names a client chose
    const o: Record<string, V> = Object.create(null);
    for (const k of this.keys()) o[k] = this.slots.get(k)!.value;
    return o;
  }
}
