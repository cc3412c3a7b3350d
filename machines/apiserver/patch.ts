// The three patch types kubectl sends: JSON merge patch (RFC 7386), JSON patch (RFC 6902),
// and strategic merge patch (strategicpatch.ts: lists merged by their Go type's merge key).

// Every key and pointer token comes from the client: objects are read and written by own keys
// only (a Go map has no prototype), so "/__proto__/x" is a missing path, as it is in Kubernetes.

import { deepCopy } from "../common/equal.js";
import { getOwn, setOwn } from "../common/own.js";
import { NumberLiteral, goJsonMarshal, rawStringText, setRawStringText } from "./schema/decode.js";
import { strategicMerge, strategicMergeShown } from "./strategicpatch.js";
import { mutant } from "../common/mutation.js";

export { StrategicPatchError, StrategicPatchPanic } from "./strategicpatch.js";

/** A JSON object: a number literal kept as written (NumberLiteral) is a scalar. */
function isObject(v: unknown): v is Record<string, any> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof NumberLiteral);
}

/**
 * RFC 7386: objects merge recursively, null deletes, everything else replaces. The objects to merge
 * wait on an explicit stack, not the call stack: Go's decoders take a patch nested 10,000 deep.
 */
export function mergePatch(target: any, patch: any): any {
  if (!isObject(patch)) return patch;
  const root: Record<string, any> = isObject(target) ? { ...target } : {};
  const pending: Array<[Record<string, any>, Record<string, any>]> = [[root, patch]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [out, p] = next;
    for (const [k, v] of Object.entries(p)) {
      if (v === null && !mutant("patch.merge-null-stored")) delete out[k];
      else if (v === null) setOwn(out, k, v);
      else if (!isObject(v)) setOwn(out, k, v);
      else {
        const cur = getOwn(out, k);
        const merged: Record<string, any> = isObject(cur) ? { ...cur } : {};
        setOwn(out, k, merged);
        pending.push([merged, v]);
      }
    }
  }
  return root;
}

/** Strategic merge: like a merge patch, but lists merge as the Go type's patch markers say (strategicpatch.ts). */
export function strategicMergePatch(target: any, patch: any, kind: string = target?.kind ?? ""): any {
  return strategicMerge(kind, target, patch);
}

/** The same, with the patch map as the merge leaves it (what a failed decoding of the result prints). */
export function strategicMergePatchShown(target: any, patch: any, kind: string): { merged: any; patch: any } {
  return strategicMergeShown(kind, target, patch);
}

/** A patch that cannot be applied to the object (the API server answers 422). */
export class PatchError extends Error {}

/** A JSON patch that does not decode as a list of operations (the API server answers 400). */
export class PatchDecodeError extends Error {}

/** A JSON patch of more operations than the patch handler takes (the API server answers 413). */
export class PatchTooLargeError extends Error {}

/** handlers/patch.go maxJSONPatchOperations: more operations than this are refused before any is applied. */
export const maxJsonPatchOperations = 10_000;

/**
 * kube-apiserver's JSONPatchMaxCopyBytes default (3 MiB), which it sets as json-patch's
 * AccumulatedCopySizeLimit: "copy" is the one operation whose output outgrows the patch (a copy of
 * a subtree into itself doubles it), so the bytes all copies of a patch add are bounded.
 */
export const jsonPatchMaxCopyBytes = 3 * 1024 * 1024;

/**
 * The size json-patch's deepCopy counts for a copied value: the length of its JSON, which Go's
 * encoder writes with <, >, & as \u003c and U+2028, U+2029 as \u2028, a number literal as it came.
 */
function copiedBytes(v: unknown): number {
  return Buffer.byteLength(goJsonMarshal(v));
}

function unescapePointerToken(s: string): string {
  return s.replace(/~1/g, "/").replace(/~0/g, "~");
}

/**
 * A path's tokens as json-patch v4's findObject splits it: on every "/", the first part dropped
 * whatever it holds ("a/b" names /b), and a path with no "/" names no container. "" is the
 * document itself, which only replace and test take; the other operations refuse it (rootless).
 */
function pointer(path: unknown, field: string): string[] {
  if (typeof path !== "string") throw new PatchError(`operation missing ${field} field`);
  if (path === "") return [];
  const split = path.split("/");
  if (split.length < 2) throw new PatchError(`doc is missing path: "${path}"`);
  return split.slice(1).map(unescapePointerToken);
}

/** findObject's nil container for the document itself: add, remove, move and copy take no path "". */
function rootless(p: string[], what: string): string[] {
  if (p.length === 0) throw new PatchError(`${what} operation does not apply: doc is missing path: ""`);
  return p;
}

function clone<T>(v: T): T {
  return v === undefined ? v : deepCopy(v);
}

/** An array index as Go's strconv.Atoi reads it, or undefined. */
function index(k: string): number | undefined {
  return /^[+-]?[0-9]+$/.test(k) ? Number(k) : undefined;
}

/**
 * The element a token names in an array of `length` elements, as json-patch v4's partialArray
 * get, set and remove resolve it: kube-apiserver leaves SupportNegativeIndices at its default
 * (true), so -1 is the last element; undefined when the token names none.
 */
function elementAt(k: string, length: number): number | undefined {
  const i = index(k);
  if (i === undefined || i >= length || i < -length) return undefined;
  return i < 0 ? i + length : i;
}

/** Where partialArray.add inserts at a token: "-" appends, and a negative index counts from the end of the grown array. */
function insertAt(k: string, length: number): number | undefined {
  return k === "-" ? length : elementAt(k, length + 1);
}

/** The child at one pointer token: an own key of an object or an element of an array, else undefined. */
function child(o: unknown, k: string): unknown {
  if (Array.isArray(o)) {
    const i = elementAt(k, o.length);
    return i === undefined ? undefined : o[i];
  }
  return isObject(o) ? getOwn(o, k) : undefined;
}

/** Go's name for a JSON value's type in an unmarshal error. */
function goJsonType(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  if (typeof v === "boolean") return "bool";
  if (v instanceof NumberLiteral) return "number";
  return typeof v === "object" ? "object" : typeof v;
}

/** A number as JSON text: a literal as the patch wrote it, a stored value as Go's encoder writes it. */
function numberText(v: number | NumberLiteral): string {
  return v instanceof NumberLiteral ? v.text : JSON.stringify(v);
}

/**
 * json-patch v4's lazyNode.equal, which the test operation uses: objects and arrays compare member
 * by member, and a scalar by its compact JSON bytes. The stored object reaches the patch as Go's
 * encoder wrote it, the test value as the client wrote it: 1.0 or 1e0 is not 1, and "a&b" is not
 * a stored "a&b" (Go wrote "a\u0026b"). `want` is the operation's value, `holder` and `key` where
 * it stands in the parsed patch. Iterative: values may nest 10,000 deep.
 */
function testValueEquals(have: unknown, haveText: string | undefined, holder: object, key: string): boolean {
  // haveText: the bytes an earlier operation of this patch wrote the tested string as
  let haveRaw = haveText;
  const pending: Array<[unknown, object, string]> = [[have, holder, key]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop(), haveRaw = undefined) {
    const [x, parent, k] = next;
    const y: unknown = Array.isArray(parent) ? parent[Number(k)] : getOwn(parent as Record<string, unknown>, k);
    const xn = typeof x === "number" || x instanceof NumberLiteral;
    const yn = typeof y === "number" || y instanceof NumberLiteral;
    if (xn || yn) {
      if (!xn || !yn || numberText(x) !== numberText(y)) return false;
    } else if (typeof x === "string" || typeof y === "string") {
      if (typeof x !== "string" || typeof y !== "string" || (haveRaw ?? goJsonMarshal(x)) !== (rawStringText(parent, k) ?? goJsonMarshal(y))) return false;
    } else if (Array.isArray(x) || Array.isArray(y)) {
      if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) pending.push([x[i], y, String(i)]);
    } else if (isObject(x) || isObject(y)) {
      if (!isObject(x) || !isObject(y)) return false;
      const keys = Object.keys(x).filter((j) => x[j] !== undefined);
      if (keys.length !== Object.keys(y).filter((j) => y[j] !== undefined).length) return false;
      for (const j of keys) {
        if (!Object.hasOwn(y, j)) return false;
        pending.push([x[j], y, j]);
      }
    } else if (x !== y) return false;
  }
  return true;
}

/**
 * The value an add or replace writes: an operation without one writes Operation.value()'s nil
 * node, which the patched document marshals as null, as it does a value of null.
 */
function opValue(op: Record<string, unknown>): unknown {
  const v = getOwn(op, "value");
  return v === undefined ? null : clone(v);
}

/** RFC 6902 JSON patch: add, remove, replace, move, copy, test. Throws PatchDecodeError or PatchError. */
export function jsonPatch(doc: any, ops: unknown): any {
  if (ops === null) return clone(doc);
  if (!Array.isArray(ops)) throw new PatchDecodeError(`json: cannot unmarshal ${goJsonType(ops)} into Go value of type jsonpatch.Patch`);
  for (const op of ops) {
    if (op !== null && !isObject(op)) throw new PatchDecodeError(`json: cannot unmarshal ${goJsonType(op)} into Go value of type jsonpatch.Operation`);
  }
  if (ops.length > maxJsonPatchOperations) throw new PatchTooLargeError(`The allowed maximum operations in a JSON patch is ${maxJsonPatchOperations}, got ${ops.length}`);
  let root = clone(doc);
  let copied = 0;
  for (const op of ops as (Record<string, unknown> | null)[]) {
    const kind = op === null ? "unknown" : getOwn(op, "op");
    const get = (p: string[]) => p.reduce<unknown>((o, k) => child(o, k), root);
    const parentOf = (p: string[], what: string) => {
      const parent = get(p.slice(0, -1));
      if (!isObject(parent) && !Array.isArray(parent)) throw new PatchError(`${what} operation does not apply: doc is missing path: "${getOwn(op!, "path")}": missing value`);
      return parent;
    };
    const put = (p: string[], value: unknown, insert: boolean) => {
      if (p.length === 0) {
        root = value;
        return;
      }
      const parent = parentOf(p, String(kind));
      const k = p[p.length - 1]!;
      if (Array.isArray(parent)) {
        const i = insert ? insertAt(k, parent.length) : elementAt(k, parent.length);
        if (i === undefined) throw new PatchError(`${kind} operation does not apply: doc is missing path: "${getOwn(op!, "path")}": missing value`);
        if (insert) parent.splice(i, 0, value);
        else parent[i] = value;
      } else {
        setOwn(parent, k, value);
        // a string the patch wrote keeps its bytes for a later test (kept for object members only)
        setRawStringText(parent, k, typeof value === "string" && (kind === "add" || kind === "replace") ? rawStringText(op!, "value") : undefined);
      }
    };
    const remove = (p: string[], what: string) => {
      const parent = parentOf(p, what);
      const k = p[p.length - 1]!;
      if (get(p) === undefined) throw new PatchError(`${what} operation does not apply: doc is missing path: "${getOwn(op!, "path")}": missing value`);
      if (Array.isArray(parent)) parent.splice(elementAt(k, parent.length)!, 1);
      else delete parent[k];
    };
    switch (kind) {
      case "add":
        put(rootless(pointer(getOwn(op!, "path"), "path"), "add"), opValue(op!), true);
        break;
      case "remove":
        remove(rootless(pointer(getOwn(op!, "path"), "path"), "remove"), "remove");
        break;
      case "replace": {
        const path = pointer(getOwn(op!, "path"), "path");
        if (path.length === 0) {
          // replace of "": an object or array becomes the document; a scalar (no doc, no array)
          // returns errors.Wrapf of a nil error, which is no error: the document stays as it was
          const v = getOwn(op!, "value");
          if (v === undefined) throw new PatchError("replace operation value must be object or array");
          if (v === null || typeof v === "object") root = clone(v);
          break;
        }
        if (get(path) === undefined) throw new PatchError(`replace operation does not apply: doc is missing key: ${getOwn(op!, "path")}: missing value`);
        put(path, opValue(op!), false);
        break;
      }
      case "move": {
        const from = rootless(pointer(getOwn(op!, "from"), "from"), "move");
        const v = get(from);
        if (v === undefined) throw new PatchError(`move operation does not apply: doc is missing from path: ${getOwn(op!, "from")}: missing value`);
        remove(from, "move");
        put(rootless(pointer(getOwn(op!, "path"), "path"), "move"), v, true);
        break;
      }
      case "copy": {
        const v = get(rootless(pointer(getOwn(op!, "from"), "from"), "copy"));
        if (v === undefined) throw new PatchError(`copy operation does not apply: doc is missing from path: ${getOwn(op!, "from")}: missing value`);
        // counted before the copy is made, so a doubling patch stops at the limit, not at the heap's
        copied += copiedBytes(v);
        if (copied > jsonPatchMaxCopyBytes) throw new PatchError(`Unable to complete the copy, the accumulated size increase of copy is ${copied}, exceeding the limit ${jsonPatchMaxCopyBytes}`);
        put(rootless(pointer(getOwn(op!, "path"), "path"), "copy"), clone(v), true);
        break;
      }
      case "test": {
        const path = pointer(getOwn(op!, "path"), "path");
        const want = getOwn(op!, "value");
        const have = get(path);
        // a value missing or null passes a test of null or of no value (json-patch's nil nodes)
        const none = (v: unknown) => v === undefined || v === null;
        const holder = path.length > 0 ? get(path.slice(0, -1)) : undefined;
        const haveText = isObject(holder) ? rawStringText(holder, path[path.length - 1]!) : undefined;
        if (!(none(have) && none(want)) && !testValueEquals(have, haveText, op!, "value")) throw new PatchError(`testing value ${getOwn(op!, "path")} failed: test failed`);
        break;
      }
      default:
        throw new PatchError(`Unexpected kind: ${String(kind)}`);
    }
  }
  return root;
}
