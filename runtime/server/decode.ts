// Request bodies as kube-apiserver decodes them: JSON checked by a scanner that words its
// errors as Go's encoding/json does, YAML converted to JSON, and decode failures wrapped
// the way the REST handlers' transformDecodeError wraps them.

import type { Status } from "kubernetes-types/meta/v1";
import { parseAllDocuments } from "yaml";
import { badRequest, unsupportedMediaType } from "../../machines/apiserver/status.js";

/** Quotes a character as Go's json scanner does in its messages ('x', '"', '\n'). */
export function goQuoteChar(c: string): string {
  if (c === "'") return `'\\''`;
  if (c === '"') return `'"'`;
  const q = JSON.stringify(c);
  return `'${q.slice(1, -1)}'`;
}

class SyntaxErr extends Error {}

const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\r" || c === "\n";
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

/** The first syntax error in JSON text, worded as Go's encoding/json, or undefined when it is valid. */
export function goJsonSyntaxError(text: string): string | undefined {
  let i = 0;
  const eof = () => i >= text.length;
  const fail = (what: string): never => {
    if (eof()) throw new SyntaxErr("unexpected end of JSON input");
    throw new SyntaxErr(`invalid character ${goQuoteChar(text[i]!)} ${what}`);
  };
  const ws = () => {
    while (isSpace(text[i])) i++;
  };
  const literal = (word: string) => {
    for (let k = 1; k < word.length; k++) {
      i++;
      if (text[i] !== word[k]) fail(`in literal ${word} (expecting ${goQuoteChar(word[k]!)})`);
    }
    i++;
  };
  const string = () => {
    i++;
    for (;;) {
      if (eof()) fail("");
      const c = text[i]!;
      if (c === '"') return void i++;
      if (c === "\\") {
        i++;
        const e = text[i];
        if (e === "u") {
          for (let k = 0; k < 4; k++) {
            i++;
            if (!/[0-9a-fA-F]/.test(text[i] ?? "")) fail("in \\u hexadecimal character escape");
          }
          i++;
        } else if (e !== undefined && `"\\/bfnrt`.includes(e)) i++;
        else fail("in string escape code");
        continue;
      }
      if (c < " ") fail("in string literal");
      i++;
    }
  };
  const number = () => {
    if (text[i] === "-") {
      i++;
      if (!isDigit(text[i])) fail("in numeric literal");
    }
    if (text[i] === "0") i++;
    else while (isDigit(text[i])) i++;
    if (text[i] === ".") {
      i++;
      if (!isDigit(text[i])) fail("after decimal point in numeric literal");
      while (isDigit(text[i])) i++;
    }
    if (text[i] === "e" || text[i] === "E") {
      i++;
      if (text[i] === "+" || text[i] === "-") i++;
      if (!isDigit(text[i])) fail("in exponent of numeric literal");
      while (isDigit(text[i])) i++;
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail("looking for beginning of object key string");
        string();
        ws();
        if (text[i] !== ":") fail("after object key");
        i++;
        value();
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") return void i++;
        fail("after object key:value pair");
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") return void i++;
        fail("after array element");
      }
    }
    if (c === '"') return string();
    if (c === "-" || isDigit(c)) return number();
    if (c === "t") return literal("true");
    if (c === "f") return literal("false");
    if (c === "n") return literal("null");
    fail("looking for beginning of value");
  };
  try {
    value();
    ws();
    if (!eof()) fail("after top-level value");
    return undefined;
  } catch (e) {
    if (e instanceof SyntaxErr) return e.message;
    throw e;
  }
}

/** What kube-apiserver shows of a body it could not decode: up to 30 bytes, as text or hex. */
export function summarizeData(data: Buffer, maxLength = 30): string {
  if (data.length === 0) return "<empty>";
  const cut = data.length > maxLength;
  const head = data.subarray(0, maxLength);
  if (data[0] === 0x7b) return head.toString("utf8") + (cut ? " ..." : "");
  return head.toString("hex") + (cut ? " ..." : "");
}

/** The media type of a Content-Type header, without parameters, lower-cased. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? "application/json").split(";")[0]!.trim().toLowerCase();
}

const bodyTypes = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];
const patchTypes: Record<string, "merge" | "strategic" | "json" | "apply"> = {
  "application/merge-patch+json": "merge",
  "application/strategic-merge-patch+json": "strategic",
  "application/json-patch+json": "json",
  "application/apply-patch+yaml": "apply",
  "application/apply-patch+cbor": "apply",
};

/** The patch type of a PATCH Content-Type, or undefined for one the server does not take. */
export function patchTypeOf(contentType: string | undefined): "merge" | "strategic" | "json" | "apply" | undefined {
  return patchTypes[mediaType(contentType)];
}

/** 415 for a PATCH whose Content-Type is no patch type, worded as the patch handler words it. */
export function unsupportedPatchType(contentType: string | undefined): Status {
  const supported = ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"];
  void contentType;
  return unsupportedMediaType(supported);
}

function yamlToJson(text: string): { value: any } | { error: string } {
  const docs = parseAllDocuments(text);
  const doc = Array.isArray(docs) ? docs[0] : docs;
  if (!doc) return { value: null };
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0]?.line;
    return { error: `error converting YAML to JSON: yaml: ${line !== undefined ? `line ${line}: ` : ""}${err.message.split("\n")[0]}` };
  }
  return { value: doc.toJS() };
}

/**
 * Decodes a create/update body of resource kind `kind` (or a patch, when patch is set), as the
 * REST handlers do: the result is the object, or the 400/415 Status the handler answers.
 */
export function decodeBody(raw: Buffer, contentType: string | undefined, kind: string, patch?: "merge" | "strategic" | "json" | "apply"): { body: any } | { status: Status } {
  const mt = mediaType(contentType);
  const isYaml = patch === "apply" || mt === "application/yaml";
  if (!patch && !bodyTypes.includes(mt)) return { status: unsupportedMediaType(bodyTypes) };
  if (!patch && mt === "application/vnd.kubernetes.protobuf") return { status: unsupportedMediaType(bodyTypes.slice(0, 2)) };
  const text = raw.toString("utf8");
  if (isYaml) {
    const y = yamlToJson(text);
    if ("error" in y) return { status: badRequest(y.error) };
    return { body: y.value };
  }
  const err = goJsonSyntaxError(text);
  if (err !== undefined) {
    if (patch) return { status: badRequest(err) };
    return { status: badRequest(`the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; json parse error: ${err} (${summarizeData(raw)})`) };
  }
  return { body: JSON.parse(text) };
}
