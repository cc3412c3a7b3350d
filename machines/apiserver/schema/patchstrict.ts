// A patch's own bytes decoded strictly, as the patch handler decodes them under fieldValidation
// Strict or Warn before applying them (patch.go): a merge or strategic patch into
// map[string]interface{} (kjson.UnmarshalStrict: every key written twice is a "duplicate field"),
// a JSON patch into []jsonPatchOp{op, path, from string; value interface{}} (unknown and repeated
// fields of an operation too, each error then prefixed "json patch"). sigs.k8s.io/json names a
// field by its path ("spec.containers[0].name"), reports each message once and keeps 100.

import { NumberLiteral, keysAsWritten } from "./decode.js";

/** sigs.k8s.io/json's cap on the strict errors one decoding keeps. */
const maxStrictErrors = 100;

class StrictErrors {
  readonly list: string[] = [];
  private readonly seen = new Set<string>();
  add(msg: string): void {
    if (this.list.length >= maxStrictErrors || this.seen.has(msg)) return;
    this.seen.add(msg);
    this.list.push(msg);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof NumberLiteral);

/** Go's name for the kind of a JSON value in "cannot unmarshal <kind>". */
function kindOf(v: unknown): string {
  if (v instanceof NumberLiteral || typeof v === "number") return "number";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  return Array.isArray(v) ? "array" : "object";
}

const child = (path: string, k: string) => (path === "" ? k : `${path}.${k}`);

/**
 * The duplicate fields of a value decoded into interface{}, in document order: a key's second
 * writing is reported where it stands, and the value kept (the last) is walked there. Iterative:
 * a patch may nest 10,000 deep.
 */
function duplicates(v: unknown, path: string, out: StrictErrors): void {
  const work: Array<{ v: unknown; path: string } | { msg: string }> = [{ v, path }];
  while (work.length > 0) {
    const w = work.pop()!;
    if ("msg" in w) {
      out.add(w.msg);
      continue;
    }
    const items: typeof work = [];
    if (Array.isArray(w.v)) w.v.forEach((x, i) => items.push({ v: x, path: `${w.path}[${i}]` }));
    else if (isObject(w.v)) {
      const o = w.v;
      const keys = keysAsWritten(o);
      const last = new Map<string, number>();
      keys.forEach((k, i) => last.set(k, i));
      const seen = new Set<string>();
      keys.forEach((k, i) => {
        if (seen.has(k)) items.push({ msg: `duplicate field "${child(w.path, k)}"` });
        seen.add(k);
        if (last.get(k) === i) items.push({ v: o[k], path: child(w.path, k) });
      });
    }
    for (let i = items.length - 1; i >= 0; i--) work.push(items[i]!);
  }
}

/** The strict errors of a merge or strategic merge patch decoded into map[string]interface{}. */
export function mapPatchStrictErrors(patch: unknown): string[] {
  const out = new StrictErrors();
  if (isObject(patch)) duplicates(patch, "", out);
  return out.list;
}

const opStringFields = new Set(["op", "path", "from"]);

/**
 * A JSON patch decoded strictly into []jsonPatchOp: its strict errors ("json patch unknown field
 * "[0].foo"", "json patch duplicate field "[1].path""), or the first type error, which refuses it.
 */
export function jsonPatchStrict(ops: unknown): { errors: string[] } | { error: string } {
  if (ops === null) return { errors: [] };
  if (!Array.isArray(ops)) return { error: `json: cannot unmarshal ${kindOf(ops)} into Go value of type []handlers.jsonPatchOp` };
  const out = new StrictErrors();
  let typeError: string | undefined;
  ops.forEach((op, i) => {
    if (op === null) return;
    if (!isObject(op)) {
      typeError ??= `json: cannot unmarshal ${kindOf(op)} into Go value of type handlers.jsonPatchOp`;
      return;
    }
    const keys = keysAsWritten(op);
    const last = new Map<string, number>();
    keys.forEach((k, j) => last.set(k, j));
    const seen = new Set<string>();
    keys.forEach((k, j) => {
      const at = `[${i}].${k}`;
      const known = opStringFields.has(k) || k === "value";
      // a field both unknown and repeated is reported as unknown (once: messages are deduplicated)
      if (!known) out.add(`unknown field "${at}"`);
      else if (seen.has(k)) out.add(`duplicate field "${at}"`);
      seen.add(k);
      if (!known || last.get(k) !== j) return;
      const v = op[k];
      if (k === "value") duplicates(v, at, out);
      else if (v !== null && typeof v !== "string") typeError ??= `json: cannot unmarshal ${kindOf(v)} into Go struct field jsonPatchOp.${k} of type string`;
    });
  });
  if (typeError !== undefined) return { error: typeError };
  return { errors: out.list.map((e) => `json patch ${e}`) };
}
