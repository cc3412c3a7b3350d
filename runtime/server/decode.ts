// Request bodies as kube-apiserver decodes them: JSON checked by a scanner that words its
// errors as Go's encoding/json does, YAML converted to JSON, and decode failures wrapped
// the way the REST handlers' transformDecodeError wraps them.

import type { Status } from "kubernetes-types/meta/v1";
import { parseAllDocuments, type YAMLError } from "yaml";
import { badRequest, goQuote, notSupported, unsupportedMediaType, type FieldError } from "../../machines/apiserver/status.js";
import { decodeTyped, hasSchema, parseJsonKeepingLiterals } from "../../machines/apiserver/schema/decode.js";
import { objectTooDeep, orTooDeep, tooDeep } from "../../machines/apiserver/schema/depth.js";
import { fieldsV1MaxDepth } from "../../machines/apiserver/fieldmanager/fieldset.js";
import { copyWith } from "../../machines/common/own.js";
import { NumberLiteral, exactInteger, mayHoldWideNumber } from "../../machines/common/numberliteral.js";
import { decodeProtobufObject, ProtobufDecodeError } from "./protobuf/decode.js";
import { protoRoots } from "./protobuf/messages.js";
import { asGoYamlEscapes, goYamlProblem } from "../manifests.js";
import { composeDeepYaml, isStackOverflow, type DeepYamlError, type DeepYamlResult } from "./yamldeep.js";
import { firstCollectionKey, invalidMapKey } from "./yamlkeys.js";
import { separatorsAsBreaks } from "./yamlbreaks.js";
import { goYamlOptions, goYamlProblem as goYamlDecodeProblem, goYamlReader, incompatibleYamlVersion } from "./yamlresolve.js";

const goRuneEscapes: ReadonlyMap<number, string> = new Map([[7, "\\a"], [8, "\\b"], [9, "\\t"], [10, "\\n"], [11, "\\v"], [12, "\\f"], [13, "\\r"], [0x5c, "\\\\"]]);

/**
 * Quotes a character as Go's json scanner does in its messages ('x', '"', '\n', '\x1f'): its
 * quoteChar, strconv.Quote of the one byte as a rune, so a byte of a UTF-8 sequence is the Latin-1
 * letter it would be ('Ã'), and a control one \xNN or \u00NN.
 */
export function goQuoteChar(c: string): string {
  if (c === "'") return `'\\''`;
  if (c === '"') return `'"'`;
  const r = c.codePointAt(0) ?? 0;
  const esc = goRuneEscapes.get(r);
  if (esc !== undefined) return `'${esc}'`;
  if (r < 0x20 || r === 0x7f) return `'\\x${r.toString(16).padStart(2, "0")}'`;
  // Latin-1's C1 controls, no-break space and soft hyphen are not printable (unicode.IsPrint)
  if ((r >= 0x80 && r <= 0xa0) || r === 0xad) return `'\\u${r.toString(16).padStart(4, "0")}'`;
  return `'${c}'`;
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

/**
 * A JSON text whose \u escapes of UTF-16 surrogates that make no pair are \uFFFD: encoding/json's
 * unquote decodes a lone surrogate to the replacement rune (JSON.parse would keep it, and
 * JSON.stringify would then answer "\ud800" where kube-apiserver answers U+FFFD). An escaped
 * backslash is matched first, so a text "\\ud800" is left alone.
 */
export function withoutLoneSurrogates(text: string): string {
  if (!/\\u[dD][89a-fA-F]/.test(text)) return text;
  return text.replace(/\\(?:\\|u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|u[dD][89a-fA-F][0-9a-fA-F]{2})/g, (m) => (m.length === 6 ? "\\uFFFD" : m));
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

const tokenChar = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Go's mime.ParseMediaType, as NegotiateInputSerializerForMediaType reads a body's Content-Type:
 * the lower-cased type/subtype, or undefined when the header does not parse (a list, a parameter
 * without "=", a repeated parameter, an unterminated quote), which the handler answers 415.
 * Trailing semicolons are ignored. An empty header is the first served type, JSON.
 */
export function goMediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined || contentType === "") return "application/json";
  const semi = contentType.indexOf(";");
  const type = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  const slash = type.indexOf("/");
  if (slash < 0 ? !tokenChar.test(type) : !tokenChar.test(type.slice(0, slash)) || !tokenChar.test(type.slice(slash + 1))) return undefined;
  let rest = semi < 0 ? "" : contentType.slice(semi);
  const seen = new Set<string>();
  // each round consumes ";key=value" (a token or a quoted string): at most the header's length rounds
  while (rest.length > 0) {
    rest = rest.replace(/^\s+/, "");
    if (rest === "") break;
    const m = /^;\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*=\s*("(?:[^"\\]|\\.)*"|[!#$%&'*+\-.^_`|~0-9A-Za-z]+)/.exec(rest);
    if (!m) {
      if (rest.trim() === ";") break;
      return undefined;
    }
    const key = m[1]!.toLowerCase();
    if (seen.has(key)) return undefined;
    seen.add(key);
    rest = rest.slice(m[0].length);
  }
  return type;
}

const bodyTypes = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];
const patchTypes: Record<string, "merge" | "strategic" | "json" | "apply"> = {
  "application/merge-patch+json": "merge",
  "application/strategic-merge-patch+json": "strategic",
  "application/json-patch+json": "json",
  "application/apply-patch+yaml": "apply",
  // application/apply-patch+cbor needs the CBORServingAndStorage feature gate, off in v1.35 (and
  // kubectl 1.32 sends YAML): the handler's allowlist answers it 415
};

/** The patch type of a PATCH Content-Type, or undefined for one the server does not take. */
export function patchTypeOf(contentType: string | undefined): "merge" | "strategic" | "json" | "apply" | undefined {
  // the patch handler cuts at the first ";" (past the first byte) and compares the rest as it is:
  // no trimming, no lower-casing
  const text = contentType ?? "";
  const semi = text.indexOf(";");
  const bare = semi > 0 ? text.slice(0, semi) : text;
  return Object.hasOwn(patchTypes, bare) ? patchTypes[bare] : undefined;
}

/** 415 for a PATCH whose Content-Type is no patch type, worded as the patch handler words it. */
export function unsupportedPatchType(contentType: string | undefined): Status {
  const supported = ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"];
  void contentType;
  return unsupportedMediaType(supported);
}

/** go-yaml v2's bound on nested flow collections (scannerc.go max_flow_level; max_indents bounds block ones alike). */
const yamlMaxFlowLevel = 10_000;

/**
 * How deep the yaml library nests safely: its composer recurses, and past about 800 levels it
 * overflows the call stack. A deeper text that is JSON (as kubectl sends apply configurations) is
 * read by the JSON parser, which keeps no call stack.
 */
const yamlLibraryDepth = 256;

/**
 * The deepest nesting of flow collections ([ and {) in a YAML text, and go-yaml's scanner error when
 * it passes 10,000: "exceeded max depth of 10000", at the line of the opening bracket (the scanner
 * leaves the line out on the first line, where its mark's line is 0). Quoted scalars and comments
 * are skipped; a bracket opens a collection inside a flow collection or where a token starts.
 */
export function yamlFlowDepth(text: string): { depth: number; error?: string } {
  let depth = 0;
  let deepest = 0;
  let line = 1;
  let tokenStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\n") {
      line++;
      tokenStart = true;
    } else if (c === " " || c === "\t" || c === "\r") tokenStart = true;
    else if (tokenStart && c === "#") {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
    } else if (tokenStart && (c === '"' || c === "'")) {
      // a quoted scalar: to its closing quote ("\" escapes in double quotes, '' in single ones)
      for (i++; i < text.length; i++) {
        const d = text[i];
        if (d === "\n") line++;
        else if (c === '"' && d === "\\") i++;
        else if (d === c) {
          if (c === "'" && text[i + 1] === "'") i++;
          else break;
        }
      }
      tokenStart = false;
    } else if ((c === "[" || c === "{") && (tokenStart || depth > 0)) {
      depth++;
      if (depth > yamlMaxFlowLevel) return { depth, error: `yaml: ${line > 1 ? `line ${line}: ` : ""}exceeded max depth of ${yamlMaxFlowLevel}` };
      if (depth > deepest) deepest = depth;
      tokenStart = true;
    } else if ((c === "]" || c === "}") && depth > 0) {
      depth--;
      tokenStart = false;
    } else tokenStart = depth > 0 && (c === "," || c === ":");
  }
  return { depth: deepest };
}

/**
 * go-yaml's scanner error for block nesting past 10,000 indentation levels (max_indents): each block
 * sequence entry, explicit key or simple key at a column deeper than the current indentation pushes
 * a level (yaml_parser_roll_indent), a token at a shallower column pops back to it, and past 10,000
 * pushed levels the scan stops with "exceeded max depth of 10000" at the token's line. A line scanner
 * of the block context: flow collections, quoted scalars and block scalars are passed over. Consulted
 * only for a text already too deep for JSON's 10,000 levels.
 */
export function yamlBlockIndentError(text: string): string | undefined {
  const indents: number[] = [];
  let indent = -1;
  const lines = text.split("\n");
  // a block scalar's text (its lines deeper than the indentation it started at), an open flow collection or quote
  let blockScalar = false;
  let flow = 0;
  let quote: string | undefined;
  const roll = (col: number, n: number): string | undefined => {
    if (indent >= col) return undefined;
    indents.push(indent);
    indent = col;
    return indents.length > yamlMaxFlowLevel ? `yaml: ${n > 1 ? `line ${n}: ` : ""}exceeded max depth of ${yamlMaxFlowLevel}` : undefined;
  };
  /** Passes over flow collections and quoted scalars from i; the index after them, with flow and quote left open at the line's end. */
  const passFlow = (line: string, i: number): number => {
    for (; i < line.length; i++) {
      const c = line[i]!;
      if (quote !== undefined) {
        if (quote === '"' && c === "\\") i++;
        else if (c === quote) {
          if (quote === "'" && line[i + 1] === "'") i++;
          else quote = undefined;
        }
        if (quote === undefined && flow === 0) return i + 1;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === "[" || c === "{") flow++;
      else if (c === "]" || c === "}") {
        flow--;
        if (flow <= 0) {
          flow = 0;
          return i + 1;
        }
      } else if (c === "#" && (i === 0 || line[i - 1] === " ")) return line.length;
    }
    return i;
  };
  for (let n = 1; n <= lines.length; n++) {
    const line = lines[n - 1]!.replace(/\r$/, "");
    let i = 0;
    if (flow > 0 || quote !== undefined) {
      i = passFlow(line, 0);
      if (flow > 0 || quote !== undefined) continue;
    }
    while (line[i] === " ") i++;
    if (i >= line.length || line[i] === "#") continue;
    if (blockScalar && i > indent) continue;
    blockScalar = false;
    if (i === 0 && /^(---|\.\.\.)( |$)/.test(line)) {
      indents.length = 0;
      indent = -1;
      i = 3;
      while (line[i] === " ") i++;
      if (i >= line.length) continue;
    } else if (i === 0 && line[0] === "%") continue;
    while (indent > i) indent = indents.pop() ?? -1;
    while (i < line.length) {
      const c = line[i]!;
      const spaced = i + 1 >= line.length || line[i + 1] === " ";
      if ((c === "-" || c === "?") && spaced) {
        const err = roll(i, n);
        if (err) return err;
        for (i++; line[i] === " "; i++);
        continue;
      }
      if (c === "#") break;
      if (c === "|" || c === ">") {
        blockScalar = true;
        break;
      }
      const start = i;
      if (c === "[" || c === "{" || c === '"' || c === "'") {
        i = passFlow(line, i);
        if (flow > 0 || quote !== undefined) break;
      }
      // a plain scalar (or what follows a collection or quote) up to ": " makes a simple key at its start
      let j = i;
      while (j < line.length && !(line[j] === ":" && (j + 1 >= line.length || line[j + 1] === " ")) && !(line[j] === "#" && line[j - 1] === " ")) j++;
      if (j >= line.length || line[j] !== ":") break;
      const err = roll(start, n);
      if (err) return err;
      for (i = j + 1; line[i] === " "; i++);
    }
  }
  return undefined;
}

/**
 * The keys a JSON text repeats in an object, worded as go-yaml's strict decoding words them: for a
 * text too deep for the yaml library. A scanner with an explicit stack (the text is valid JSON).
 */
function jsonDuplicateKeys(text: string): string[] {
  const out: string[] = [];
  const keys: Array<Set<string> | undefined> = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") line++;
    else if (c === "{") keys.push(new Set());
    else if (c === "[") keys.push(undefined);
    else if (c === "}" || c === "]") keys.pop();
    else if (c === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === "\\") i++;
      const top = keys[keys.length - 1];
      let j = i + 1;
      while (isSpace(text[j])) j++;
      // a key is the string a colon follows
      if (top && text[j] === ":") {
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        if (top.has(key)) out.push(`line ${line}: key ${JSON.stringify(key)} already set in map`);
        top.add(key);
      }
    }
  }
  return out;
}

/** A YAML text too deep for the yaml library that is JSON: read as JSON, which YAML's flow style includes. */
function deepJson(text: string): boolean {
  return yamlFlowDepth(text).depth > yamlLibraryDepth && goJsonSyntaxError(text) === undefined;
}

/**
 * The keys a YAML text repeats in a mapping, as go-yaml's strict decoding reports them ("line 5:
 * key "a" already set in map"); the lenient decoding an apply patch gets keeps the last value.
 */
export function duplicateKeyErrors(text: string): string[] {
  if (deepJson(text)) return jsonDuplicateKeys(text);
  const lenient = composedHere(text, false);
  const first = lenient === "overflow" ? undefined : lenient[0];
  if (first && !Array.isArray(first) && first.errors.length === 0) {
    const found = goStrictDuplicates(first, text);
    if (found !== undefined) return found;
  }
  const docs = composedHere(text, true);
  const doc = docs === "overflow" ? undefined : docs[0];
  if (docs !== "overflow" && (!doc || Array.isArray(doc))) return [];
  const errors: Array<Pick<DeepYamlError, "code" | "pos" | "linePos">> = !doc || doc.errors.some((e) => isStackOverflow(e.message)) ? (deepCompose(text)?.duplicates ?? []) : doc.errors;
  const out: string[] = [];
  for (const e of errors) {
    if (e.code !== "DUPLICATE_KEY") continue;
    const rest = text.slice(e.pos[0]);
    let key = /^([^:\n]*?)\s*:/.exec(rest)?.[1] ?? "";
    if (key.startsWith('"')) {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(rest);
      try {
        key = m ? (JSON.parse(m[0]) as string) : key;
      } catch {
        /* kept as written */
      }
    } else if (key.startsWith("'")) key = key.slice(1, -1);
    out.push(`line ${e.linePos?.[0]?.line ?? 0}: key ${JSON.stringify(key)} already set in map`);
  }
  return out;
}

/**
 * go-yaml v2's strict decoding of a composed document into interface{} (decode.go): a mapping's
 * pairs in order, each value decoded before its key is set (setMapIndex: "line %d: key %#v already
 * set in map" at the value node's line when the map has the key), a merge key's maps decoded into
 * the same map (a list's from its last), an alias decoded again wherever it stands. Undefined when
 * the document nests past what this walk takes on the call stack.
 */
function goStrictDuplicates(doc: any, text: string): string[] | undefined {
  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  const lineOf = (node: any): number => {
    const at = Array.isArray(node?.range) ? node.range[0] : 0;
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const isNode = (n: any) => n !== null && typeof n === "object";
  const kindOf = (n: any): "map" | "seq" | "alias" | "scalar" | undefined => {
    const t = isNode(n) ? n[Symbol.for("yaml.node.type")] : undefined;
    return t === Symbol.for("yaml.map") ? "map" : t === Symbol.for("yaml.seq") ? "seq" : t === Symbol.for("yaml.alias") ? "alias" : t === Symbol.for("yaml.scalar") ? "scalar" : undefined;
  };
  const isMerge = (k: any) => kindOf(k) === "scalar" && k.source === "<<" && (k.type === undefined || k.type === "PLAIN");
  // fmt's %#v of a decoded key
  const goSharpV = (v: unknown) => (typeof v === "string" ? goQuote(v) : v === null || v === undefined ? "<nil>" : String(v));
  const out: string[] = [];
  let depth = 0;
  const tooDeep = {};
  // each alias's node: the anchor defined last before it, found in one walk in document order
  const aliasTargets = new Map<any, any>();
  const anchors = new Map<string, any>();
  const walk: any[] = [doc.contents];
  while (walk.length > 0) {
    const n = walk.pop();
    if (!isNode(n)) continue;
    if (kindOf(n) === "alias") {
      aliasTargets.set(n, anchors.get(n.source));
      continue;
    }
    if (typeof n.anchor === "string") anchors.set(n.anchor, n);
    const children: any[] = kindOf(n) === "map" ? n.items.flatMap((p: any) => [p.key, p.value]) : kindOf(n) === "seq" ? n.items : [];
    for (let i = children.length - 1; i >= 0; i--) walk.push(children[i]);
  }
  const target = (n: any) => (kindOf(n) === "alias" ? aliasTargets.get(n) : n);
  const decode = (n: any): void => {
    if (++depth > 500) throw tooDeep;
    const t = kindOf(target(n));
    if (t === "map") mapping(target(n), new Set());
    else if (t === "seq") for (const item of target(n).items) decode(item);
    depth--;
  };
  const mapping = (m: any, keys: Set<string>): void => {
    for (const pair of m.items) {
      if (isMerge(pair.key)) {
        const v = pair.value;
        const sources = kindOf(target(v)) === "seq" && kindOf(v) !== "alias" ? [...target(v).items].reverse() : [v];
        for (const src of sources) if (kindOf(target(src)) === "map") mapping(target(src), keys);
        continue;
      }
      decode(pair.key);
      decode(pair.value);
      const k = kindOf(pair.key) === "scalar" ? pair.key.value : undefined;
      const id = `${typeof k}:${String(k)}`;
      if (keys.has(id)) out.push(`line ${lineOf(pair.value ?? pair.key)}: key ${goSharpV(k)} already set in map`);
      else keys.add(id);
    }
  };
  try {
    decode(doc.contents);
  } catch (e) {
    if (e === tooDeep || (e instanceof RangeError && isStackOverflow(e.message))) return undefined;
    throw e;
  }
  return out;
}

/**
 * The keys a create or update body repeats, when it is YAML: YAMLToJSON keeps the last value, and
 * the strict decoding (yaml.YAMLToJSONStrict) reports each ([] for JSON, whose duplicates the typed
 * decode finds).
 */
export function yamlDuplicateKeys(raw: Buffer, contentType: string | undefined): string[] {
  if (mediaType(contentType) !== "application/yaml") return [];
  const read = goYamlReader(raw);
  return "text" in read ? duplicateKeyErrors(read.text) : [];
}

/**
 * sigs.k8s.io/yaml's YAMLToJSON: go-yaml's lenient decoding, in which a repeated key keeps its last
 * value; its error is go-yaml's ("yaml: line 3: ..."), unwrapped.
 */
function yamlToJson(text: string): { value: any } | { error: string } {
  const flow = yamlFlowDepth(text);
  if (flow.error !== undefined) return { error: flow.error };
  if (flow.depth > yamlLibraryDepth && goJsonSyntaxError(text) === undefined) return { value: JSON.parse(text) };
  const go = asGoYamlEscapes(text);
  if ("problem" in go) return { error: `yaml: line ${go.line}: ${go.problem}` };
  const version = incompatibleYamlVersion(go.text);
  if (version !== undefined) return { error: version };
  const breaks = separatorsAsBreaks(go.text);
  const docs = composedHere(breaks.text, false);
  if (docs === "overflow") return deepYamlToJson(go.text);
  const doc = Array.isArray(docs) ? docs[0] : docs;
  if (!doc) return { value: null };
  const err = doc.errors[0];
  if (err) {
    if (isStackOverflow(err.message)) return deepYamlToJson(go.text);
    return { error: goResolveError(err.message) ?? `yaml: ${goYamlProblem(err, breaks.text)}` };
  }
  breaks.fix(doc);
  const badKey = firstCollectionKey(doc.contents);
  if (badKey !== undefined) return { error: invalidMapKey((badKey as { toJS(d: unknown): unknown }).toJS(doc)) };
  const problem = goYamlDecodeProblem(doc);
  if (problem !== undefined) return { error: problem };
  let value: unknown;
  try {
    // go-yaml's own bound on aliases was applied (goYamlDecodeProblem); the library's stricter one is not go-yaml's
    value = doc.toJS({ maxAliasCount: -1 });
  } catch (e) {
    if (e instanceof RangeError && isStackOverflow(e.message)) return deepYamlToJson(go.text);
    return { error: toJsError(e) };
  }
  const unsupported = goYamlDecodeProblem(doc, value ?? null);
  return unsupported !== undefined ? { error: unsupported } : { value: bigintsExact(value) };
}

/**
 * A value the yaml library made with each bigint (an integer past 2^53, which go-yaml resolves to an
 * int64 or uint64 and YAMLToJSON writes exactly) made a NumberLiteral of its digits. The value is
 * fresh from toJS: it is changed in place, walked with a stack.
 */
function bigintsExact(value: unknown): unknown {
  if (typeof value === "bigint") return exactInteger(value);
  const stack: unknown[] = [value];
  for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
    if (typeof x !== "object" || x === null) continue;
    const o = x as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (typeof v === "bigint") o[k] = exactInteger(v);
      else if (typeof v === "object" && v !== null) stack.push(v);
    }
  }
  return value;
}

/**
 * util/json.Unmarshal into a map (sigs.k8s.io/json's PreserveInts), as a strategic merge patch is
 * read: an integer literal within int64 is that int64, exactly; any other number a float64.
 */
function parsePreservingInts(json: string): unknown {
  if (!mayHoldWideNumber(json)) return JSON.parse(json);
  const value = parseJsonKeepingLiterals(json);
  const asGo = (v: unknown): unknown => {
    if (!(v instanceof NumberLiteral)) return v;
    if (/^-?[0-9]+$/.test(v.text)) {
      const n = BigInt(v.text);
      if (n >= -(2n ** 63n) && n < 2n ** 63n) return exactInteger(n);
    }
    return v.value;
  };
  if (value instanceof NumberLiteral) return asGo(value);
  const stack: unknown[] = [value];
  for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
    if (typeof x !== "object" || x === null || x instanceof NumberLiteral) continue;
    const o = x as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (v instanceof NumberLiteral) o[k] = asGo(v);
      else if (typeof v === "object" && v !== null) stack.push(v);
    }
  }
  return value;
}

/** go-yaml's failf from resolve() or a !!binary decode, which goYamlTags words: no line, as go-yaml gives none. */
function goResolveError(message: string): string | undefined {
  const m = /goyaml: ([^\n]*?)(?: at line \d+, column \d+)?:?$/m.exec(message);
  return m ? `yaml: ${m[1]}` : undefined;
}

/**
 * What toJS threw, as go-yaml's decoder words it: a merge key of no map (d.merge's failWantMap),
 * else the yaml library's resource exhaustion guard on an alias bomb (billion laughs), which
 * go-yaml refuses too.
 */
function toJsError(e: unknown): string {
  if (e instanceof Error && /^Merge sources must be maps/.test(e.message)) return mergeWantsMap;
  return excessiveAliasing;
}

const mergeWantsMap = "yaml: map merge requires map or sequence of maps as the value";

const excessiveAliasing = "yaml: document contains excessive aliasing";

/**
 * The yaml library's documents of a text, or "overflow" when its parser ran out of call stack (it
 * recurses when it closes many nested block collections at once): the text then goes to the worker.
 */
function composedHere(text: string, uniqueKeys: boolean): ReturnType<typeof parseAllDocuments> | "overflow" {
  try {
    return parseAllDocuments(text, { uniqueKeys, ...goYamlOptions });
  } catch (e) {
    if (e instanceof RangeError && isStackOverflow(e.message)) return "overflow";
    throw e;
  }
}

/** The last text composed in the worker and its result: a body's value and its repeated keys are asked for apart. */
let lastDeep: { text: string; result: DeepYamlResult | undefined } | undefined;

function deepCompose(text: string): DeepYamlResult | undefined {
  if (lastDeep?.text !== text) lastDeep = { text, result: composeDeepYaml(text) };
  return lastDeep.result;
}

/**
 * YAMLToJSON of a text nested deeper than the yaml library goes on this stack, composed in the
 * worker. Its JSON is then held to encoding/json's 10,000 levels, as kube-apiserver decodes what
 * YAMLToJSON made (a text deep in flow and block collections together passes go-yaml's two bounds).
 */
function deepYamlToJson(text: string): { value: any } | { error: string } {
  const r = deepCompose(text);
  if (!r) throw new Error("the YAML body could not be composed in time");
  if (r.error) return { error: goResolveError(r.error.message) ?? `yaml: ${goYamlProblem(r.error as unknown as YAMLError)}` };
  if (r.problem !== undefined) return { error: r.problem };
  if (r.collectionKey !== undefined) return { error: invalidMapKey(JSON.parse(r.collectionKey)) };
  if (r.aliasing) return { error: r.aliasing === "merge" ? mergeWantsMap : excessiveAliasing };
  if (r.json === undefined) return { value: null };
  const tooDeep = goJsonSyntaxError(r.json);
  if (tooDeep !== undefined) return { error: yamlBlockIndentError(text) ?? `couldn't get version/kind; json parse error: ${tooDeep}` };
  return { value: JSON.parse(r.json) };
}

/**
 * Decodes a create/update body of resource kind `kind` (or a patch, when patch is set), as the
 * REST handlers do: the result is the object, or the 400/415 Status the handler answers.
 */
export function decodeBody(raw: Buffer, contentType: string | undefined, kind: string, patch?: "merge" | "strategic" | "json" | "apply"): { body: any } | { status: Status } {
  const mt = patch ? mediaType(contentType) : goMediaType(contentType);
  const isYaml = patch === "apply" || mt === "application/yaml";
  if (!patch && (mt === undefined || !bodyTypes.includes(mt))) return { status: unsupportedMediaType(bodyTypes) };
  if (!patch && mt === "application/vnd.kubernetes.protobuf") return decodeProtobufBody(raw, kind);
  if (isYaml) {
    // decoded leniently (a repeated key keeps its last value); the strict check of repeated keys comes after
    const read = goYamlReader(raw);
    const y = "error" in read ? read : yamlToJson(read.text);
    if ("error" in y) {
      // applyPatcher: sigs.k8s.io/yaml.Unmarshal's error, wrapped; a create or update body: the YAML
      // serializer's Decode returns YAMLToJSON's error as it is, and transformDecodeError wraps it
      if (patch) return { status: badRequest(`error decoding YAML: error converting YAML to JSON: ${y.error}`) };
      return { status: badRequest(`the object provided is unrecognized (must be of type ${kind}): ${y.error} (${summarizeData(raw)})`) };
    }
    return { body: y.value };
  }
  const text = raw.toString("utf8");
  let err = goJsonSyntaxError(text);
  // Go's scanner reads bytes: the message names the byte where it stopped, read again as such
  if (err !== undefined) err = goJsonSyntaxError(raw.toString("latin1")) ?? err;
  if (err !== undefined) {
    if (patch) return { status: badRequest(err) };
    return { status: badRequest(`the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; json parse error: ${err} (${summarizeData(raw)})`) };
  }
  // A create or update body keeps its number literals for the typed decode (decodeObjectBody); so
  // do merge and JSON patches, which json-patch applies to raw JSON (lazyNode) and the handler then
  // decodes (1e3 or 2.0 into an int32 is refused); a strategic patch is read into Go maps, as numbers.
  const json = withoutLoneSurrogates(text);
  return { body: patch === "strategic" ? parsePreservingInts(json) : parseJsonKeepingLiterals(json) };
}

/**
 * A protobuf create or update body as the object JSON would have carried, or the 400 the handler
 * answers: transformDecodeError's wording, with the kind the envelope named when it named one.
 */
function decodeProtobufBody(raw: Buffer, kind: string): { body: any } | { status: Status } {
  try {
    const apiVersion = Object.hasOwn(protoRoots, kind) ? protoRoots[kind]![0] : "v1";
    return { body: decodeProtobufObject(raw, { apiVersion, kind }) };
  } catch (e) {
    if (!(e instanceof ProtobufDecodeError)) throw e;
    if (e.gvk) return { status: badRequest(`${e.gvk.kind} in version ${goQuote(e.gvk.apiVersion.slice(e.gvk.apiVersion.lastIndexOf("/") + 1))} cannot be handled as a ${kind}: ${e.message}`) };
    return { status: badRequest(`the object provided is unrecognized (must be of type ${kind}): ${e.message} (${summarizeData(raw)})`) };
  }
}

export type FieldValidation = "Strict" | "Warn" | "Ignore";

/** ValidateFieldValidation: "", Ignore, Warn or Strict. */
export function fieldValidationErrors(q: URLSearchParams): FieldError[] {
  const v = q.get("fieldValidation") ?? "";
  return v === "" || v === "Strict" || v === "Warn" || v === "Ignore" ? [] : [notSupported("fieldValidation", v, ["", "Ignore", "Strict", "Warn"])];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** reflect's name of the struct SimpleMetaFactory.Interpret decodes apiVersion and kind into. */
const findKindType = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

function jsonKind(v: unknown): string {
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "array";
  if (isObject(v)) return "object";
  return "number";
}

/**
 * SimpleMetaFactory.Interpret: apiVersion and kind read with encoding/json (field names matched
 * without regard to case), or its error.
 */
function interpret(body: unknown): { apiVersion: string; kind: string } | { error: string } {
  if (body === null) return { apiVersion: "", kind: "" };
  if (!isObject(body)) return { error: `json: cannot unmarshal ${jsonKind(body)} into Go value of type ${findKindType}` };
  let apiVersion = "";
  let kind = "";
  let error: string | undefined;
  for (const k of Object.keys(body)) {
    const field = k.toLowerCase() === "apiversion" ? "apiVersion" : k.toLowerCase() === "kind" ? "kind" : undefined;
    if (!field) continue;
    const v = body[k];
    if (v === null) continue;
    if (typeof v !== "string") {
      error ??= `json: cannot unmarshal ${jsonKind(v)} into Go struct field .${field} of type string`;
      continue;
    }
    if (field === "kind") kind = v;
    else apiVersion = v;
  }
  return error !== undefined ? { error } : { apiVersion, kind };
}

/**
 * Decodes a parsed create or update body into the Go type of its kind (or typeKey, the kind's type
 * at the version the request was made at), as the REST handlers do:
 * Interpret's errors and the typed decoder's are answered 400 the way transformDecodeError words
 * them; unknown fields are refused (Strict), returned as warnings (Warn) or dropped (Ignore).
 */
export function decodeObjectBody(raw: Buffer, body: unknown, kind: string, version: string, fv: FieldValidation, typeKey?: string, yamlDuplicates: readonly string[] = []): { body: any; warnings: string[] } | { status: Status } {
  const gvk = interpret(body);
  if ("error" in gvk) return { status: badRequest(`the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; json parse error: ${gvk.error} (${summarizeData(raw)})`) };
  const bodyKind = gvk.kind !== "" ? gvk.kind : kind;
  const bodyVersion = gvk.apiVersion !== "" ? gvk.apiVersion.slice(gvk.apiVersion.lastIndexOf("/") + 1) : version;
  const head = `${bodyKind} in version ${goQuote(bodyVersion)} cannot be handled as a ${kind}`;
  const tooDeepError = (c: "{" | "[") => ({ status: tooDeepStatus(raw, kind, c) });
  const sent = withoutUnreadableFieldsV1(body);
  const res = orTooDeep(() => (typeKey !== undefined ? decodeTyped(kind, sent, typeKey) : decodeTyped(hasSchema(bodyKind) ? bodyKind : kind, sent)));
  if (res === "tooDeep") return tooDeepError("{");
  if (!res.ok) return { status: badRequest(`${head}: ${res.error}`) };
  // the serializer's unmarshal: YAMLToJSONStrict's error first (one yaml.TypeError listing every
  // repeated key), then the JSON decoder's strict errors; as warnings, one per line of the TypeError
  const strictErrors = [...(yamlDuplicates.length > 0 ? [`yaml: unmarshal errors:\n  ${yamlDuplicates.join("\n  ")}`] : []), ...res.strictErrors];
  if (fv === "Strict" && strictErrors.length > 0) return { status: badRequest(`${head}: strict decoding error: ${strictErrors.join(", ")}`) };
  // a kept value (a RawExtension's, a FieldsV1's) nested past what podflow keeps: the decoder's max-depth error
  const deep = tooDeep(res.value);
  if (deep !== undefined) return tooDeepError(deep);
  return { body: res.value, warnings: fv === "Warn" ? [...yamlDuplicates, ...res.strictErrors] : [] };
}

/** encoding/json's max-depth error as transformDecodeError words it for a body of `kind`. */
function tooDeepStatus(raw: Buffer, kind: string, c: "{" | "["): Status {
  return badRequest(`the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; json parse error: invalid character '${c}' exceeded max depth (${summarizeData(raw)})`);
}

/**
 * The decoder's max-depth 400 for a body (a custom resource's: all of it is kept) nested past
 * `limit` (podflow's bound; kube-apiserver's JSON decoder: 10,000), or the body with its managedFields
 * nested past what the field manager reads swapped for unreadable ones (withoutUnreadableFieldsV1).
 */
export function tooDeepBody(raw: Buffer, kind: string, body: unknown, limit: number): { body: unknown } | { status: Status } {
  const deep = objectTooDeep(body, limit);
  return deep === undefined ? { body: withoutUnreadableFieldsV1(body) } : { status: tooDeepStatus(raw, kind, deep) };
}

/** A FieldsV1 the field manager cannot read (no path element "x"): the managedFields that hold it are all disregarded. */
const unreadableFieldsV1 = Object.freeze({ x: Object.freeze({}) });

/**
 * The body with each managedFields entry's fieldsV1 nested past what the field manager reads
 * replaced by one it cannot read either. kube-apiserver decodes any FieldsV1 its JSON decoder
 * takes (10,000 levels) and its field manager then disregards the request's managedFields
 * when one does not decode; podflow's walkers keep far fewer levels, so such a value is swapped
 * for a small unreadable one before anything walks it, with the same outcome. The depth is found
 * without recursion; the input is not changed.
 */
function withoutUnreadableFieldsV1(body: unknown): unknown {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return body;
  const meta = Object.hasOwn(body, "metadata") ? (body as Record<string, unknown>).metadata : undefined;
  if (meta === null || typeof meta !== "object" || Array.isArray(meta) || !Object.hasOwn(meta, "managedFields")) return body;
  const list = (meta as Record<string, unknown>).managedFields;
  if (!Array.isArray(list)) return body;
  let changed = false;
  const entries = list.map((e) => {
    if (e === null || typeof e !== "object" || Array.isArray(e) || !Object.hasOwn(e, "fieldsV1")) return e;
    const fv = (e as Record<string, unknown>).fieldsV1;
    if (fv === null || typeof fv !== "object" || tooDeep(fv, fieldsV1MaxDepth + 1) === undefined) return e;
    changed = true;
    return copyWith(e as Record<string, unknown>, { fieldsV1: unreadableFieldsV1 });
  });
  if (!changed) return body;
  return copyWith(body as Record<string, unknown>, { metadata: copyWith(meta as Record<string, unknown>, { managedFields: entries }) });
}

/**
 * A DELETE body: DeleteOptions decoded by the delete handler, whose error is not wrapped, so it
 * reaches the client as a 500 with no reason (ErrorToAPIStatus of a plain error).
 */
export function decodeDeleteOptions(body: unknown): { body: any } | { status: Status } {
  const plainError = (message: string): { status: Status } => ({ status: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, code: 500 } });
  const gvk = interpret(body);
  if ("error" in gvk) return plainError(`couldn't get version/kind; json parse error: ${gvk.error}`);
  const kindError = deleteOptionsKindError(gvk.apiVersion, gvk.kind);
  if (kindError !== undefined) return plainError(kindError);
  const res = decodeTyped("DeleteOptions", body);
  return res.ok ? { body: res.value } : plainError(res.error);
}

// metainternalversionscheme: the kinds it registers by name alone (AddUnversionedTypes), which any
// apiVersion creates, and those it registers in meta.k8s.io's versions only
const metaUnversionedKinds = new Set(["DeleteOptions", "CreateOptions", "UpdateOptions", "PatchOptions", "Status", "APIVersions", "APIGroupList", "APIGroup", "APIResourceList"]);
const metaVersionedKinds = new Set(["WatchEvent", "ListOptions", "GetOptions", "Table", "TableOptions", "PartialObjectMetadata", "PartialObjectMetadataList"]);

/**
 * The delete handler decodes its body with the meta scheme, defaulting to meta.k8s.io/v1
 * DeleteOptions: another kind is not registered there, or is and has no conversion to DeleteOptions
 * (both the handler's unwrapped error). DeleteOptions itself is taken in any version (per-group clients).
 */
function deleteOptionsKindError(apiVersion: string, sentKind: string): string | undefined {
  const kind = sentKind || "DeleteOptions";
  if (kind === "DeleteOptions") return undefined;
  // FromAPIVersionAndKind, then gvkWithDefaults against meta.k8s.io/v1
  const slashes = apiVersion.split("/").length - 1;
  let [group, version] = apiVersion !== "/" && slashes === 1 ? (apiVersion.split("/") as [string, string]) : slashes === 0 ? ["", apiVersion] : ["", ""];
  if (version === "" && group === "") [group, version] = ["meta.k8s.io", "v1"];
  else if (version === "" && group === "meta.k8s.io") version = "v1";
  const known = metaUnversionedKinds.has(kind) || (group === "meta.k8s.io" && (version === "v1" || version === "v1beta1") && metaVersionedKinds.has(kind));
  if (known) return `converting (v1.${kind}) to (v1.DeleteOptions): unknown conversion`;
  const gv = group === "" ? version : `${group}/${version}`;
  return `no kind ${goQuote(kind)} is registered for version ${goQuote(gv)} in scheme "k8s.io/apimachinery/pkg/apis/meta/internalversion/scheme/register.go:27"`;
}

/** The Warning header values for warnings, as the apiserver's warning recorder writes them (299, agent "-"). */
export function warningHeaders(warnings: readonly string[]): string[] {
  // net/http writes a header's newlines as spaces (headerNewlineToSpace) and its UTF-8 bytes as
  // they are (Node takes them as latin1 characters); Node refuses the other control characters
  // outright, so they are written as "?" rather than failing the response
  const quoted = (w: string) => w.replace(/[\r\n]/g, " ").replace(/[\x00-\x08\x0a-\x1f\x7f]/g, "?").replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  return [...new Set(warnings)].map((w) => Buffer.from(`299 - "${quoted(w)}"`, "utf8").toString("latin1"));
}
