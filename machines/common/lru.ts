// A bounded least-recently-used cache as a persistent value: the shape of k8s.io/utils/lru, which
// client-go's event correlator keeps three of (maxLruCacheEntries 4096 each). A read (get) and a
// write (set) both make a key the most recent; a write past the bound drops the least recent.
// A class, so a step's draft never proxies it; never changed after construction.
//
// Recency is a tick per key, and a queue of the slots written, oldest first; a touch writes a new
// slot and leaves the old one stale (no longer the map's), skipped when it reaches the front. The
// queue is rebuilt from the map when stale slots outnumber live ones, so it stays within twice the
// size. The queue holds the map's own slots, not pairs of its own: one record per entry and touch.

import { Map as IMap, List } from "immutable";

class Slot<V> {
  constructor(
    readonly key: string,
    readonly value: V,
    readonly tick: number,
  ) {}
}

export class Lru<V> {
  private constructor(
    readonly max: number,
    private readonly slots: IMap<string, Slot<V>>,
    private readonly queue: List<Slot<V>>,
    private readonly tick: number,
  ) {}

  static empty<V>(max: number): Lru<V> {
    return new Lru<V>(max, IMap(), List(), 0);
  }

  get size(): number {
    return this.slots.size;
  }

  /** The value of key without making it recent (tests, state hashes, a read the caller writes next). */
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
    const slot = new Slot(key, value, tick);
    let slots = this.slots.set(key, slot);
    let queue = this.queue.push(slot);
    while (slots.size > this.max) {
      const oldest = queue.first()!;
      queue = queue.shift();
      if (slots.get(oldest.key) === oldest) slots = slots.delete(oldest.key);
    }
    if (queue.size > 2 * slots.size + 16) queue = List([...slots.values()].sort((a, b) => a.tick - b.tick));
    return new Lru(this.max, slots, queue, tick);
  }

  /** Keys, least recent first. */
  keys(): string[] {
    return this.ordered().map((s) => s.key);
  }

  /** The entries, least recent first (what JSON and state hashes see). */
  toJSON(): Record<string, V> {
    // no prototype: a key is made of names a client chose
    const o: Record<string, V> = Object.create(null);
    for (const s of this.ordered()) o[s.key] = s.value;
    return o;
  }

  private ordered(): Slot<V>[] {
    return [...this.slots.values()].sort((a, b) => a.tick - b.tick);
  }
}
