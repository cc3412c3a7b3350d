// The three patch types kubectl sends: JSON merge patch (RFC 7386), JSON patch (RFC 6902),
// and strategic merge patch (lists of objects merged by their Kubernetes merge key).

import { deepCopy } from "../common/equal.js";

/** Merge keys of the lists strategic merge patch merges instead of replacing. */
const mergeKeys: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  env: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  ports: "containerPort",
  conditions: "type",
  imagePullSecrets: "name",
  hostAliases: "ip",
  ownerReferences: "uid",
  finalizers: "",
  readinessGates: "conditionType",
};

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** RFC 7386: objects merge recursively, null deletes, everything else replaces. */
export function mergePatch(target: any, patch: any): any {
  if (!isObject(patch)) return patch;
  const out: Record<string, any> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Strategic merge: like a merge patch, but lists with a merge key merge element by element. */
export function strategicMergePatch(target: any, patch: any, field = ""): any {
  if (Array.isArray(patch)) {
    const key = mergeKeys[field];
    if (key === undefined || !Array.isArray(target)) return patch;
    if (key === "") return [...new Set([...target, ...patch])]; // a set of scalars
    const out = target.map((x: any) => x);
    for (const item of patch) {
      if (isObject(item) && item["$patch"] === "delete") {
        const i = out.findIndex((x: any) => x?.[key] === item[key]);
        if (i >= 0) out.splice(i, 1);
        continue;
      }
      const i = out.findIndex((x: any) => isObject(x) && isObject(item) && x[key] === item[key]);
      if (i >= 0) out[i] = strategicMergePatch(out[i], item);
      else out.push(item);
    }
    return out;
  }
  if (!isObject(patch)) return patch;
  if (patch["$patch"] === "replace") {
    const { $patch: _, ...rest } = patch;
    return rest;
  }
  const out: Record<string, any> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith("$")) continue;
    if (v === null) delete out[k];
    else out[k] = strategicMergePatch(out[k], v, k);
  }
  return out;
}

export class PatchError extends Error {}

function unescape(s: string): string {
  return s.replace(/~1/g, "/").replace(/~0/g, "~");
}

function pointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw new PatchError(`invalid JSON pointer: "${path}"`);
  return path.slice(1).split("/").map(unescape);
}

function clone<T>(v: T): T {
  return v === undefined ? v : deepCopy(v);
}

/** RFC 6902 JSON patch: add, remove, replace, move, copy, test. Throws PatchError on a bad op. */
export function jsonPatch(doc: any, ops: any): any {
  if (!Array.isArray(ops)) throw new PatchError("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  let root = clone(doc);
  for (const op of ops) {
    const path = pointer(op.path ?? "");
    const get = (p: string[]) => p.reduce((o: any, k) => (o === undefined ? undefined : Array.isArray(o) ? o[k === "-" ? o.length : Number(k)] : o[k]), root);
    const parentOf = (p: string[]) => {
      const parent = get(p.slice(0, -1));
      if (parent === undefined || typeof parent !== "object") throw new PatchError(`doc is missing path: "${op.path}": missing value`);
      return parent;
    };
    const put = (p: string[], value: any, insert: boolean) => {
      if (p.length === 0) {
        root = value;
        return;
      }
      const parent = parentOf(p);
      const k = p[p.length - 1]!;
      if (Array.isArray(parent)) {
        const i = k === "-" ? parent.length : Number(k);
        if (!Number.isInteger(i) || i < 0 || i > parent.length) throw new PatchError(`add operation does not apply: doc is missing path: "${op.path}": missing value`);
        if (insert) parent.splice(i, 0, value);
        else parent[i] = value;
      } else parent[k] = value;
    };
    const remove = (p: string[]) => {
      const parent = parentOf(p);
      const k = p[p.length - 1]!;
      if (get(p) === undefined) throw new PatchError(`remove operation does not apply: doc is missing path: "${op.path}": missing value`);
      if (Array.isArray(parent)) parent.splice(Number(k), 1);
      else delete parent[k];
    };
    switch (op.op) {
      case "add":
        put(path, clone(op.value), true);
        break;
      case "remove":
        remove(path);
        break;
      case "replace":
        if (get(path) === undefined) throw new PatchError(`replace operation does not apply: doc is missing key: ${op.path}: missing value`);
        put(path, clone(op.value), false);
        break;
      case "move": {
        const from = pointer(op.from ?? "");
        const v = get(from);
        remove(from);
        put(path, v, true);
        break;
      }
      case "copy":
        put(path, clone(get(pointer(op.from ?? ""))), true);
        break;
      case "test":
        if (JSON.stringify(get(path)) !== JSON.stringify(op.value)) throw new PatchError(`testing value ${op.path} failed: test failed`);
        break;
      default:
        throw new PatchError(`Unexpected kind: ${op.op}`);
    }
  }
  return root;
}
