// A patched object decoded into its Go type, as the patch handler does after applying the patch:
// JSON and merge patches re-decode the patched JSON (sigs.k8s.io/json); a strategic merge patch
// converts the patched map with the unstructured converter. A wrong type is a 422 Invalid of the
// "patch" field, from an empty GroupKind and name (patch.go: errors.NewInvalid(schema.GroupKind{}, "", ...)).

import type { Status } from "kubernetes-types/meta/v1";
import * as S from "../status.js";
import { decodeTyped, fromUnstructured, goFormatValue, goJsonMarshal, type DecodeResult } from "./decode.js";
import { orTooDeep, tooDeep } from "./depth.js";
import { setOwn } from "../../common/own.js";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

function invalidPatch(value: string, detail: string): Status {
  const nobody = { kind: "", resource: "", singular: "", group: "", version: "", namespaced: false, shortNames: [], verbs: [], subresources: [] };
  const st = S.invalid(nobody, "", [S.invalidValue("patch", value, detail)]);
  // Go's StatusDetails omits the empty kind.
  if (st.details) delete st.details.kind;
  return st;
}

/**
 * Decodes `patched` (the result of applying `patch`) as `kind` (as the Go type typeKey, for a kind
 * patched at another version than it is stored at): the typed value, with the unknown fields as
 * warnings under Warn, or the 422 the patch handler answers.
 */
export function decodePatched(kind: string, patchType: "json" | "merge" | "strategic", patch: unknown, patched: unknown, fv: FieldValidation = "Ignore", typeKey?: string, patchStrictErrors: readonly string[] = []): { value: any; warnings: string[] } | { status: Status } {
  // The Invalid value is the patch map (%+v) for a strategic merge, the patched JSON otherwise.
  const shown = () => (patchType === "strategic" ? goFormatValue(patch) : goJsonMarshal(patched));
  // json-patch hands the handler JSON its maps were marshalled to, keys sorted (the decoder meets
  // unknown fields, and the first wrong type, in that order); a fresh copy also leaves behind the
  // patch's own repeated keys, which its strict decoding already reported
  const res = orTooDeep<DecodeResult>(() => (patchType === "strategic" ? fromUnstructured(kind, patched, typeKey) : decodeTyped(kind, sortedCopy(patched), typeKey)));
  if (res === "tooDeep") return { status: S.badRequest("invalid character '{' exceeded max depth") };
  if (!res.ok) return { status: invalidPatch(shown(), res.error) };
  // the patch's own strict errors, then the patched object's
  const strictErrors = [...patchStrictErrors, ...res.strictErrors];
  if (strictErrors.length > 0 && fv === "Strict") return { status: invalidPatch(shown(), `strict decoding error: ${strictErrors.join(", ")}`) };
  // a patched value nested past what podflow keeps: the patch decoder's own max-depth error
  const deep = tooDeep(res.value);
  if (deep !== undefined) return { status: S.badRequest(`invalid character '${deep}' exceeded max depth`) };
  return { value: res.value, warnings: fv === "Warn" ? strictErrors : [] };
}

/** A JSON value copied with every object's keys in sorted order (number literals kept), without recursion. */
function sortedCopy(v: unknown): unknown {
  const fresh = (x: unknown): unknown => (Array.isArray(x) ? [] : isPlainObject(x) ? {} : x);
  const root = fresh(v);
  const work: Array<[any, any]> = root === v ? [] : [[root, v]];
  for (let next = work.pop(); next !== undefined; next = work.pop()) {
    const [out, src] = next;
    if (Array.isArray(src)) {
      for (const x of src) {
        const c = fresh(x);
        out.push(c);
        if (c !== x) work.push([c, x]);
      }
    } else {
      for (const k of Object.keys(src).sort()) {
        const c = fresh(src[k]);
        setOwn(out, k, c);
        if (c !== src[k]) work.push([c, src[k]]);
      }
    }
  }
  return root;
}

const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype;
