// Structural sharing between versions of a stored object: a write keeps the previous version's
// subtrees wherever they are unchanged, so etcd's history and the watch cache hold what changed,
// not a full copy per revision (a kubelet status update shares the whole spec). Stored versions are
// never mutated, so sharing them is safe; key order is part of "unchanged", as JSON output shows it.

import { isPlain } from "./equal.js";

/**
 * Returns `next` with every subtree equal to the one at the same path in `prev` replaced by prev's
 * (prev itself when all of next equals it). Only `next`'s own unfrozen objects are rewritten.
 */
export function shareUnchanged<T>(next: T, prev: unknown): T {
  return (same(next, prev) ? prev : next) as T;
}

// How far from its position an array element is looked for in the previous version.
const reach = 4;

// True when a and b are equal (keys in the same order); on the way, rewrites next's unequal
// containers to point at prev's equal children.
function same(next: any, prev: any): boolean {
  if (next === prev) return true;
  if (typeof next !== "object" || typeof prev !== "object" || next === null || prev === null) return false;
  const isArray = Array.isArray(next);
  if (isArray !== Array.isArray(prev) || !isPlain(next) || !isPlain(prev)) return false;
  const writable = !Object.isFrozen(next);
  let all = true;
  if (isArray) {
    if (next.length !== prev.length) all = false;
    // next[i] is compared with prev[i + shift], then with its neighbours up to `reach` away:
    // elements inserted into or removed from a sorted list (addresses in Endpoints) move the
    // shift, and the rest of the list still shares.
    let shift = 0;
    for (let i = 0; i < next.length; i++) {
      const j = i + shift;
      if (j >= 0 && j < prev.length && same(next[i], prev[j])) {
        if (writable && next[i] !== prev[j]) next[i] = prev[j];
        continue;
      }
      all = false;
      const matches = (k: number) => k >= 0 && k < prev.length && same(next[i], prev[k]);
      let k = -1;
      for (let d = 1; d <= reach && k < 0; d++) k = matches(j + d) ? j + d : matches(j - d) ? j - d : -1;
      if (k < 0) continue;
      shift += k - j;
      if (writable && next[i] !== prev[k]) next[i] = prev[k];
    }
    return all;
  }
  const nk = Object.keys(next);
  // prev's keys in order without an array of them (plain objects: for-in yields own keys as Object.keys)
  let pi = 0;
  for (const k in prev) if (nk[pi++] !== k) all = false;
  if (nk.length !== pi) all = false;
  // the same keys in the same order: every key of next is prev's own, no need to ask
  const sameKeys = all;
  for (let i = 0; i < nk.length; i++) {
    const k = nk[i]!;
    if (!sameKeys && !Object.hasOwn(prev, k)) {
      all = false;
      continue;
    }
    const a = next[k];
    const b = prev[k];
    if (a === b) continue;
    // unequal leaves (most of an object's values) without a call
    if (typeof a !== "object" || a === null) {
      all = false;
      continue;
    }
    if (same(a, b)) {
      if (writable) next[k] = b;
    } else all = false;
  }
  return all;
}

