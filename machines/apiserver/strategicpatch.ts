// Strategic merge patch as apimachinery's strategicpatch.StrategicMergeMapPatch applies it on the
// server (MergeParallelList, IgnoreUnmatchedNulls): a list merges element by element only where
// the Go type's field says `patchStrategy:"merge"`, by that field's own `patchMergeKey` (Service
// spec.ports by port, a container's ports by containerPort), else it is replaced; the directives
// $patch (replace, delete), $retainKeys, $setElementOrder/<list> and $deleteFromPrimitiveList/<list>
// are honoured. Every key comes from the client: objects are read and written by own keys only.

import { deepCopy } from "../common/equal.js";
import { NumberLiteral } from "../common/numberliteral.js";
import { getOwn, hasOwn, setOwn } from "../common/own.js";
import { schemaData } from "./schema/schemadata.js";
import { patchMeta } from "./schema/patchmeta.js";
import { goFormatS, goFormatValue, goNumberType } from "./schema/decode.js";
import { mutant } from "../common/mutation.js";
import { goQuote } from "../common/goquote.js";
import { sliceStable } from "../common/gosort.js";

type JMap = Record<string, any>;

/** A strategic merge patch the server cannot apply, with the HTTP code interpretStrategicMergePatchError gives it. */
export class StrategicPatchError extends Error {
  constructor(message: string, readonly code: 400 | 422 | 500) {
    super(message);
  }
}

/**
 * An input on which apimachinery's merge code panics (a Go runtime error, not an error value): the
 * API server's panic recovery answers it, never the patch handler's error path.
 */
export class StrategicPatchPanic extends Error {}

// mergepatch's errors: the format errors are BadRequest, the rest reach the client as a bare 500.
const badFormat = {
  primitiveList: () => new StrategicPatchError("invalid patch format of primitive list", 400),
  retainKeys: () => new StrategicPatchError("invalid patch format of retainKeys", 400),
  setElementOrder: () => new StrategicPatchError("invalid patch format of setElementOrder list", 400),
};
const noMergeKey = (m: unknown, key: string) => new StrategicPatchError(`map: ${goFormatValue(m)} does not contain declared merge key: ${key}`, 500);
// ErrBadPatchType prints the directive with %s: one that is no string shows as %!s(int64=5)
const badPatchType = (t: unknown, m: unknown) => new StrategicPatchError(`unknown patch type: ${goFormatS(t)} in map: ${goFormatValue(m)}`, 500);

const directiveMarker = "$patch";
const retainKeysDirective = "$retainKeys";
const deletePrefix = "$deleteFromPrimitiveList";
const orderPrefix = "$setElementOrder";

function isMap(v: unknown): v is JMap {
  // an int64 past 2^53 (NumberLiteral) is a number, not a map
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof NumberLiteral);
}

/** Go's reflect kind of a decoded JSON value, for "same type" checks. */
function kindOf(v: unknown): string {
  if (v === null || v === undefined) return "nil";
  if (Array.isArray(v)) return "slice";
  if (v instanceof NumberLiteral) return "number";
  return typeof v === "object" ? "map" : typeof v;
}

// ---- the schema: a Go type key and what a field of it says --------------------------------

/** The Go types a patch is applied by: their fields' types and their fields' patch markers. */
export interface PatchSchema {
  types: Record<string, { fields: Record<string, string> } | { underlying: string } | { alias: string } | { custom: string }>;
  meta: Record<string, Record<string, { ps?: string; pk?: string }>>;
}

/** The served kinds' schema: k8s.io/api v0.35's types and struct tags. */
export const apiSchema: PatchSchema = { types: schemaData.types, meta: patchMeta };

interface FieldMeta {
  /** the field's type, "" when unknown */
  type: string;
  /** the field's type expression as declared (pointers and lists kept), "" when unknown */
  expr: string;
  strategy: string;
  mergeKey: string;
}

/** A type expression without pointers and slices: a struct key, a map type, or a builtin. */
function elemType(schema: PatchSchema, expr: string): string {
  let e = expr;
  while (e.startsWith("*") || e.startsWith("[]")) e = e.startsWith("*") ? e.slice(1) : e.slice(2);
  const def = getOwn(schema.types as Record<string, any>, e);
  if (def && "alias" in def) return elemType(schema, def.alias);
  return e;
}

/** forkedjson.LookupPatchMetadata with extractRetainKeysPatchStrategy: the field's type, list strategy and merge key. */
function lookup(schema: PatchSchema, typeExpr: string, field: string): FieldMeta {
  const type = elemType(schema, typeExpr);
  // A map's keys are data, not fields: every value has the map's value type.
  if (type.startsWith("map[")) return { type: elemType(schema, type.slice(type.indexOf("]") + 1)), expr: type.slice(type.indexOf("]") + 1), strategy: "", mergeKey: "" };
  const def = getOwn(schema.types as Record<string, any>, type);
  const name = def && "fields" in def ? fieldName(def.fields, field) : undefined;
  const expr = name !== undefined ? getOwn<string>(def.fields, name) : undefined;
  const meta = name !== undefined ? getOwn(getOwn(schema.meta, type) ?? {}, name) : undefined;
  const strategies = (meta?.ps ?? "").split(",").filter((s) => s !== "");
  const strategy = strategies.filter((s) => s !== "retainKeys")[0] ?? "";
  return { type: expr !== undefined ? elemType(schema, expr) : "", expr: expr ?? "", strategy, mergeKey: meta?.pk ?? "" };
}

/** The field encoding/json would decode a key into: the exact name first, else the first that folds to it (bytes.EqualFold). */
function fieldName(fields: Record<string, string>, key: string): string | undefined {
  if (hasOwn(fields, key)) return key;
  // the Kelvin sign and the long s are the runes outside ASCII that fold to an ASCII letter
  const fold = (s: string) => s.replace(/\u212a/g, "k").replace(/\u017f/g, "s").toLowerCase();
  const want = fold(key);
  return Object.keys(fields).find((f) => fold(f) === want);
}

// Go structs whose fields all carry json:"-": no key of a patch names one of them.
const noJSONFields = new Set(["runtime.RawExtension", "meta/v1.FieldsV1"]);

/**
 * PatchMetaFromStruct's LookupPatchMetadataForStruct, as mergeMap calls it where the live value and
 * the patch's are both maps or both lists: the type must be a struct (after one pointer) with a
 * field of that JSON name. A type the schema does not describe field by field is not judged.
 */
function lookupStruct(sc: PatchSchema, typeExpr: string, field: string): FieldMeta {
  const t = resolveNamed(sc, typeExpr.startsWith("*") ? typeExpr.slice(1) : typeExpr);
  if (t.startsWith("map[")) throw new StrategicPatchError("merging an object in json but data type is not struct, instead is: map", 500);
  if (noJSONFields.has(t) || (goStruct(sc, t) && fieldName(getOwn<any>(sc.types, t).fields, field) === undefined)) {
    throw new StrategicPatchError(`unable to find api field in struct ${t.slice(t.lastIndexOf(".") + 1)} for the json field ${goQuote(field)}`, 500);
  }
  return lookup(sc, typeExpr, field);
}

/**
 * LookupPatchMetadataForSlice: lookupStruct, then the field must be a list (or a pointer); its
 * error names the kind of the struct's own type (a pointer's is "ptr"), as apimachinery's does.
 */
function lookupSlice(sc: PatchSchema, typeExpr: string, field: string): FieldMeta {
  const f = lookupStruct(sc, typeExpr, field);
  if (f.expr === "" && !goStruct(sc, resolveNamed(sc, typeExpr.replace(/^\*/, "")))) return f;
  const t = resolveNamed(sc, f.expr);
  if (t.startsWith("[]")) {
    if (resolveNamed(sc, t.slice(2)).startsWith("[]")) throw new StrategicPatchError("unexpected slice of slice", 500);
    return f;
  }
  if (t.startsWith("*")) return f;
  throw new StrategicPatchError(`expected slice or array type, but got: ${typeExpr.startsWith("*") ? "ptr" : "struct"}`, 500);
}

/** A named type's underlying type expression (a named list or map is one for reflect's Kind). */
function resolveNamed(sc: PatchSchema, expr: string): string {
  const def = getOwn(sc.types as Record<string, any>, expr);
  if (def && "alias" in def) return resolveNamed(sc, def.alias);
  if (def && "underlying" in def && /^(\[\]|map\[)/.test(def.underlying)) return def.underlying;
  return expr;
}

/** reflect.Kind's name of a type expression (PatchMetaFromStruct.Name): custom types are Go structs too. */
function goKind(sc: PatchSchema, expr: string): string {
  if (expr.startsWith("*")) return "ptr";
  if (expr.startsWith("[]")) return "slice";
  if (expr.startsWith("map[")) return "map";
  const def = getOwn(sc.types as Record<string, any>, expr);
  if (def && "alias" in def) return goKind(sc, def.alias);
  if (def && "underlying" in def) return goKind(sc, def.underlying);
  if (def || expr === "") return "struct";
  return expr === "byte" ? "uint8" : expr;
}

function goStruct(sc: PatchSchema, expr: string): boolean {
  const def = getOwn(sc.types as Record<string, any>, expr);
  return def !== undefined && "fields" in def;
}

// ---- the merge -----------------------------------------------------------------------------

/** Applies a strategic merge patch to `original` (a decoded object of `kind`); returns a new value, never changing either. */
export function strategicMerge(kind: string, original: unknown, patch: unknown): any {
  return strategicMergeShown(kind, original, patch).merged;
}

/**
 * The merged object, and the patch map as the merge leaves it: apimachinery's mergeMap works on the
 * handler's own patch map, deleting $retainKeys, $setElementOrder lists, a replace's $patch and a
 * new value's nulls and directives from it, and a failed decoding of the result prints that map.
 */
export function strategicMergeShown(kind: string, original: unknown, patch: unknown): { merged: any; patch: any } {
  return strategicMergeByShown(apiSchema, getOwn(schemaData.roots, kind) ?? "", original, patch);
}

/** The same, by any schema and root type (apimachinery's tests use their own MergeItem type). */
export function strategicMergeBy(schema: PatchSchema, root: string, original: unknown, patch: unknown): any {
  return strategicMergeByShown(schema, root, original, patch).merged;
}

function strategicMergeByShown(schema: PatchSchema, root: string, original: unknown, patch: unknown): { merged: any; patch: any } {
  if (!isMap(patch)) throw new StrategicPatchError("invalid JSON document", 400);
  const own = deepCopy(patch);
  return { merged: mergeMap(schema, isMap(original) ? deepCopy(original) : {}, own, root), patch: own };
}

function mergeMap(sc: PatchSchema, original: JMap | undefined, patch: JMap, type: string): JMap {
  if (hasOwn(patch, directiveMarker)) return directiveInMap(getOwn(patch, directiveMarker), patch);
  const out: JMap = original ?? {};
  applyRetainKeys(out, patch);
  mergeOrderedLists(sc, out, patch, type);
  for (const key of Object.keys(patch)) {
    let k = key;
    const patchV = patch[key];
    let isDeleteList = false;
    if (k.startsWith(deletePrefix)) {
      k = extractKey(k, deletePrefix, badFormat.primitiveList);
      isDeleteList = true;
    }
    if (patchV === null) {
      if (hasOwn(out, k)) delete out[k];
      continue;
    }
    const cur = hasOwn(out, k) ? out[k] : undefined;
    if (!hasOwn(out, k) || kindOf(cur) !== kindOf(patchV)) {
      // a value the live object lacks (or holds as another type) is taken without its nulls and
      // directives; a parallel deletion list for a list not there deletes nothing (apimachinery 918d3680)
      if (!isDeleteList) takePatchValue(out, k, patchV);
      continue;
    }
    if (isMap(cur)) {
      const f = lookupStruct(sc, type, k);
      setOwn(out, k, f.strategy === "replace" ? patchV : mergeMap(sc, cur, patchV, f.expr));
    } else if (Array.isArray(cur)) {
      const f = lookupSlice(sc, type, k);
      // a deletion list deletes whatever the list's strategy (mergeSliceHandler)
      setOwn(out, k, f.strategy === "merge" || isDeleteList ? mergeSlice(sc, cur, patchV, sliceElem(f.expr), f.mergeKey, isDeleteList) : patchV);
    } else takePatchValue(out, k, patchV);
  }
  return out;
}

/** mergeMap's discardNullValuesFromPatch then removeDirectives: a directive's map is dropped, with the key when it is the value. */
function takePatchValue(out: JMap, k: string, patchV: unknown): void {
  discardNulls(patchV);
  const [v, keep] = removeDirectives(patchV);
  if (keep) setOwn(out, k, v);
  else delete out[k];
}

/** discardNullValuesFromPatch: null values leave every map of the (merge's own) patch, in lists too; a list's nulls stay. */
function discardNulls(v: unknown): void {
  // a loop, not recursion: a patch nests 10,000 deep
  const work: unknown[] = [v];
  for (let x = work.pop(); x !== undefined; x = work.pop()) {
    if (Array.isArray(x)) {
      for (const e of x) if (e !== null) work.push(e);
    }
    else if (isMap(x)) {
      for (const k of Object.keys(x)) {
        if (x[k] === null) delete x[k];
        else work.push(x[k]);
      }
    }
  }
}

/**
 * removeDirectives on the merge's own patch: a map holding $patch is not kept; below, such maps
 * leave their maps (in place) and lists (rebuilt, as Go appends the kept elements to a new slice).
 */
function removeDirectives(v: unknown): [unknown, boolean] {
  const directive = (x: unknown) => isMap(x) && hasOwn(x, directiveMarker);
  if (directive(v)) return [undefined, false];
  const top = Array.isArray(v) ? [] : v;
  const work: Array<[any, any]> = Array.isArray(v) ? [[v, top]] : isMap(v) ? [[v, v]] : [];
  for (let item = work.pop(); item !== undefined; item = work.pop()) {
    const [src, dst] = item;
    if (Array.isArray(src)) {
      for (const x of src) {
        if (directive(x)) continue;
        const y = Array.isArray(x) ? [] : x;
        dst.push(y);
        if (Array.isArray(x) || isMap(x)) work.push([x, y]);
      }
      continue;
    }
    for (const k of Object.keys(src)) {
      const x = src[k];
      if (directive(x)) delete src[k];
      else if (Array.isArray(x)) {
        const y: unknown[] = [];
        src[k] = y;
        work.push([x, y]);
      } else if (isMap(x)) work.push([x, x]);
    }
  }
  return [top, true];
}

/** A list type expression's element type expression (through one pointer, as LookupPatchMetadataForSlice goes). */
function sliceElem(expr: string): string {
  const e = expr.startsWith("*") ? expr.slice(1) : expr;
  return e.startsWith("[]") ? e.slice(2) : e;
}

/** handleDirectiveInMergeMap: `$patch: replace` keeps the patch alone, `$patch: delete` leaves an empty map. */
function directiveInMap(directive: unknown, patch: JMap): JMap {
  if (directive === "replace") {
    // the patch map itself, without the directive (the merge's own copy)
    delete patch[directiveMarker];
    return patch;
  }
  if (directive === "delete") return {};
  throw badPatchType(directive, patch);
}

function extractKey(s: string, prefix: string, err: () => StrategicPatchError): string {
  const slash = s.indexOf("/");
  if (slash < 0 || s.slice(0, slash) !== prefix) throw err();
  return s.slice(slash + 1);
}

/** applyRetainKeysDirective: every key the patch sets must be listed; the original keeps only the listed keys. */
function applyRetainKeys(original: JMap, patch: JMap): void {
  if (!hasOwn(patch, retainKeysDirective)) return;
  const list = patch[retainKeysDirective];
  delete patch[retainKeysDirective];
  if (!Array.isArray(list)) throw badFormat.retainKeys();
  // applyRetainKeysDirective puts each element in a map[interface{}]struct{}: a map or a list is an unhashable key
  for (const v of list) if (isMap(v) || Array.isArray(v)) throw new StrategicPatchPanic(`runtime error: hash of unhashable type ${goTypeName(v)}`);
  const keep = new Set(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(deletePrefix) || k.startsWith(orderPrefix)) continue;
    if (!keep.has(k)) throw badFormat.retainKeys();
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** mergePatchIntoOriginal: each $setElementOrder/<list> merges its list and puts it in the order given. */
function mergeOrderedLists(sc: PatchSchema, original: JMap, patch: JMap, type: string): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(orderPrefix)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw new StrategicPatchError(`expected a []interface {}, but received a ${goTypeName(order)}`, 500);
    const field = extractKey(key, orderPrefix, badFormat.setElementOrder);
    const foundOriginal = hasOwn(original, field);
    const foundPatch = hasOwn(patch, field);
    const originalList = foundOriginal ? original[field] : undefined;
    const patchList = foundPatch ? patch[field] : undefined;
    if (foundOriginal && !Array.isArray(originalList)) throw new StrategicPatchError(`expected a []interface {}, but received a ${goTypeName(originalList)}`, 500);
    if (foundPatch && !Array.isArray(patchList)) throw new StrategicPatchError(`expected a []interface {}, but received a ${goTypeName(patchList)}`, 500);
    const f = lookupSlice(sc, type, field);
    validatePatchWithSetOrderList(patchList ?? [], order, f.mergeKey);
    let merged: any[];
    if (foundOriginal && !foundPatch) merged = originalList;
    else if (!foundOriginal && foundPatch) merged = removeDirectives(patchList)[0] as any[];
    else if (foundOriginal && foundPatch) merged = f.strategy === "merge" ? mergeSlice(sc, originalList, patchList, sliceElem(f.expr), f.mergeKey, false) : patchList;
    else return;
    const [patchItems, serverOnly] = f.mergeKey === "" ? partitionPrimitives(merged, order) : partitionMaps(merged, order, f.mergeKey);
    const kind = sliceElementKind([originalList ?? [], patchList ?? []]);
    const serverOrder = foundOriginal && foundPatch && f.strategy === "merge" && kind === "map" ? aliasedOriginal(originalList, patchList, f.mergeKey) : (originalList ?? []);
    setOwn(original, field, normalizeElementOrder(patchItems, serverOnly, order, serverOrder, f.mergeKey, kind));
    delete patch[field];
  }
}

/**
 * The original list as Go's mergePatchIntoOriginal reads it back after mergeSlice: mergeSlice shares its
 * backing array, so deleteMatchingEntries' `append(original[:k], original[k+1:]...)` shifts the items left
 * in place and mergeSliceWithoutSpecialElements' appends then land in the freed slots (up to the original
 * length; past it Go reallocates). normalizeElementOrder orders the server-only items by this view, which
 * is why patch_test.go's "add map and delete map from merging list" puts a server-only item before an added
 * one. (Lists of scalars do not alias in kube-apiserver: ToUnstructured makes slices with no spare capacity.)
 */
function aliasedOriginal(originalList: any[], patchList: any[], mergeKey: string): any[] {
  const cap = originalList.length;
  const keyOf = (x: any) => (isMap(x) && hasOwn(x, mergeKey) ? { key: x[mergeKey] } : undefined);
  // where each merge key value stands in the original, in order
  const at = new Map<unknown, number[]>();
  originalList.forEach((x, i) => {
    const k = keyOf(x);
    if (!k) return;
    const l = at.get(k.key);
    if (l) l.push(i);
    else at.set(k.key, [i]);
  });
  // Each removal shifts the live items after it left, so the slot the live prefix leaves keeps the
  // item that was last before the removal: tail[slot] is that item.
  const gone = new Set<number>();
  const tail = new Map<number, any>();
  let n = cap;
  let lastLive = cap - 1;
  let replaced = false;
  for (const v of patchList) {
    if (!isMap(v) || !hasOwn(v, directiveMarker)) continue;
    if (v[directiveMarker] === "replace") replaced = true;
    if (v[directiveMarker] !== "delete") continue;
    for (const i of at.get(keyOf(v)?.key) ?? []) {
      if (gone.has(i)) continue;
      tail.set(n - 1, originalList[lastLive]);
      gone.add(i);
      n--;
      while (lastLive >= 0 && gone.has(lastLive)) lastLive--;
    }
    if (hasOwn(v, mergeKey)) at.delete(v[mergeKey]);
  }
  const backing = originalList.filter((_, i) => !gone.has(i));
  for (let i = n; i < cap; i++) backing.push(tail.get(i));
  // after a replace the list merged into is the patch's own: no further write reaches this array
  if (replaced) return backing;
  const live = new Set<unknown>();
  for (let i = 0; i < n; i++) {
    const k = keyOf(backing[i]);
    if (k) live.add(k.key);
  }
  for (const v of patchList) {
    if (!isMap(v) || hasOwn(v, directiveMarker)) continue;
    const k = keyOf(v);
    if (k && live.has(k.key)) continue;
    if (n === cap) break;
    backing[n] = v;
    if (k) live.add(k.key);
    n++;
  }
  return backing;
}

/**
 * reflect.TypeOf of a decoded value as %s prints it: sigs.k8s.io/json's PreserveInts makes an
 * integer literal an int64 (a float64 past int64's range), nil is no type at all.
 */
function goTypeName(v: unknown): string {
  const k = kindOf(v);
  if (k === "number") return goNumberType(v as number | NumberLiteral);
  return k === "map" ? "map[string]interface {}" : k === "slice" ? "[]interface {}" : k === "boolean" ? "bool" : k === "nil" ? "%!s(<nil>)" : k;
}

/** validatePatchWithSetOrderList: the patch's items appear in the $setElementOrder list, in its order. */
function validatePatchWithSetOrderList(patchList: any[], order: any[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey !== "" ? extractToDelete(patchList)[0] : patchList;
  let p = 0;
  let s = 0;
  while (p < nonDelete.length && s < order.length) {
    if (isMap(nonDelete[p]) && hasOwn(nonDelete[p], directiveMarker)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(nonDelete[p], order[s], mergeKey)) p++;
    s++;
  }
  if (p < nonDelete.length && s >= order.length) {
    throw new StrategicPatchError(`The order in patch list:\n${goFormatValue(patchList)}\n doesn't match ${orderPrefix} list:\n${goFormatValue(order)}\n`, 500);
  }
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (mergeKey === "") return left === right;
  if (!isMap(left) || !isMap(right)) throw new StrategicPatchError(`expected a map[string]interface {}, but received a ${goTypeName(isMap(left) ? right : left)}`, 500);
  if (!hasOwn(left, mergeKey)) throw noMergeKey(left, mergeKey);
  if (!hasOwn(right, mergeKey)) throw noMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

/** sliceElementType: the one kind of every element (lists of lists are not supported). */
function sliceElementKind(slices: any[][]): string {
  let prev: string | undefined;
  let prevType = "";
  for (const s of slices) {
    for (const v of s) {
      const k = kindOf(v);
      // reflect.TypeOf(nil) is a nil Type, and sliceElementType calls its Kind(): a nil dereference
      if (prev === undefined && v === null) throw new StrategicPatchPanic("runtime error: invalid memory address or nil pointer dereference");
      if (prev === undefined) {
        if (k === "slice") throw new StrategicPatchError("lists of lists are not supported", 422);
        prev = k;
        prevType = goTypeName(v);
      } else if (prevType !== goTypeName(v)) throw new StrategicPatchError(`list element types are not identical: [${slices.map((x) => goFormatValue(x)).join(" ")}]`, 500);
    }
  }
  if (prev === undefined) throw new StrategicPatchError("no elements in any of the given slices", 500);
  return prev;
}

/** mergeSlice: scalars are unioned (or deleted by a parallel list); maps merge by the merge key; then the order is enforced. */
function mergeSlice(sc: PatchSchema, original: any[], patch: any[], type: string, mergeKey: string, isDeleteList: boolean): any[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind([original, patch]);
  let merged: any[];
  let orig = original;
  let pat = patch;
  if (kind !== "map") {
    if (isDeleteList) {
      const gone = new Set(patch);
      return original.filter((v) => !gone.has(v));
    }
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (mergeKey === "") throw new StrategicPatchError(`cannot merge lists without merge key for ${goKind(sc, type)}`, 500);
    [orig, pat] = mergeSliceWithSpecialElements(original, patch, mergeKey);
    merged = mergeSliceWithoutSpecialElements(sc, [...orig], pat, mergeKey, type);
  }
  const [patchItems, serverOnly] = mergeKey === "" ? partitionPrimitives(merged, pat) : partitionMaps(merged, pat, mergeKey);
  return normalizeElementOrder(patchItems, serverOnly, pat, orig, mergeKey, kind);
}

/** Elements with $patch: delete removes every match; replace makes the list the patch's other elements. */
function mergeSliceWithSpecialElements(original: any[], patch: any[], mergeKey: string): [any[], any[]] {
  const plain: any[] = [];
  let replace = false;
  // every deletion removes each match, so one pass after the checks removes the same items
  const deleted = new Set<unknown>();
  for (const v of patch) {
    if (!hasOwn(v, directiveMarker)) {
      plain.push(v);
      continue;
    }
    const directive = v[directiveMarker];
    if (directive === "delete") {
      if (!hasOwn(v, mergeKey)) throw noMergeKey(v, mergeKey);
      deleted.add(v[mergeKey]);
    } else if (directive === "replace") replace = true;
    else if (directive === "merge") throw new StrategicPatchError("merging lists cannot yet be specified in the patch", 500);
    else throw badPatchType(directive, v);
  }
  const out = deleted.size === 0 ? original : original.filter((x) => !(isMap(x) && hasOwn(x, mergeKey) && deleted.has(x[mergeKey])));
  return replace ? [plain, []] : [out, plain];
}

/**
 * findByKey answered from one pass over the list: the first element holding each merge key value, and
 * the first element that is no map (the scan's error, if it comes before any match).
 */
function keyIndex(list: any[], key: string): { find(value: unknown): number; add(v: any, i: number): void } {
  const first = new Map<unknown, number>();
  let notMap = -1;
  const add = (v: any, i: number) => {
    if (!isMap(v)) {
      if (notMap < 0) notMap = i;
    } else if (hasOwn(v, key) && !first.has(v[key])) first.set(v[key], i);
  };
  list.forEach(add);
  return {
    find(value) {
      const i = first.get(value) ?? -1;
      if (notMap >= 0 && (i < 0 || notMap < i)) throw new StrategicPatchError(`value for key ${notMap} is not a map.`, 500);
      return i;
    },
    add,
  };
}

function mergeSliceWithoutSpecialElements(sc: PatchSchema, original: any[], patch: any[], mergeKey: string, type: string): any[] {
  let index = keyIndex(original, mergeKey);
  for (const v of patch) {
    if (!hasOwn(v, mergeKey)) throw noMergeKey(v, mergeKey);
    const i = index.find(v[mergeKey]);
    if (i >= 0) {
      original[i] = mutant("patch.strategic-list-element-replaced") ? v : mergeMap(sc, original[i], v, type);
      // a null merge key in the patch deletes the key: the element matches no longer
      if (!hasOwn(original[i], mergeKey) || original[i][mergeKey] !== v[mergeKey]) index = keyIndex(original, mergeKey);
    } else {
      original.push(v);
      index.add(v, original.length - 1);
    }
  }
  return original;
}

/**
 * deduplicateScalars, move for move: scanning from each element, a later duplicate is overwritten by
 * the last element and the list shortened. Each value's positions are kept, so only duplicates are
 * visited (Go's double loop compares every pair: a long list of distinct values costs n² there).
 */
function deduplicateScalars(s: any[]): any[] {
  const out = [...s];
  // positions of the values that repeat; a value seen once is never scanned for
  const seen = new Map<unknown, number>();
  for (const v of out) seen.set(v, (seen.get(v) ?? 0) + 1);
  const at = new Map<unknown, Set<number>>();
  out.forEach((v, i) => {
    if (seen.get(v)! < 2) return;
    const p = at.get(v);
    if (p) p.add(i);
    else at.set(v, new Set([i]));
  });
  let last = out.length - 1;
  for (let i = 0; i < last; i++) {
    const v = out[i];
    const mine = at.get(v);
    if (!mine || mine.size === 1) continue;
    // the later copies in the order the scan meets them; none moves while v is scanned for
    const later = [...mine].filter((p) => p > i).sort((x, y) => x - y);
    for (const p of later) {
      if (p > last || out[p] !== v) continue;
      mine.delete(p);
      // the last element fills the hole; if it is v again, the scan looks at the same place again
      for (;;) {
        const moved = out[last];
        at.get(moved)?.delete(last);
        out[p] = moved;
        last--;
        if (p > last) break;
        if (moved !== v) {
          at.get(moved)?.add(p);
          break;
        }
      }
    }
  }
  out.length = last + 1;
  return out;
}

function partitionPrimitives(list: any[], by: any[]): [any[], any[]] {
  const inPatch = new Set(by);
  return [list.filter((v) => inPatch.has(v)), list.filter((v) => !inPatch.has(v))];
}

function partitionMaps(list: any[], by: any[], mergeKey: string): [any[], any[]] {
  const index = keyIndex(by, mergeKey);
  const patch: any[] = [];
  const serverOnly: any[] = [];
  for (const v of list) {
    if (!isMap(v)) throw new StrategicPatchError(`expected a map[string]interface {}, but received a ${goTypeName(v)}`, 500);
    if (!hasOwn(v, mergeKey)) throw noMergeKey(v, mergeKey);
    (index.find(v[mergeKey]) >= 0 ? patch : serverOnly).push(v);
  }
  return [patch, serverOnly];
}

/**
 * index(): where an element's value (its merge key's, in a list of maps) first appears in `list`, -1
 * if nowhere. Built once per list, so ordering n elements costs no n scans of it.
 */
function indexer(list: any[], mergeKey: string, kind: string): (v: unknown) => number {
  const val = (x: unknown) => (kind === "map" ? (isMap(x) ? getOwn(x, mergeKey) : undefined) : x);
  const first = new Map<unknown, number>();
  list.forEach((x, i) => {
    const k = val(x);
    if (!first.has(k)) first.set(k, i);
  });
  return (v) => first.get(val(v)) ?? -1;
}

function extractToDelete(list: any[]): [any[], any[]] {
  const keep: any[] = [];
  const del: any[] = [];
  for (const v of list) {
    if (!isMap(v)) throw new StrategicPatchError(`expected a map[string]interface {}, but received a ${goTypeName(v)}`, 500);
    (getOwn(v, directiveMarker) === "delete" ? del : keep).push(v);
  }
  return [keep, del];
}

/** normalizeSliceOrder: sort.SliceStable with the Go less function. */
function normalizeSliceOrder(toSort: any[], order: any[], mergeKey: string, kind: string): any[] {
  let list = toSort;
  let del: any[] = [];
  if (kind === "map") {
    for (const l of [toSort, order]) for (const item of l) {
      if (!isMap(item)) throw new StrategicPatchError(`expected a map[string]interface {}, but received a ${goTypeName(item)}`, 500);
      if (!hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    }
    [list, del] = extractToDelete(toSort);
  }
  const indexIn = indexer(order, mergeKey, kind);
  const less = (a: unknown, b: unknown) => {
    const ia = indexIn(a);
    if (ia >= 0) {
      const ib = indexIn(b);
      if (ib >= 0) return ia < ib;
    }
    return true;
  };
  return [...sliceStable(list, less), ...del];
}

/** normalizeElementOrder: the patch's items in the patch's order, the server-only items woven in by the live order. */
function normalizeElementOrder(patch: any[], serverOnly: any[], patchOrder: any[], serverOrder: any[], mergeKey: string, kind: string): any[] {
  const right = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const left = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  const out: any[] = [];
  const indexIn = indexer(serverOrder, mergeKey, kind);
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(left[i]);
      const ri = indexIn(right[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}
