// Lookups by string key in immutable.js maps without its string-hash cache. immutable.js remembers
// the hash of at most 255 strings longer than 16 characters, in one object it empties when full:
// with a cluster's thousands of keys ("/registry/pods/ns/name", "ns/name") nearly every get hashed
// its key again and inserted it into that object (a miss costs about ten times a hit). Its trie
// takes the hash as an argument, so these compute immutable's own string hash (the JVM's, folded
// as its smi does) and walk the same trie: the answer is get's, by the same nodes and equality.

import type { Map as IMap, OrderedMap } from "immutable";

// The parts of immutable.js 5's Map and OrderedMap read here (not its public API: keyed.test.ts
// holds the answers to get's over every node kind, and anything else falls back to get).
interface TrieNode {
  get(shift: number, keyHash: number, key: unknown, notSetValue: unknown): unknown;
}
interface Internals {
  readonly _root?: TrieNode;
  readonly _map?: IMap<string, number>;
  readonly _list?: { get(i: number): readonly [string, unknown] | undefined };
  get(key: string): unknown;
}

/** immutable.js's hashString: s[0]*31^(n-1) + ... + s[n-1] in 32 bits, then its smi fold. */
export function stringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (31 * h + s.charCodeAt(i)) | 0;
  return ((h >>> 1) & 0x40000000) | (h & 0xbfffffff);
}

const NOT_SET: unique symbol = Symbol("podflow.notSet");

function lookup(m: Internals, key: string): unknown {
  const index = m._map;
  if (index !== undefined) {
    // an OrderedMap: the entry's place in its list, from its index map
    const i = lookup(index as unknown as Internals, key);
    if (i === NOT_SET) return NOT_SET;
    return m._list!.get(i as number)![1];
  }
  const root = m._root;
  if (root === undefined || root === null) return (m as { size?: number }).size === 0 ? NOT_SET : fallback(m, key);
  return root.get(0, stringHash(key), key, NOT_SET);
}

function fallback(m: Internals, key: string): unknown {
  const v = m.get(key);
  return v === undefined && !(m as unknown as IMap<string, unknown>).has(key) ? NOT_SET : v;
}

/** `m.get(key)` for a string key. */
export function keyed<V>(m: IMap<string, V> | OrderedMap<string, V>, key: string): V | undefined {
  const v = lookup(m as unknown as Internals, key);
  return v === NOT_SET ? undefined : (v as V);
}

/** `m.has(key)` for a string key. */
export function holds(m: IMap<string, unknown> | OrderedMap<string, unknown>, key: string): boolean {
  return lookup(m as unknown as Internals, key) !== NOT_SET;
}
