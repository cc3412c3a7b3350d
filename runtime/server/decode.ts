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

/** encoding/json's scanner limit on nested arrays and objects. */
const maxNestingDepth = 10_000;

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
  // Containers open on an explicit stack, not by recursion: a body nested 100,000 deep is an error
  // to report, not a stack overflow. Go's scanner refuses the 10,001st level.
  const stack: Array<"{" | "["> = [];
  const open = (c: "{" | "[") => {
    if (stack.length >= maxNestingDepth) throw new SyntaxErr(`invalid character ${goQuoteChar(c)} exceeded max depth`);
    stack.push(c);
    i++;
  };
  const key = () => {
    ws();
    if (text[i] !== '"') fail("looking for beginning of object key string");
    string();
    ws();
    if (text[i] !== ":") fail("after object key");
    i++;
  };
  /** Scans a scalar, or opens a container; true when a value is still wanted (a key or element follows). */
  const valueStart = (): boolean => {
    ws();
    const c = text[i];
    if (c === "{") {
      open("{");
      ws();
      if (text[i] === "}") {
        i++;
        stack.pop();
        return false;
      }
      key();
      return true;
    }
    if (c === "[") {
      open("[");
      ws();
      if (text[i] === "]") {
        i++;
        stack.pop();
        return false;
      }
      return true;
    }
    if (c === '"') string();
    else if (c === "-" || isDigit(c)) number();
    else if (c === "t") literal("true");
    else if (c === "f") literal("false");
    else if (c === "n") literal("null");
    else fail("looking for beginning of value");
    return false;
  };
  const value = (): void => {
    let wanted = true;
    for (;;) {
      if (wanted) {
        wanted = valueStart();
        continue;
      }
      if (stack.length === 0) return;
      ws();
      const top = stack[stack.length - 1];
      if (text[i] === ",") {
        i++;
        if (top === "{") key();
        wanted = true;
      } else if (text[i] === (top === "{" ? "}" : "]")) {
        i++;
        stack.pop();
      } else fail(top === "{" ? "after object key:value pair" : "after array element");
    }
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
  try {
    return { value: doc.toJS() };
  } catch {
    // toJS refuses an alias bomb (billion laughs) as the yaml library's resource exhaustion guard;
    // go-yaml's decoder refuses it too, with this message
    return { error: "error converting YAML to JSON: yaml: document contains excessive aliasing" };
  }
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
