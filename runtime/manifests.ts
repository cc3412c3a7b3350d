// Reading manifests as kubectl does: YAML or JSON, many documents, List objects unwrapped;
// each object checked for a kind podflow serves and a name before anything is sent.

import { CST, Parser, parseAllDocuments, type YAMLError } from "yaml";
import type { Status } from "kubernetes-types/meta/v1";
import { resourceForKindAt, apiVersionOf, type ResourceInfo } from "../machines/apiserver/resources.js";
import { alternateVersion, requestConversion, type Conversion } from "../machines/apiserver/conversion.js";
import { decodeTyped, hasSchema, versionedTypeKey } from "../machines/apiserver/schema/decode.js";
import { firstCollectionKey, invalidMapKey } from "./server/yamlkeys.js";

/** An error with the Status a client would print. */
export class ApiError extends Error {
  /** warnings is what the server warned of before it refused (its Warning headers) */
  constructor(public status: Status, public warnings: readonly string[] = []) {
    super(status.message ?? status.reason ?? "error");
  }
  get code(): number {
    return this.status.code ?? 500;
  }
}

/** An error kubectl finds itself, before any request: printed as "error: ...", never "Error from server". */
export class ClientError extends ApiError {}

export function clientError(message: string, reason = "BadRequest", code = 400): ClientError {
  return new ClientError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code });
}

/**
 * A YAML syntax error as go-yaml (sigs.k8s.io/yaml) words it, "line N: problem", where the yaml
 * library has an error of the same meaning; its own first line otherwise.
 */
export function goYamlProblem(e: YAMLError, text?: string): string {
  const line = e.linePos?.[0]?.line;
  const where = line !== undefined ? `line ${text !== undefined ? documentLine(text, line) : line}: ` : "";
  // go-yaml's scanner knows the escapes of YAML 1.1 only ("\'" is none of them)
  if (e.code === "BAD_DQ_ESCAPE") return `${where}found unknown escape character`;
  if (e.code === "TAB_AS_INDENT" && line !== undefined && text !== undefined) return `${where}${goTabProblem(text, line)}`;
  return `${where}${e.message.split("\n")[0]}`;
}

/**
 * A line of the text as numbered in its document: kubectl's YAMLReader hands go-yaml one document
 * at a time, cut at each "---" line that ends a document already begun (that line then belongs to
 * neither); a "---" before anything else stays in the document it opens, as its first line.
 */
export function documentLine(text: string, line: number): number {
  const lines = text.split("\n");
  let start = 0; // the line the current document's numbering counts from
  let begun = false;
  for (let i = 0; i < line - 1 && i < lines.length; i++) {
    const l = lines[i]!;
    const rest = l.startsWith("---") ? l.slice(3).trim() : undefined;
    if (rest !== undefined && (rest === "" || rest.startsWith("#")) && begun) {
      start = i + 1;
      begun = false;
      continue;
    }
    begun = true;
  }
  return line - start;
}

/**
 * libyaml's scanner on a tab that indents a line: a plain scalar going on past its line reads the
 * tab as its whitespace and refuses it (yaml_parser_scan_plain_scalar); anywhere else the tab
 * starts no token (yaml_parser_fetch_next_token).
 */
function goTabProblem(text: string, line: number): string {
  const before = text.split("\n", line - 1).map((l) => l.replace(/\s+#.*$/, "").trimEnd()).filter((l) => l.trim() !== "" && !l.trim().startsWith("#"));
  const last = before.at(-1) ?? "";
  // the value the previous line ends with: after "key: " or "- ", or the whole line
  const value = (/^\s*(?:-\s+)*(?:[^\s"'#][^:]*:\s+)?(.*)$/.exec(last)?.[1] ?? "").trim();
  const plain = value !== "" && !last.endsWith(":") && !/^["'|>{[&*!]/.test(value);
  return plain ? "found a tab character that violates indentation" : "found character that cannot start any token";
}

/**
 * The text with go-yaml's escapes of double-quoted scalars spelled as YAML 1.2 reads them: go-yaml
 * (libyaml's scanner) takes "\\'" for a quote, which YAML 1.2 has no escape for, and has no "\\/";
 * the first "\\/" is go-yaml's "found unknown escape character" on its line.
 */
export function asGoYamlEscapes(text: string): { text: string } | { line: number; problem: string } {
  if (!text.includes("\\")) return { text };
  const edits: number[] = [];
  let unknown: number | undefined;
  const scan = (t: CST.Token | undefined): void => {
    if (t?.type !== "double-quoted-scalar") return;
    for (let i = 1; i < t.source.length - 1; i++) {
      if (t.source[i] !== "\\") continue;
      const next = t.source[i + 1];
      if (next === "'") edits.push(t.offset + i);
      else if (next === "/" && unknown === undefined) unknown = t.offset + i;
      i++;
    }
  };
  for (const tok of new Parser().parse(text)) {
    if (tok.type !== "document") continue;
    CST.visit(tok, (item) => {
      scan(item.key as CST.Token | undefined);
      scan(item.value);
    });
  }
  if (unknown !== undefined) return { line: text.slice(0, unknown).split("\n").length, problem: "found unknown escape character" };
  let out = text;
  // each "\\'" becomes "'", from the last so that earlier offsets hold
  for (const at of edits.sort((a, b) => b - a)) out = out.slice(0, at) + out.slice(at + 1);
  return { text: out };
}

/** Parses one or more YAML/JSON documents into objects; throws an ApiError naming the bad document. */
export function parseManifests(text: string, source = "<input>"): any[] {
  const go = asGoYamlEscapes(text);
  if ("problem" in go) throw clientError(`error parsing ${source}: error converting YAML to JSON: yaml: line ${documentLine(text, go.line)}: ${go.problem}`);
  const docs = parseAllDocuments(go.text, { uniqueKeys: true });
  const out: any[] = [];
  for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      throw clientError(`error parsing ${source}: error converting YAML to JSON: yaml: ${e.linePos?.[0] ? goYamlProblem(e, go.text) : `line 0: ${goYamlProblem(e, go.text)}`}`);
    }
    const badKey = firstCollectionKey(doc.contents);
    if (badKey !== undefined) throw clientError(`error parsing ${source}: error converting YAML to JSON: ${invalidMapKey((badKey as { toJS(d: unknown): unknown }).toJS(doc))}`);
    const v = doc.toJS();
    if (v === null || v === undefined) continue;
    if (typeof v !== "object" || Array.isArray(v)) throw clientError(`error parsing ${source}: document ${i + 1} is not an object`);
    out.push(...unwrapList(v));
  }
  return out;
}

function unwrapList(v: any): any[] {
  if (typeof v.kind === "string" && v.kind.endsWith("List") && Array.isArray(v.items)) return v.items.flatMap(unwrapList);
  return [v];
}

/** The resource of an object, or the error kubectl gives for a kind it cannot map. */
export function resourceOf(obj: any, source = "<input>", lookup: KindLookup = resourceForKindAt): ResourceInfo {
  // kubectl's schema check (--validate=strict, its default) names what is missing, then its help
  const missing = [typeof obj.apiVersion !== "string" || obj.apiVersion === "" ? "apiVersion not set" : "", typeof obj.kind !== "string" || obj.kind === "" ? "kind not set" : ""].filter(Boolean);
  if (missing.length > 0) {
    const data = missing.length === 1 ? missing[0] : `[${missing.join(", ")}]`;
    throw clientError(`error validating "${source}": error validating data: ${data}; if you choose to ignore these errors, turn validation off with --validate=false`);
  }
  const r = lookup(obj.kind, obj.apiVersion);
  if (!r || (apiVersionOf(r) !== obj.apiVersion && !conversionOf(obj, r))) {
    const name = obj.metadata?.name ?? "";
    const ns = obj.metadata?.namespace ?? "";
    throw clientError(`resource mapping not found for name: "${name}" namespace: "${ns}" from "${source}": no matches for kind "${obj.kind}" in version "${obj.apiVersion}"\nensure CRDs are installed first`, "NotFound", 404);
  }
  return r;
}

/** The conversion to the stored version of an object written at another version its resource is served at (autoscaling/v1 HPAs) or in another group sharing its storage (events.k8s.io/v1 Events), or undefined. */
export function conversionOf(obj: any, r: ResourceInfo): Conversion | undefined {
  if (r.storedAs) return obj.apiVersion === apiVersionOf(r) ? requestConversion(r, r.version) : undefined;
  if (obj.apiVersion === apiVersionOf(r)) return undefined;
  const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/", 2) : ["", obj.apiVersion];
  return group === r.group ? alternateVersion(r, version) : undefined;
}

/**
 * The API server's decoding of an applied object into its Go type, as kubectl apply sends it
 * (fieldValidation=Strict, kubectl's default): a value of the wrong type or an unknown field is
 * refused with 400 BadRequest, worded as the REST handler's transformDecodeError words it.
 */
export function decodeError(obj: any, r: ResourceInfo): ApiError | undefined {
  const d = decodeApplied(obj, r);
  return "error" in d ? d.error : undefined;
}

/**
 * The applied object as the API server holds it once decoded into its Go type (quantities in their
 * canonical form, times in UTC), or decodeError's refusal; a kind without a schema as sent.
 */
export function decodeApplied(obj: any, r: ResourceInfo): { value: any } | { error: ApiError } {
  // a custom resource has no Go type (a custom kind Event is not core's): the API server decodes it by its schema
  if (r.custom) return { value: obj };
  const typeKey = typeof obj.apiVersion === "string" ? versionedTypeKey(obj.apiVersion, r.kind) : undefined;
  if (typeKey === undefined && !hasSchema(r.kind)) return { value: obj };
  // what kubectl sends is the object's JSON: a key whose value is undefined is not in it
  const res = decodeTyped(r.kind, JSON.parse(JSON.stringify(obj)), typeKey);
  const version = String(obj.apiVersion ?? r.version).split("/").pop();
  const head = `${r.kind} in version "${version}" cannot be handled as a ${r.kind}`;
  const message = !res.ok ? `${head}: ${res.error}` : res.strictErrors.length > 0 ? `${head}: strict decoding error: ${res.strictErrors.join(", ")}` : undefined;
  if (message === undefined && res.ok) return { value: res.value };
  return { error: new ApiError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: message!, reason: "BadRequest", code: 400 }) };
}

/** Checks what kubectl checks before sending: a kind it can map, and a name (apply needs one). */
/** What kubectl's REST mapper finds for a kind at an apiVersion: built-in kinds, and the custom kinds discovery lists. */
export type KindLookup = (kind: string, apiVersion: unknown) => ResourceInfo | undefined;

export function precheck(objs: any[], source = "<input>", needName = true, lookup: KindLookup = resourceForKindAt): ResourceInfo[] {
  return objs.map((o) => {
    const r = resourceOf(o, source, lookup);
    if (needName && (typeof o.metadata?.name !== "string" || o.metadata.name === "") && !o.metadata?.generateName) {
      throw clientError(`error when retrieving current configuration of:\nResource: "${r.group ? r.group + "/" : ""}${r.version}, Resource=${r.resource}", GroupVersionKind: "${o.apiVersion}, Kind=${o.kind}"\nfrom server for: "${source}": resource name may not be empty`);
    }
    return r;
  });
}
