// Deep freezing, to prove that a step never changes its input: a frozen snapshot throws on any
// write (strict mode), including Map.set and Set.add, which Object.freeze alone lets through.
// Persistent collections (immutable.js) are values already: only what they hold is frozen.

import { isImmutable } from "immutable";

function refuse(): never {
  throw new TypeError("a frozen snapshot was changed in place: a step must return a new context");
}

const frozen = new WeakSet<object>();

/** Freezes v and everything reachable from it (objects, arrays, Maps, Sets, class instances); returns v. */
export function freezeContext<T>(v: T): T {
  const stack: unknown[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (x === null || typeof x !== "object" || frozen.has(x)) continue;
    frozen.add(x);
    if (ArrayBuffer.isView(x)) continue;
    if (isImmutable(x)) {
      for (const item of (x as unknown as Iterable<unknown>)) stack.push(item);
      continue;
    }
    if (x instanceof Map) {
      for (const [k, item] of x) stack.push(k, item);
      Object.defineProperties(x, { set: { value: refuse }, delete: { value: refuse }, clear: { value: refuse } });
    } else if (x instanceof Set) {
      for (const item of x) stack.push(item);
      Object.defineProperties(x, { add: { value: refuse }, delete: { value: refuse }, clear: { value: refuse } });
    }
    for (const k of Object.keys(x)) stack.push((x as Record<string, unknown>)[k]);
    Object.freeze(x);
  }
  return v;
}
