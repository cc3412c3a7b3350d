// How deep a value podflow keeps may nest. kube-apiserver keeps what its decoders take (10,000
// levels: encoding/json's maxNestingDepth) in free-form fields (RawExtension, FieldsV1); podflow's
// own walkers (JSON.stringify among them) recurse on the JavaScript call stack and give out between
// 3,000 and 5,000 levels, so a value nested deeper than this bound is refused before anything is
// stored, in the decoder's words, rather than stored and then unreadable.

/** The deepest nesting of objects and arrays podflow keeps (kube-apiserver: 10,000). */
export const maxKeptDepth = 2_000;

/**
 * The bracket of the first object or array nested past `limit` levels ('{' or '['), in the order
 * JSON writes the value, or undefined when none is. Walks with an explicit stack.
 */
export function tooDeep(v: unknown, limit = maxKeptDepth): "{" | "[" | undefined {
  const stack: Array<[unknown, number]> = [[v, 1]];
  while (stack.length > 0) {
    const [x, depth] = stack.pop()!;
    if (x === null || typeof x !== "object") continue;
    if (depth > limit) return Array.isArray(x) ? "[" : "{";
    const children = Array.isArray(x) ? x : Object.values(x);
    // pushed last first, so the first child is walked first
    for (let i = children.length - 1; i >= 0; i--) if (children[i] !== null && typeof children[i] === "object") stack.push([children[i], depth + 1]);
  }
  return undefined;
}

/**
 * `decode()`, or "tooDeep" when it ran out of call stack: the typed decoders walk a kept value
 * recursively, so only a value nested far past maxKeptDepth gets them there.
 */
export function orTooDeep<T>(decode: () => T): T | "tooDeep" {
  try {
    return decode();
  } catch (e) {
    if (e instanceof RangeError && /Maximum call stack size exceeded/.test(e.message)) return "tooDeep";
    throw e;
  }
}
