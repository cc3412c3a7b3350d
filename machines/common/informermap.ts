// A client's informers by watch id: a persistent map of a few entries (a component keeps one to a
// dozen informers), replaced on every watch event. immutable.js's Map pays its generic key
// comparison (`is`, shared with every key type) on each get and set; this one compares numbers.
// A class, so a step's draft never proxies it; never changed after construction.

/** watch id -> informer, in insertion order (a replaced entry keeps its place); a value. */
export class InformerMap<V> {
  private constructor(
    private readonly ids: readonly number[],
    private readonly vals: readonly V[],
  ) {}

  static empty<V>(): InformerMap<V> {
    return new InformerMap<V>([], []);
  }

  get size(): number {
    return this.ids.length;
  }

  get(id: number): V | undefined {
    const ids = this.ids;
    for (let i = 0; i < ids.length; i++) if (ids[i] === id) return this.vals[i];
    return undefined;
  }

  has(id: number): boolean {
    return this.ids.includes(id);
  }

  /** The map with id -> v: this same value when it holds v there already. */
  set(id: number, v: V): InformerMap<V> {
    const i = this.ids.indexOf(id);
    if (i < 0) return new InformerMap([...this.ids, id], [...this.vals, v]);
    if (this.vals[i] === v) return this;
    const vals = this.vals.slice();
    vals[i] = v;
    return new InformerMap(this.ids, vals);
  }

  delete(id: number): InformerMap<V> {
    const i = this.ids.indexOf(id);
    if (i < 0) return this;
    return new InformerMap(this.ids.filter((_, j) => j !== i), this.vals.filter((_, j) => j !== i));
  }

  keys(): IterableIterator<number> {
    return this.ids.values();
  }

  values(): IterableIterator<V> {
    return this.vals.values();
  }

  *entries(): IterableIterator<[number, V]> {
    for (let i = 0; i < this.ids.length; i++) yield [this.ids[i]!, this.vals[i]!];
  }

  [Symbol.iterator](): IterableIterator<[number, V]> {
    return this.entries();
  }

  forEach(f: (v: V, id: number) => void): void {
    for (let i = 0; i < this.ids.length; i++) f(this.vals[i]!, this.ids[i]!);
  }

  /** As immutable.js's Map writes itself: an object of the entries (what JSON and state hashes see). */
  toJSON(): Record<string, V> {
    const o: Record<string, V> = {};
    for (let i = 0; i < this.ids.length; i++) o[this.ids[i]!] = this.vals[i]!;
    return o;
  }
}
