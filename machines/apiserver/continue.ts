// List continue tokens as k8s.io/apiserver/pkg/storage/continue.go makes and reads them: base64url
// (no padding) of {"v":"meta.k8s.io/v1","rv":N,"start":"<key after the list's prefix>"}. A token is
// client input: every way it can fail to decode is refused in DecodeContinue's words, and its start
// key is cleaned so that it never ranges outside the list's key prefix.

import { getOwn } from "../common/own.js";
import { goJsonUnmarshalError } from "./validation/jsonerrors.js";
import { mutant } from "../common/mutation.js";
import { goCleanPath } from "../common/gopath.js";

const tokenVersion = "meta.k8s.io/v1";

/** EncodeContinue: the token of a list that goes on after `key` (the last key returned, plus "\x00"). */
export function encodeContinue(key: string, keyPrefix: string, resourceVersion: number): string {
  const start = key.startsWith(keyPrefix) ? key.slice(keyPrefix.length) : key;
  return Buffer.from(JSON.stringify({ v: tokenVersion, rv: resourceVersion, start }), "utf8").toString("base64url");
}

const base64url = /^[A-Za-z0-9_-]$/;

/** base64.RawURLEncoding.DecodeString: the bytes, or Go's CorruptInputError text ("\r" and "\n" are skipped). */
function rawUrlDecode(s: string): Buffer | string {
  let chars = 0;
  let last = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "\r" || c === "\n") continue;
    if (!base64url.test(c)) return `illegal base64 data at input byte ${i}`;
    chars++;
    last = i;
  }
  // a final quantum of one character carries no whole byte
  if (chars % 4 === 1) return `illegal base64 data at input byte ${last}`;
  return Buffer.from(s.replace(/[\r\n]/g, ""), "base64url");
}


/** encoding/json's kind of a JSON value in an UnmarshalTypeError (a number into an integer names its literal). */
function kindOf(v: unknown): string {
  return Array.isArray(v) ? "array" : typeof v === "boolean" ? "bool" : typeof v === "object" ? "object" : typeof v === "number" ? "number" : "string";
}

/** The first UnmarshalTypeError json.Unmarshal meets decoding the token's fields (names matched without regard to case). */
function fieldTypeError(o: Record<string, unknown>, raw: string): string | undefined {
  for (const k of Object.keys(o)) {
    const field = k.toLowerCase();
    const v = getOwn(o, k);
    if (v === null || (field !== "v" && field !== "rv" && field !== "start")) continue;
    const at = (what: string, type: string) => `json: cannot unmarshal ${what} into Go struct field continueToken.${field} of type ${type}`;
    if (field === "rv") {
      if (typeof v !== "number") return at(kindOf(v), "int64");
      // the literal as written: a fraction, an exponent or a value past int64 does not fit
      const literal = new RegExp(`"${k}"\\s*:\\s*(-?[0-9][0-9.eE+-]*)`).exec(raw)?.[1] ?? String(v);
      if (!/^-?[0-9]+$/.test(literal) || BigInt(literal) > 9223372036854775807n || BigInt(literal) < -9223372036854775808n) return at(`number ${literal}`, "int64");
    } else if (typeof v !== "string") return at(kindOf(v), "string");
  }
  return undefined;
}

/** DecodeContinue: the key the list goes on from and the revision it was at, or the error the list is refused with. */
export function decodeContinue(token: string, keyPrefix: string): { fromKey: string; rv: number } | { error: string } {
  const invalid = (why: string) => ({ error: `continue key is not valid: ${why}` });
  const data = rawUrlDecode(token);
  if (typeof data === "string") return invalid(data);
  const text = data.toString("utf8");
  const notJson = goJsonUnmarshalError(text, "object", "storage.continueToken");
  if (notJson !== undefined) return invalid(notJson);
  const o = JSON.parse(text) as unknown;
  let v = "";
  let rv = 0;
  let start = "";
  if (o !== null && typeof o === "object") {
    const typeError = fieldTypeError(o as Record<string, unknown>, text);
    if (typeError !== undefined) return invalid(typeError);
    // the last of the keys that match a field wins, as json.Unmarshal assigns them in turn
    for (const k of Object.keys(o)) {
      const val = getOwn(o as Record<string, unknown>, k);
      if (val === null) continue;
      const field = k.toLowerCase();
      if (field === "v") v = val as string;
      else if (field === "rv") rv = val as number;
      else if (field === "start") start = val as string;
    }
  }
  if (v !== tokenVersion) return { error: `continue key is not valid: server does not recognize this encoded version ${v}` };
  if (rv === 0) return { error: "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)" };
  if (start === "") return { error: "continue key is not valid: encoded start key empty (version meta.k8s.io/v1)" };
  const key = start.startsWith("/") ? start : `/${start}`;
  const cleaned = goCleanPath(key);
  // the mutant takes the start key as it came: "../" in a token reads keys of another resource
  if (cleaned !== key && !mutant("continue.start-key-not-cleaned")) return invalid(start);
  return { fromKey: keyPrefix + cleaned.slice(1), rv };
}
