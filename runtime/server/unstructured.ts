// A custom resource is unstructured in kube-apiserver (a map[string]interface{}), and encoding/json
// writes a map's keys sorted: its answers list every key in byte order, its metadata included, and
// its lists carry metadata.continue even when empty (UnstructuredList.SetContinue always sets it).
import { aggregatedGroups, resources } from "../../machines/apiserver/resources.js";

/** Groups whose kinds are Go structs: every built-in group, meta.k8s.io's Table and PartialObjectMetadata, aggregated APIs. */
const typedGroups: ReadonlySet<string> = new Set([...resources.map((r) => r.group), "meta.k8s.io", ...aggregatedGroups.keys()]);

/** Whether an answer is a custom resource or a list of them: its apiVersion's group is none of the built-in ones. */
export function isUnstructured(o: Record<string, unknown>): boolean {
  const v = o.apiVersion;
  if (typeof v !== "string" || v === "") return false;
  const slash = v.indexOf("/");
  return !typedGroups.has(slash < 0 ? "" : v.slice(0, slash));
}

function isPlain(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object" || Array.isArray(x)) return false;
  const p = Object.getPrototypeOf(x);
  return p === Object.prototype || p === null;
}

/** A value with every plain object's keys in byte order (json.Marshal of a map; values such as number literals are kept as they are). */
export function keysSorted(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(keysSorted);
    return items.some((x, i) => x !== v[i]) ? items : v;
  }
  if (!isPlain(v)) return v;
  const keys = Object.keys(v);
  const order = [...keys].sort();
  let changed = order.some((k, i) => k !== keys[i]);
  const values = order.map((k) => {
    const x = keysSorted(v[k]);
    if (x !== v[k]) changed = true;
    return x;
  });
  if (!changed) return v;
  const out: Record<string, unknown> = {};
  order.forEach((k, i) => Object.defineProperty(out, k, { value: values[i], enumerable: true, writable: true, configurable: true }));
  return out;
}

/** A custom resource or its list as kube-apiserver encodes it: keys sorted, and a list's metadata.continue always present. */
export function unstructuredAnswer(o: Record<string, unknown>): unknown {
  const isList = Array.isArray(o.items) && typeof o.kind === "string" && o.kind.endsWith("List");
  if (isList && isPlain(o.metadata) && !Object.hasOwn(o.metadata, "continue")) return keysSorted({ ...o, metadata: { ...o.metadata, continue: "" } });
  return keysSorted(o);
}
