// A small, pure PRNG (mulberry32): the state is one uint32 kept in a machine's context,
// so every random choice a machine makes is a function of the seed and is replayable.

import { fnv1a32String } from "./fnv.js";

/** Returns [a float in [0,1), the next state]. */
export function nextRandom(state: number): [number, number] {
  const s = (state + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return [((t ^ (t >>> 14)) >>> 0) / 4294967296, s];
}

/** A stateful view over the pure generator, for one transition's worth of draws. */
export class Rng {
  constructor(public state: number) {}
  /** A float in [0,1). */
  next(): number {
    const [v, s] = nextRandom(this.state);
    this.state = s;
    return v;
  }
  /** An integer in [0,n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** `length` characters from Kubernetes' rand.String alphabet (no vowels, no confusable digits). */
  string(length: number): string {
    const alphabet = "bcdfghjklmnpqrstvwxz2456789";
    let s = "";
    for (let i = 0; i < length; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }
  /** A version-4 UUID drawn from this generator. */
  uuid(): string {
    const hex = (n: number) => {
      let s = "";
      for (let i = 0; i < n; i++) s += this.int(16).toString(16);
      return s;
    };
    return `${hex(8)}-${hex(4)}-4${hex(3)}-${"89ab"[this.int(4)]}${hex(3)}-${hex(12)}`;
  }
}

/** Derives a well-mixed initial state from a user seed and a component name. */
export function seedFor(seed: number, name: string): number {
  return fnv1a32String(name, (seed ^ 0x9e3779b9) >>> 0);
}
