// A patched object decoded into its Go type, as the patch handler does after applying the patch:
// JSON and merge patches re-decode the patched JSON (sigs.k8s.io/json); a strategic merge patch
// converts the patched map with the unstructured converter. A wrong type is a 422 Invalid of the
// "patch" field, from an empty GroupKind and name (patch.go: errors.NewInvalid(schema.GroupKind{}, "", ...)).

import type { Status } from "kubernetes-types/meta/v1";
import * as S from "../status.js";
import { decodeTyped, fromUnstructured, goFormatValue, goJsonMarshal, type DecodeResult } from "./decode.js";
import { orTooDeep, tooDeep } from "./depth.js";

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
export function decodePatched(kind: string, patchType: "json" | "merge" | "strategic", patch: unknown, patched: unknown, fv: FieldValidation = "Ignore", typeKey?: string): { value: any; warnings: string[] } | { status: Status } {
  // The Invalid value is the patch map (%+v) for a strategic merge, the patched JSON otherwise.
  const shown = () => (patchType === "strategic" ? goFormatValue(patch) : goJsonMarshal(patched));
  const res = orTooDeep<DecodeResult>(() => (patchType === "strategic" ? fromUnstructured(kind, patched, typeKey) : decodeTyped(kind, patched, typeKey)));
  if (res === "tooDeep") return { status: S.badRequest("invalid character '{' exceeded max depth") };
  if (!res.ok) return { status: invalidPatch(shown(), res.error) };
  if (res.strictErrors.length > 0 && fv === "Strict") return { status: invalidPatch(shown(), `strict decoding error: ${res.strictErrors.join(", ")}`) };
  // a patched value nested past what podflow keeps: the patch decoder's own max-depth error
  const deep = tooDeep(res.value);
  if (deep !== undefined) return { status: S.badRequest(`invalid character '${deep}' exceeded max depth`) };
  return { value: res.value, warnings: fv === "Warn" ? res.strictErrors : [] };
}
