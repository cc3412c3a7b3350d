// How deep a value podflow keeps may nest. kube-apiserver keeps what its decoders take (10,000
// levels: encoding/json's maxNestingDepth) in free-form fields (RawExtension, FieldsV1); podflow's
// own walkers (JSON.stringify among them) recurse on the JavaScript call stack and give out between
// 3,000 and 5,000 levels, so a value nested deeper than this bound is refused before anything is
// stored, in the decoder's words, rather than stored and then unreadable.

/** The deepest nesting of objects and arrays podflow keeps (kube-apiserver: 10,000). */
export const maxKeptDepth = 2_000;

/**
 * The deepest nesting podflow keeps in a custom resource (kube-apiserver: 10,000). Every level of
 * one is field-managed (its schema is deduced below x-kubernetes-preserve-unknown-fields), and the
 * field-set walkers spend three frames a level: half of maxKeptDepth leaves them room on a cold
 * interpreter's stack, where 2,000 levels ran out of it.
 */
export const maxCustomDepth = 1_000;

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

/**
 * tooDeep of an object but for its metadata.managedFields: their FieldsV1 nest a few levels below
 * the fields they own, and the field manager reads them with its own bound (fieldsV1MaxDepth).
 */
export function objectTooDeep(obj: unknown, limit: number): "{" | "[" | undefined {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj) || !Object.hasOwn(obj, "metadata")) return tooDeep(obj, limit);
  const meta = (obj as Record<string, unknown>).metadata;
  if (meta === null || typeof meta !== "object" || Array.isArray(meta) || !Object.hasOwn(meta, "managedFields")) return tooDeep(obj, limit);
  const rest: Array<[string, unknown]> = Object.entries(obj).filter(([k]) => k !== "metadata");
  const metaRest = Object.entries(meta).filter(([k]) => k !== "managedFields");
  // the object's other fields at its level, the metadata's one level down
  for (const [, v] of rest) if (tooDeep(v, limit - 1) !== undefined) return tooDeep(v, limit - 1);
  for (const [, v] of metaRest) if (tooDeep(v, limit - 2) !== undefined) return tooDeep(v, limit - 2);
  return undefined;
}
