// The HTTP front end of the simulated API server: it parses Kubernetes REST paths the way
// kube-apiserver's RequestInfoFactory does, turns each into an ApiRequest for the API server
// machine (bearer token included), and writes the answer back as JSON, a Table or a watch stream.

import { createServer as createHttpServer, IncomingMessage, ServerResponse, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { Server as TlsServer } from "node:tls";
import type { Duplex } from "node:stream";
import { createRequire } from "node:module";
import type { Status } from "kubernetes-types/meta/v1";
import type { Cluster } from "../cluster.js";
import { classify, type RequestDigest } from "../../machines/apiserver/flowcontrol.js";
import { serviceAccountIssuer } from "../../machines/apiserver/auth/tokenrequest.js";
import type { ApiRequest, ApiResponse } from "../../machines/messages.js";
import { answerIn, requestConversion, type Conversion } from "../../machines/apiserver/conversion.js";
import { goHtmlEscaped, parseJsonKeepingLiterals, unstructuredNumbers, versionedTypeKey } from "../../machines/apiserver/schema/decode.js";
import { maxCustomDepth } from "../../machines/apiserver/schema/depth.js";
import { jsonPatchStrict, mapPatchStrictErrors } from "../../machines/apiserver/schema/patchstrict.js";
import { aggregatedGroups, apiVersionOf, resources, type ResourceInfo } from "../../machines/apiserver/resources.js";
import * as S from "../../machines/apiserver/status.js";
import { fieldLabelError, objectFields } from "../../machines/apiserver/cache.js";
import { customPatchTypes, pruned } from "../../machines/apiserver/customresource.js";
import { matchesFieldSelector, matchesRequirements, parseFieldSelector, parseSelector } from "../../machines/common/labels.js";
import { aggregatedDiscovery, aggregatedDiscoveryType, apiGroup, apiGroupList, apiResourceList, apiVersions, subresourceInfo, versionInfo, wantsAggregated } from "./discovery.js";
import { decodeBody, decodeDeleteOptions, decodeObjectBody, duplicateKeyErrors, tooDeepBody, fieldValidationErrors, patchTypeOf, unsupportedPatchType, warningHeaders, yamlDuplicateKeys, type FieldValidation } from "./decode.js";
import { customTable, partialObjectMetadata, partialObjectMetadataList, tableOptions, toTable, type IncludeObject, type MetaVersion } from "./tables.js";
import { acceptAsksPretty, negotiatedMediaType, negotiatedTransform, notAcceptable, watchMediaTypes, type Transform } from "./negotiate.js";
import { goYamlText } from "./yamlemit.js";
import { isUnstructured, unstructuredAnswer } from "./unstructured.js";
import { guardTlsHandshake } from "./tlsfront.js";
import { isValidPathSegmentName } from "../../machines/apiserver/validation/names.js";
import { fieldManagerMaxLength, isPrintable, managerOrUserAgent } from "../../machines/apiserver/fieldmanager/fieldmanager.js";
import { openApiV2, openApiV2Protobuf, openApiV3Paths, openApiV3Group } from "./openapi.js";
import { serveLogs } from "./logs.js";
import { connectOptions, connectRefusal, isLocation, locate, podConnectRefusal, serveConnect } from "./stream.js";
import { connectSubresources } from "../../machines/apiserver/connect.js";
import { decodeContinue } from "../../machines/apiserver/continue.js";
import { proxyRequest, proxyResource, rootPathRedirect, upstreamPath } from "./proxy.js";
import { nodeProxyRequest } from "./nodeproxy.js";
import { encodeProtobufObject, prefersProtobuf } from "./protobuf/encode.js";
import { generateServingCerts, type ServingCerts } from "./certs.js";
import { healthAnswer, type HealthRoot } from "./health.js";
import { apiServerMetrics, metricsContentType } from "./metrics.js";
import { clientCertificateOf } from "./clientcert.js";
import { securePortRequest } from "./securepath.js";

export interface ServeOptions {
  /** the serving certificates (made before the cluster, whose rootCA is their CA); fresh ones when absent */
  certs?: ServingCerts;
  cluster: Cluster;
  /** 0 (the default) picks a free port */
  port?: number;
  host?: string;
  /** serve HTTPS with certificates generated at start (the default), or plain HTTP */
  tls?: boolean;
  /** how often a watch with allowWatchBookmarks gets a BOOKMARK (ms) */
  bookmarkIntervalMs?: number;
  /** --max-requests-inflight / --max-mutating-requests-inflight (default 400 / 200) */
  maxRequestsInFlight?: { readonly: number; mutating: number };
  /** --request-timeout: how long a request that is not long-running may take (default 60 s) */
requestTimeoutMs?: number;
  /** how long a read at a resourceVersion the watch cache has not reached waits for it (default: the watch cache's blockTimeout, 3 s) */
  freshnessTimeoutMs?: number;
  /** paths served beside the API (the live view's /ui/): true when it took the request */
  routes?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  /** the CA that signed the serving certificate (PEM), when serving HTTPS */
  caCert?: string;
  /** the CA's key (PKCS#8 PEM), which signs the client certificates of approved CSRs */
  caKey?: string;
  close(): Promise<void>;
}

/** A parsed REST path: which resource, where, and which object or subresource. */
export interface ResourcePath {
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** under the deprecated /watch/ prefix (installer.go's WATCH and WATCHLIST routes) */
  watchPrefix?: boolean;
}

export type Route =
  | { type: "doc"; doc: "version" | "metrics" | "api" | "apis" | "group" | "groupVersion" | "openapiV2" | "openapiV3" | "openapiV3Group" | IssuerDoc; group?: string; version?: string }
  | { type: "health"; root: HealthRoot; check?: string }
  | { type: "resource"; path: ResourcePath }
  | { type: "notFound" }
  /** a path Go's url.ParseRequestURI refuses (a malformed %-escape): net/http answers 400 before any handler */
  | { type: "malformed" };

/**
 * A request path unescaped as Go's url package does: the whole path at once (so %2F is a "/"),
 * escapes of bytes that are not UTF-8 kept as bytes; undefined for a malformed escape.
 */
export function unescapePath(raw: string): string | undefined {
  if (!raw.includes("%")) return raw;
  if (/%(?![0-9a-fA-F]{2})/.test(raw)) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    // well-formed escapes of bytes that are not UTF-8: Go keeps the bytes; they read as U+FFFD here
    return Buffer.from(raw.replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8");
  }
}

/** Parses a URL path as kube-apiserver's RequestInfoFactory does (namespaces/<ns>/<resource>/<name>/<subresource>). */
export function parsePath(rawPath: string): Route {
  const pathname = unescapePath(rawPath);
  if (pathname === undefined) return { type: "malformed" };
  // go-restful's CurlyRouter tokens (TrimRightSlashEnabled): the path trimmed of slashes at both
  // ends and split at each one, so an empty segment inside stays and matches only a {parameter}
  const trimmed = pathname.replace(/^\/+|\/+$/g, "");
  const parts = trimmed === "" ? [] : trimmed.split("/");
  if (parts.length === 0) return { type: "notFound" };
  const [head] = parts;
  if (head === "version" && parts.length === 1) return { type: "doc", doc: "version" };
  // the metrics handler is the non-go-restful mux's exact /metrics path: /metrics/ is not found
  if (pathname === "/metrics") return { type: "doc", doc: "metrics" };
  // the service account issuer's discovery documents (pkg/routes/openidmetadata.go, go-restful routes)
  if (head === ".well-known" && parts[1] === "openid-configuration" && parts.length === 2) return { type: "doc", doc: "openidConfiguration" };
  if (head === "openid" && parts[1] === "v1" && parts[2] === "jwks" && parts.length === 3) return { type: "doc", doc: "openidKeySet" };
  // a check's own endpoint may have slashes in its name (poststarthook/rbac/bootstrap-roles)
  if (head === "healthz" || head === "livez" || head === "readyz") return parts.length === 1 ? { type: "health", root: head } : { type: "health", root: head, check: parts.slice(1).join("/") };
  if (head === "openapi") {
    if (parts[1] === "v2" && parts.length === 2) return { type: "doc", doc: "openapiV2" };
    if (parts[1] === "v3" && parts.length === 2) return { type: "doc", doc: "openapiV3" };
    if (parts[1] === "v3") return { type: "doc", doc: "openapiV3Group", group: parts.slice(2).join("/") };
    return { type: "notFound" };
  }
  let group: string;
  let rest: string[];
  if (head === "api") {
    if (parts.length === 1) return { type: "doc", doc: "api" };
    group = "";
    rest = parts.slice(1);
  } else if (head === "apis") {
    if (parts.length === 1) return { type: "doc", doc: "apis" };
    if (parts.length === 2) return { type: "doc", doc: "group", group: parts[1]! };
    group = parts[1]!;
    rest = parts.slice(2);
  } else return { type: "notFound" };
  const version = rest[0]!;
  let cur = rest.slice(1);
  // RequestInfoFactory's special verb: /watch/<the rest of a list or object path>
  const watchPrefix = cur[0] === "watch" && cur.length > 1;
  if (watchPrefix) cur = cur.slice(1);
  // the API prefix, group, version, "namespaces", resource and subresource are literal segments of
  // every route: an empty one is no route; an empty namespace or name is a route's empty parameter
  if (group === "" && head === "apis") return { type: "notFound" };
  if (version === "" || cur[0] === "" || (cur[0] === "namespaces" && cur.length > 2 && cur[2] === "")) return { type: "notFound" };
  if (cur.length === 0) return { type: "doc", doc: "groupVersion", group, version };
  let namespace: string | undefined;
  if (cur[0] === "namespaces" && cur.length > 1) {
    namespace = cur[1];
    // namespaces/<ns>/status and /finalize belong to the namespace itself
    if (cur.length > 2 && cur[2] !== "status" && cur[2] !== "finalize") cur = cur.slice(2);
  }
  // <resource>/<name>/proxy/<path...>: the rest is the proxied path, not part of the resource's
  if (cur.length > 3 && cur[2] !== "proxy") return { type: "notFound" };
  if (cur[2] === "") return { type: "notFound" };
  const path: ResourcePath = { group, version, resource: cur[0]! };
  if (namespace !== undefined && !(cur[0] === "namespaces" && cur[1] === namespace)) path.namespace = namespace;
  if (cur[1] !== undefined) path.name = cur[1];
  if (cur[2] !== undefined) path.subresource = cur[2];
  if (watchPrefix) path.watchPrefix = true;
  return { type: "resource", path };
}

/** The 404 of a path the server does not serve. */
export function pathNotFound(): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server could not find the requested resource", reason: "NotFound", details: {}, code: 404 };
}

/** bearertoken's warning for "Bearer  <token>": the header is ignored, and the request is anonymous. */
export const extraSpaceBeforeTokenWarning = "the provided Authorization header contains extra space before the bearer token, and is ignored";

/** Go's strings.TrimSpace: leading and trailing Unicode white space. */
function goTrimSpace(s: string): string {
  return s.replace(/^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g, "");
}

/**
 * The bearer token of a request as kube-apiserver's bearertoken authenticator reads it: the
 * Authorization header trimmed and split at single spaces into at most three parts, "bearer" in any
 * case, then the second part. A header that is no such thing (another scheme, no token, a tab, or
 * an extra space before the token: ignored with a warning) authenticates no one and leaves the
 * request to the anonymous authenticator; only a token that is not known is 401.
 */
export function bearerOf(req: IncomingMessage): { token?: string; warning?: string } {
  const h = req.headers.authorization;
  if (h === undefined) return {};
  const auth = goTrimSpace(h);
  if (auth === "") return {};
  const first = auth.indexOf(" ");
  if (first < 0 || auth.slice(0, first).toLowerCase() !== "bearer") return {};
  const second = auth.indexOf(" ", first + 1);
  const token = second < 0 ? auth.slice(first + 1) : auth.slice(first + 1, second);
  if (token === "") return second < 0 ? {} : { warning: extraSpaceBeforeTokenWarning };
  return { token };
}

function bearer(req: IncomingMessage): string | undefined {
  return bearerOf(req).token;
}

/**
 * A patch decoded strictly as patch.go decodes its bytes under fieldValidation Strict or Warn: an
 * apply's YAML again with go-yaml's strict decoding (under Strict its repeated keys refuse the
 * apply once the field manager applied it; under Warn each is a warning), a merge or strategic
 * patch into map[string]interface{}, a JSON patch into its operations (a type error refuses it).
 */
function patchStrictDecoding(patchType: "merge" | "strategic" | "json" | "apply", raw: Buffer, body: unknown, fv: "Strict" | "Warn"): { errors: string[]; refusal?: string } {
  switch (patchType) {
    case "apply": {
      const dups = duplicateKeyErrors(raw.toString("utf8"));
      if (dups.length === 0) return { errors: [] };
      // sigs.k8s.io/yaml.UnmarshalStrict's error, wrapped by the applyPatcher
      if (fv === "Strict") return { errors: [], refusal: `error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  ${dups.join("\n  ")}` };
      return { errors: dups };
    }
    case "json": {
      const r = jsonPatchStrict(body);
      return "error" in r ? { errors: [], refusal: `error decoding patch: ${r.error}` } : { errors: r.errors };
    }
    case "merge":
      return { errors: mapPatchStrictErrors(body) };
    case "strategic":
      // the strategic patch was read into plain maps: its repeated keys are found in a parse that keeps them
      return { errors: mapPatchStrictErrors(parseJsonKeepingLiterals(raw.toString("utf8"))) };
  }
}

/** The RequestInfo verb of a resource request: get/list/watch, create, update, patch, delete/deletecollection, or the method. */
function requestVerb(method: string, name: string | undefined, q: URLSearchParams): ApiRequest["verb"] {
  switch (method) {
    case "GET":
    case "HEAD":
      return name !== undefined ? "get" : boolParam(q, "watch") ? "watch" : "list";
    case "POST": return "create";
    case "PUT": return "update";
    case "PATCH": return "patch";
    case "DELETE": return name !== undefined ? "delete" : "deletecollection";
    // RequestInfoFactory: any other method is a resource request of no verb (only a wildcard rule allows it)
    default: return "" as ApiRequest["verb"];
  }
}

/** A URL path as Go's URL.Path holds it (percent-decoded), for non-resource authorization. */
function urlPath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

const impersonateExtraPrefix = "impersonate-extra-";

/**
 * The bearer token and the Impersonate-* headers, as fields for the API server machine, which
 * decides whether the requester may impersonate. Groups, extras or a uid without a user is
 * buildImpersonationRequests' apierrors.NewBadRequest, a 400 Status (filters/impersonation).
 */
export function credentials(req: IncomingMessage, cert: ApiRequest["x509"]): Pick<ApiRequest, "token" | "impersonate" | "x509"> | { error: string } {
  const withCert = <T extends object>(o: T) => (cert !== undefined ? { ...o, x509: cert } : o);
  // a verified client certificate authenticates first: a token beside it is never read
  const token = cert !== undefined && "user" in cert ? "" : (bearer(req) ?? "");
  const h = req.headersDistinct;
  const user = headerText(h["impersonate-user"]?.[0] ?? "");
  const groups = (h["impersonate-group"] ?? []).map(headerText);
  const uid = headerText(h["impersonate-uid"]?.[0] ?? "");
  // two header names that unescape to one key (a%62 and ab) are one extra: userExtra[extraKey] = append(...)
  const byKey = new Map<string, string[]>();
  for (const name of Object.keys(h)) {
    if (!name.startsWith(impersonateExtraPrefix)) continue;
    const key = unescapeExtraKey(name.slice(impersonateExtraPrefix.length));
    byKey.set(key, [...(byKey.get(key) ?? []), ...(h[name] ?? []).map(headerText)]);
  }
  const extra: Array<[string, string[]]> = [...byKey];
  if (user === "" && groups.length === 0 && extra.length === 0 && uid === "") return withCert({ token });
  if (user === "") {
    // Go prints the []v1.ObjectReference it built (Kind, Namespace, Name, UID, APIVersion, ResourceVersion, FieldPath).
    const refs = [
      ...groups.map((g) => `{Group  ${g}    }`),
      ...extra.flatMap(([k, vs]) => vs.map((v) => `{UserExtra  ${v}  authentication.k8s.io/v1  ${k}}`)),
      ...(uid ? [`{UID  ${uid}  authentication.k8s.io/v1  }`] : []),
    ];
    return { error: `requested [${refs.join(" ")}] without impersonating a user` };
  }
  const impersonate: NonNullable<ApiRequest["impersonate"]> = { user };
  if (groups.length > 0) impersonate.groups = groups;
  if (uid !== "") impersonate.uid = uid;
  if (extra.length > 0) impersonate.extra = extra;
  return withCert({ token, impersonate });
}

/**
 * unescapeExtraKey: an extra key travels percent-encoded in the header name; url.PathUnescape
 * keeps the bytes of any well-formed escape (UTF-8 or not), and a malformed one keeps the key as sent.
 */
function unescapeExtraKey(encoded: string): string {
  return unescapePath(encoded) ?? encoded;
}

/**
 * A header value as the bytes Go's net/http keeps: Node reads header bytes as latin1, so a UTF-8
 * value would otherwise reach the handlers as mojibake (bytes that are not UTF-8 read as U+FFFD,
 * as Go's JSON encoder and range loops see them).
 */
export function headerText(value: string): string {
  return /[\x80-\xff]/.test(value) ? Buffer.from(value, "latin1").toString("utf8") : value;
}

/** The User-Agent a write's manager defaults to, as Go's bytes. */
function userAgentOf(req: IncomingMessage): string | undefined {
  const ua = req.headers["user-agent"];
  return ua === undefined ? undefined : headerText(ua);
}

/**
 * negotiation's isPrettyPrint: the pretty query parameter when it is set (strconv.ParseBool, any
 * other text false), else a User-Agent of curl, Wget or a browser.
 */
export function isPrettyPrint(rawQuery: string, userAgent: string | undefined): boolean {
  if (rawQuery.includes("pretty")) {
    const pp = new URLSearchParams(rawQuery).get("pretty") ?? "";
    if (pp !== "") return ["1", "t", "T", "TRUE", "true", "True"].includes(pp);
  }
  const ua = userAgent ?? "";
  return ua.startsWith("curl") || ua.startsWith("Wget") || ua.startsWith("Mozilla/5.0");
}

/**
 * A JSON answer as the json serializer writes it: json.Encoder's one line and newline, or the
 * PrettySerializer's json.MarshalIndent (two spaces, no newline); both HTML-safe (<, >, & and
 * U+2028, U+2029 escaped), as encoding/json writes strings.
 */
export function goJsonText(body: unknown, pretty: boolean): string {
  return pretty ? goHtmlEscaped(JSON.stringify(body, null, 2)) : `${goHtmlEscaped(JSON.stringify(body))}\n`;
}

/** ObjectMeta's fields in the struct's order, which json.Marshal writes them in. */
const objectMetaOrder: ReadonlyMap<string, number> = new Map(
  ["name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields"].map((k, i) => [k, i]),
);

/** metav1.Status's and StatusDetails' fields in their structs' order. */
const statusOrder: ReadonlyMap<string, number> = new Map(["kind", "apiVersion", "metadata", "status", "message", "reason", "details", "code"].map((k, i) => [k, i]));
const statusDetailsOrder: ReadonlyMap<string, number> = new Map(["name", "group", "kind", "uid", "causes", "retryAfterSeconds"].map((k, i) => [k, i]));

function metaInGoOrder(meta: unknown, order: ReadonlyMap<string, number> = objectMetaOrder): unknown {
  if (meta === null || typeof meta !== "object" || Array.isArray(meta)) return meta;
  const keys = Object.keys(meta);
  const rank = (k: string) => order.get(k) ?? order.size;
  if (keys.every((k, i) => i === 0 || rank(keys[i - 1]!) <= rank(k))) return meta;
  const out: Record<string, unknown> = {};
  for (const k of [...keys].sort((a, b) => rank(a) - rank(b))) Object.defineProperty(out, k, { value: (meta as Record<string, unknown>)[k], enumerable: true, writable: true, configurable: true });
  return out;
}

/**
 * An object (or a list's items) with metadata in ObjectMeta's field order: the store sets a
 * version's resourceVersion after the rest of the object, where Go writes it after uid.
 */
export function inGoFieldOrder(obj: unknown, listItem = false): unknown {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return obj;
  const o = obj as Record<string, unknown>;
  if (isUnstructured(o)) return unstructuredAnswer(o);
  let out = o;
  if (o.kind === "Status") {
    const details = metaInGoOrder(o.details, statusDetailsOrder);
    return metaInGoOrder(details === o.details ? o : { ...o, details }, statusOrder);
  }
  if (Array.isArray(o.items) && typeof o.kind === "string" && o.kind.endsWith("List")) {
    // a typed list's items carry no kind (withoutItemTypes): their metadata is ordered all the same
    const items = o.items.map((x) => inGoFieldOrder(x, true));
    if (items.some((x, i) => x !== (o.items as unknown[])[i])) out = { ...out, items };
  } else if (Object.hasOwn(o, "metadata") && (typeof o.kind === "string" || listItem)) {
    const metadata = metaInGoOrder(o.metadata);
    if (metadata !== o.metadata) out = { ...out, metadata };
  }
  return out;
}

/**
 * A built-in kind's list as the typed encoder writes it: only the list carries kind and apiVersion,
 * its items' TypeMeta is empty (client-go's UnstructuredList fills them back in: "For typed lists,
 * e.g., a PodList, API server doesn't set each item's APIVersion and Kind"). A custom resource's
 * list is unstructured and keeps them.
 */
export function withoutItemTypes(obj: unknown): unknown {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return obj;
  const o = obj as Record<string, unknown>;
  if (!Array.isArray(o.items) || typeof o.kind !== "string" || !o.kind.endsWith("List")) return obj;
  const typed = (x: unknown) => x !== null && typeof x === "object" && (Object.hasOwn(x, "kind") || Object.hasOwn(x, "apiVersion"));
  if (!o.items.some(typed)) return obj;
  const items = o.items.map((x) => {
    if (!typed(x)) return x;
    const { kind: _k, apiVersion: _v, ...rest } = x as Record<string, unknown>;
    return rest;
  });
  return { ...o, items };
}

function prettyFor(res: ServerResponse): boolean {
  const req = (res as ServerResponse & { req?: IncomingMessage }).req;
  if (!req) return false;
  const url = req.url ?? "";
  const at = url.indexOf("?");
  // NegotiateOutputMediaType: the negotiated clause's pretty=1, or isPrettyPrint
  return acceptAsksPretty(req.headers.accept) || isPrettyPrint(at < 0 ? "" : url.slice(at + 1), req.headers["user-agent"]);
}

/** Answers negotiated as application/yaml: the yaml serializer writes their objects and Statuses. */
const yamlAnswers = new WeakSet<ServerResponse>();

function send(res: ServerResponse, code: number, body: unknown, contentType = "application/json"): void {
  if (typeof body !== "string" && contentType === "application/json" && yamlAnswers.has(res)) {
    const text = goYamlText(inGoFieldOrder(body));
    res.writeHead(code, { "Content-Type": "application/yaml", "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-cache, private" });
    return void res.end(text);
  }
  const text = typeof body === "string" ? body : goJsonText(inGoFieldOrder(body), prettyFor(res));
  res.writeHead(code, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-cache, private" });
  res.end(text);
}

/** Adds the Warning headers of a request's warnings (unknown fields under fieldValidation=Warn) after any already set. */
function setWarnings(res: ServerResponse, warnings: readonly string[]): void {
  if (warnings.length === 0) return;
  const prev = res.getHeader("Warning");
  const before = prev === undefined ? [] : Array.isArray(prev) ? prev : [String(prev)];
  res.setHeader("Warning", [...before, ...warningHeaders(warnings).filter((w) => !before.includes(w))]);
}

/** The deprecation warning the installer adds to every request to a deprecated resource (KEP-4974: v1 Endpoints). */
function deprecationWarnings(r: ResourceInfo): string[] {
  // apiextensions-apiserver's crdHandler: every request to a deprecated version of a custom resource
  if (r.custom?.deprecationWarning !== undefined) return [r.custom.deprecationWarning];
  if (r.group !== "") return [];
  // the deprecation filter's "<gv> <kind> is deprecated in v<major>.<minor>+[; use <gv> <kind>]" (APILifecycleDeprecated)
  if (r.resource === "endpoints") return ["v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"];
  if (r.resource === "componentstatuses") return ["v1 ComponentStatus is deprecated in v1.19+"];
  return [];
}

/**
 * GET of componentstatuses (componentstatus/rest.go, a Getter and Lister, no Watcher): every object
 * computed from the servers' probes now, the list filtered by label and metadata.name selectors; a
 * name it does not probe is the plain error "Component not found: <name>", a 500.
 */
function serveComponentStatuses(cluster: Cluster, r: ResourceInfo, name: string | undefined, q: URLSearchParams, send: (code: number, obj: unknown) => void): void {
  serveComputed(cluster.componentStatuses(), "ComponentStatusList", "v1", r, name, q, send,
    (n) => send(500, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `Component not found: ${n}`, code: 500 }));
}

/**
 * GET of apiservices: kube-aggregator's objects computed from what is served now (apiservices.ts);
 * a name nothing serves is the store's NotFound. podflow serves them read-only and unwatched.
 */
function serveAPIServices(cluster: Cluster, r: ResourceInfo, name: string | undefined, q: URLSearchParams, send: (code: number, obj: unknown) => void): void {
  serveComputed(cluster.apiServices(), "APIServiceList", "apiregistration.k8s.io/v1", r, name, q, send, (n) => send(404, S.notFound(r, n)));
}

/** GET of flowschemas and prioritylevelconfigurations: the bootstrap configuration (flowcontrol.ts). */
function serveFlowControl(cluster: Cluster, r: ResourceInfo, name: string | undefined, q: URLSearchParams, send: (code: number, obj: unknown) => void): void {
  const kind = r.kind === "FlowSchema" ? "FlowSchema" : "PriorityLevelConfiguration";
  serveComputed(cluster.flowControl(kind), `${kind}List`, "flowcontrol.apiserver.k8s.io/v1", r, name, q, send, (n) => send(404, S.notFound(r, n)));
}

/**
 * The user API Priority and Fairness classifies: the filter runs after authentication (whose group
 * adder gives every authenticated user system:authenticated) and impersonation.
 */
function apfUser(cluster: Cluster, who: Pick<ApiRequest, "token" | "impersonate" | "x509">): RequestDigest["user"] {
  const imp = who.impersonate;
  if (imp?.user !== undefined) {
    // the impersonation filter adds a service account's groups and system:authenticated
    const sa = /^system:serviceaccount:([^:]+):[^:]+$/.exec(imp.user);
    const groups = [...(imp.groups ?? []), ...(sa ? ["system:serviceaccounts", `system:serviceaccounts:${sa[1]}`] : [])];
    return { name: imp.user, groups: imp.user === "system:anonymous" ? groups : [...groups, "system:authenticated"] };
  }
  const cert = who.x509;
  const byToken = who.token ? cluster.authenticate(who.token) : undefined;
  const u = cert !== undefined && "user" in cert ? { name: cert.user, groups: cert.groups ?? [] } : byToken ? { name: byToken.name, groups: byToken.groups ?? [] } : undefined;
  if (u === undefined) return { name: "system:anonymous", groups: ["system:unauthenticated"] };
  return u.groups.includes("system:authenticated") ? u : { name: u.name, groups: [...u.groups, "system:authenticated"] };
}

/**
 * setResponseHeaders (priority-and-fairness.go): the uids of the FlowSchema and priority level that
 * classified the request, set before the handler answers; long-running requests other than watches
 * (exec, attach, portforward, log, proxy) pass the filter unclassified.
 */
function setFlowControlHeaders(cluster: Cluster, res: ServerResponse, d: RequestDigest): void {
  const fs = classify(cluster.flowControl("FlowSchema"), d);
  if (fs === undefined) return;
  const pl = cluster.flowControl("PriorityLevelConfiguration").find((p) => p.metadata.name === fs.spec.priorityLevelConfiguration.name);
  if (pl === undefined) return;
  res.setHeader("X-Kubernetes-PF-PriorityLevel-UID", pl.metadata.uid);
  res.setHeader("X-Kubernetes-PF-FlowSchema-UID", fs.metadata.uid);
}

const longRunningSubresources = new Set(["attach", "exec", "proxy", "log", "portforward"]);

/** GET of csinodes: each Node's, as its kubelet creates it (csinode.ts). */
function serveCSINodes(cluster: Cluster, r: ResourceInfo, name: string | undefined, q: URLSearchParams, send: (code: number, obj: unknown) => void): void {
  serveComputed(cluster.csiNodes(), "CSINodeList", "storage.k8s.io/v1", r, name, q, send, (n) => send(404, S.notFound(r, n)));
}

/** One computed object by name, or the list filtered by label and field selectors; no watch. */
function serveComputed(all: readonly any[], listKind: string, apiVersion: string, r: ResourceInfo, name: string | undefined, q: URLSearchParams, send: (code: number, obj: unknown) => void, missing: (name: string) => void): void {
  if (name === undefined && boolParam(q, "watch")) return send(405, S.methodNotSupported(r, "watch"));
  if (name !== undefined) {
    const one = all.find((c) => c.metadata.name === name);
    return one ? send(200, one) : missing(name);
  }
  const labels = q.get("labelSelector") ? parseSelector(q.get("labelSelector")!) : [];
  if ("error" in labels) return send(400, S.badRequest(labels.error));
  const fields = q.get("fieldSelector") ? parseFieldSelector(q.get("fieldSelector")!) : [];
  if ("error" in fields) return send(400, S.badRequest(fields.error));
  const refused = fields.map((f) => fieldLabelError(r.kind, f.field)).find((e) => e !== undefined);
  if (refused !== undefined) return send(400, S.badRequest(refused));
  const items = all.filter((c) => matchesRequirements(labels, c.metadata.labels ?? {}) && matchesFieldSelector(fields, objectFields(c)));
  send(200, { kind: listKind, apiVersion, metadata: {}, items });
}

/** Writes a Status with the HTTP code it carries. */
export function sendStatus(res: ServerResponse, st: Status): void {
  // ErrorNegotiated: a Status that says when to retry says it in Retry-After too
  const retry = st.details?.retryAfterSeconds;
  if (typeof retry === "number" && retry > 0) res.setHeader("Retry-After", String(retry));
  send(res, st.code ?? 500, st);
}

/** WithPanicRecovery's answer to a handler that panicked: net/http's http.Error, plain text and a newline. */
function sendPanicRecovered(res: ServerResponse): void {
  if (res.headersSent) return void res.end();
  const text = `${S.panicRecoveredText}\n`;
  res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

/** kube-apiserver's --max-request-bytes default (MaxRequestBodyBytes): 3 MiB. */
export const maxRequestBodyBytes = 3 * 1024 * 1024;

/** The 413 limitedReadBody answers a body over the limit with. */
export function requestEntityTooLarge(limit = maxRequestBodyBytes): Status {
  return S.requestEntityTooLarge(`limit is ${limit}`);
}

/**
 * The request body, or undefined when it is over the limit: reading stops there, so a client
 * never makes the server hold more than the limit (a declared Content-Length over it is refused
 * before a byte is read).
 */
function readBody(req: IncomingMessage, limit = maxRequestBodyBytes): Promise<Buffer | undefined> {
  if (Number(req.headers["content-length"]) > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (v: Buffer | undefined, err?: Error) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
      if (err) reject(err);
      else resolve(v);
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.pause();
        return done(undefined);
      }
      chunks.push(c);
    };
    const onEnd = () => done(Buffer.concat(chunks));
    const onError = (e: Error) => done(undefined, e);
    // a connection closed before the body ended (the client left, or the timeout filter answered)
    const onClose = () => {
      if (!req.complete) done(undefined, new Error("the request body ended before its end"));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

/** True when the request carries a body (a length or chunks) that may be still unread. */
function hasBody(req: IncomingMessage): boolean {
  return Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
}

/** net/http's maxPostHandlerReadBytes: the most of a body a handler left unread the server reads to keep the connection. */
const maxPostHandlerReadBytes = 256 << 10;

/**
 * When the answer's head is written while the body is still coming and may be 256 KiB or more
 * (chunked, or so declared), the connection closes after the answer (net/http's requestTooLarge):
 * Node would otherwise read and drop all of it, a trickled body keeping the connection forever.
 */
function closeIfBodyLeftUnread(req: IncomingMessage, res: ServerResponse): void {
  const declared = Number(req.headers["content-length"] ?? 0);
  const chunked = req.headers["transfer-encoding"] !== undefined;
  if (!chunked && !(declared >= maxPostHandlerReadBytes)) return;
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse["writeHead"]>) {
    if (!req.complete && !this.headersSent) this.setHeader("Connection", "close");
    return writeHead.apply(this, args);
  } as ServerResponse["writeHead"];
}

/**
 * Answers before (all of) the body is read: the connection closes after the answer, as Go's
 * server does when a handler leaves a large body unread, so the rest is never buffered.
 */
function refuseUnread(req: IncomingMessage, res: ServerResponse, st: Status): void {
  if (hasBody(req) && !req.complete) res.setHeader("Connection", "close");
  sendStatus(res, st);
}

/** The 400 Go's net/http writes for a request line it cannot parse, before any handler runs. */
function sendMalformed(res: ServerResponse): void {
  const text = "400 Bad Request";
  res.writeHead(400, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": text.length, Connection: "close" });
  res.end(text);
}

/** The 429 the max-in-flight (and priority and fairness) filter writes: http.Error's plain text, Retry-After 1. */
function sendTooManyRequests(req: IncomingMessage, res: ServerResponse): void {
  const text = "Too many requests, please try again later.\n";
  res.writeHead(429, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff", "Retry-After": "1", "Content-Length": Buffer.byteLength(text), ...(hasBody(req) ? { Connection: "close" } : {}) });
  res.end(text);
}

/** Node's HTTP connection setup (node:_http_server), to give it back a connection served here. */
const connectionListener = (createRequire(import.meta.url)("_http_server") as { _connectionListener: (this: Server, socket: Duplex) => void })._connectionListener;

/** secure_serving.go's http.Server: MaxHeaderBytes (the request line and headers), ReadHeaderTimeout, IdleTimeout. */
export const maxHeaderBytes = 1 << 20;
/** initialReadLimitSize: net/http reads a request's head up to MaxHeaderBytes plus 4096 ("bufio slop"). */
const headReadLimit = maxHeaderBytes + 4096;
const readHeaderTimeoutMs = 32_000;
const idleTimeoutMs = 90_000;
/** How often Node looks for requests past headersTimeout: the lateness of the ReadHeaderTimeout cut. */
const headerSweepMs = 1_000;

/** kube-apiserver's --request-timeout default: a request that is not long-running gets this long. */
export const requestTimeoutMs = 60_000;

/**
 * WithTimeoutForNonLongRunningRequests: past the request timeout, a request whose handler has
 * written nothing gets 504 (baseTimeoutWriter.timeout encodes the bare StatusError, without kind and
 * apiVersion); one whose answer has begun is cut (http.ErrAbortHandler). The handler may still be
 * waiting for a body that never ends: the connection closes, so that wait ends too.
 */
function timeoutNonLongRunning(res: ServerResponse, ms: number): void {
  const timer = setTimeout(() => {
    if (res.headersSent) return void res.destroy();
    const text = JSON.stringify({ metadata: {}, status: "Failure", message: "Timeout: request did not complete within the allotted timeout", reason: "Timeout", details: {}, code: 504 }) + "\n";
    res.writeHead(504, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(text), Connection: "close" });
    res.end(text);
    // later writes of the handler are dropped, as the timeout writer drops them
    res.writeHead = (() => res) as typeof res.writeHead;
    res.write = (() => false) as typeof res.write;
    res.end = (() => res) as typeof res.end;
  }, ms);
  res.once("close", () => clearTimeout(timer));
}

/** The body of a write, or undefined after answering 413 (the connection then closes). */
async function writeBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
  const raw = await readBody(req);
  if (raw === undefined) refuseUnread(req, res, requestEntityTooLarge());
  return raw;
}

/**
 * A boolean query parameter as apimachinery's Convert_Slice_string_To_bool reads it: absent, "0" or
 * "false" (any case) is false; any other value, the empty one included, is true.
 */
export function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v !== null && v !== "0" && v.toLowerCase() !== "false";
}

/** strconv.ParseInt(s, 10, 64), as the query conversion calls it: the number, or Go's error text. */
export function goParseInt64(s: string): { value: number } | { error: string } {
  if (!/^[+-]?[0-9]+$/.test(s)) return { error: `strconv.ParseInt: parsing ${S.goQuote(s)}: invalid syntax` };
  const b = BigInt(s);
  if (b > 9223372036854775807n || b < -9223372036854775808n) return { error: `strconv.ParseInt: parsing ${S.goQuote(s)}: value out of range` };
  return { value: Number(b) };
}

/** An integer query parameter, or undefined when it is absent or not an int64 (see intParamsError). */
function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  const n = goParseInt64(v);
  return "value" in n ? n.value : undefined;
}

/**
 * The 400 ParameterCodec.DecodeParameters' error becomes when an integer option (timeoutSeconds,
 * limit, gracePeriodSeconds, in the order of their struct) is no int64: NewBadRequest(err.Error()).
 */
export function intParamsError(q: URLSearchParams, names: readonly string[]): Status | undefined {
  for (const name of names) {
    const v = q.get(name);
    if (v === null) continue;
    const n = goParseInt64(v);
    if ("error" in n) return S.badRequest(n.error);
  }
  return undefined;
}

/** The options kind of a query that is not valid ListOptions (NewInvalid of meta.k8s.io ListOptions). */
const listOptionsKind: ResourceInfo = { group: "meta.k8s.io", version: "v1", kind: "ListOptions", resource: "", singular: "", namespaced: false, shortNames: [], verbs: [], subresources: [] };

/**
 * apimachinery's ValidateListOptions (pkg/apis/meta/internalversion/validation), which ListResource
 * runs before a list or watch is served: resourceVersionMatch only with a resourceVersion and without
 * continue, and only Exact or NotOlderThan; sendInitialEvents (present, whatever its value) only on a
 * watch, and there only with resourceVersionMatch=NotOlderThan (the WatchList gate is on).
 */
export function listOptionsError(q: URLSearchParams): Status | undefined {
  const match = q.get("resourceVersionMatch") ?? "";
  const rv = q.get("resourceVersion") ?? "";
  const cont = q.get("continue") ?? "";
  const initial = q.has("sendInitialEvents");
  const errs: S.FieldError[] = [];
  if (boolParam(q, "watch")) {
    if (initial && match !== "NotOlderThan") errs.push(S.forbiddenField("resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"));
    if (match !== "") {
      if (!initial) errs.push(S.forbiddenField("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
      if (match !== "NotOlderThan") errs.push(S.notSupported("resourceVersionMatch", match, ["NotOlderThan"]));
      if (cont !== "") errs.push(S.forbiddenField("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
    }
  } else {
    if (match !== "") {
      if (rv === "") errs.push(S.forbiddenField("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"));
      if (cont !== "") errs.push(S.forbiddenField("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
      if (match !== "Exact" && match !== "NotOlderThan") errs.push(S.notSupported("resourceVersionMatch", match, ["Exact", "NotOlderThan", ""]));
      if (match === "Exact" && rv === "0") errs.push(S.forbiddenField("resourceVersionMatch", 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
    }
    if (initial) errs.push(S.forbiddenField("sendInitialEvents", "sendInitialEvents is forbidden for list"));
  }
  return errs.length > 0 ? S.invalid(listOptionsKind, "", errs) : undefined;
}

/**
 * A get, list or watch at a resourceVersion that is no uint64: the storage's versioner
 * (APIObjectVersioner.ParseResourceVersion) returns a storage.InvalidError, which no handler maps to
 * an API status, so ErrorToAPIStatus answers 500 without a reason (kubernetes/kubernetes#101350,
 * #139485: "resourceVersion: Invalid value: \"-1\": strconv.ParseUint: parsing \"-1\": invalid syntax").
 */
export function resourceVersionError(rv: string | null): Status | undefined {
  if (rv === null || rv === "" || rv === "0") return undefined;
  let why: string | undefined;
  if (!/^[0-9]+$/.test(rv)) why = "invalid syntax";
  // past twenty digits (leading zeros aside, as ParseUint reads them) it is out of range without
  // reading it as a number: a 100,000-digit one too
  else if (rv.replace(/^0+/, "").length > 20 || BigInt(rv) > 18446744073709551615n) why = "value out of range";
  if (why === undefined) return undefined;
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `resourceVersion: Invalid value: ${S.goQuote(rv)}: strconv.ParseUint: parsing ${S.goQuote(rv)}: ${why}`, code: 500 };
}

/** The watch cache's blockTimeout: how long a read at a resourceVersion it has not reached waits for it. */
export const freshnessTimeoutMs = 3_000;

/**
 * The resourceVersion a get or list must wait for the watch cache to reach (waitUntilFreshAndBlock),
 * or undefined: a get or list at any resourceVersion but "" and "0" (exact lists included: the
 * watch cache serves their snapshot, shouldDelegateExactRV), a continued list at its token's. A
 * watch waits only to send initial events (serveWatch).
 */
function freshnessWanted(q: URLSearchParams, named: boolean): bigint | undefined {
  const rv = q.get("resourceVersion") ?? "";
  const cont = q.get("continue") ?? "";
  if (!named && !boolParam(q, "watch") && cont !== "") {
    // waitUntilFreshAndList: a continued list waits for its token's revision (a valid token's, asked
    // without a resourceVersion beside it: ValidateListOptions refuses the others before any wait)
    if (rv !== "" && rv !== "0") return undefined;
    const token = decodeContinue(cont, "/");
    return "rv" in token && token.rv > 0 ? BigInt(token.rv) : undefined;
  }
  if (rv === "" || rv === "0" || !/^[0-9]+$/.test(rv)) return undefined;
  if (!named && boolParam(q, "watch")) return undefined;
  // an exact list (resourceVersionMatch=Exact, or the legacy limit with a resourceVersion) waits too:
  // the watch cache serves it from its snapshot at that revision once it has reached it
  return BigInt(rv);
}

/**
 * Waits until the watch cache reaches resourceVersion `wanted`, for at most blockTimeout; past it,
 * NewTooLargeResourceVersionError: 504 Timeout, retry after 1 s, with a ResourceVersionTooLarge cause.
 * Undefined when it was reached (or the client went away).
 */
async function untilFresh(cluster: Cluster, wanted: bigint, res: ServerResponse, timeoutMs: number): Promise<Status | undefined> {
  const end = Date.now() + timeoutMs;
  let gone = false;
  res.once("close", () => (gone = true));
  while (BigInt(cluster.cacheRevision()) < wanted && !gone) {
    if (Date.now() >= end) return tooLargeResourceVersion(wanted, cluster.cacheRevision());
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}

/** storage.NewTooLargeResourceVersionError, as the watch cache answers a read it waited for in vain. */
export const tooLargeResourceVersion = S.tooLargeResourceVersion;

/** ListOptions' integer fields, in their struct order. */
const listIntParams = ["timeoutSeconds", "limit"] as const;

/** The list/watch options of a query string, as ApiRequest fields. */
function listOptions(q: URLSearchParams): Partial<ApiRequest> {
  const out: Partial<ApiRequest> = {};
  const ls = q.get("labelSelector");
  if (ls) out.labelSelector = ls;
  const fs = q.get("fieldSelector");
  if (fs) out.fieldSelector = fs;
  const rv = q.get("resourceVersion");
  if (rv !== null) out.resourceVersion = rv;
  const match = q.get("resourceVersionMatch");
  if (match === "Exact" || match === "NotOlderThan") out.resourceVersionMatch = match;
  const limit = intParam(q, "limit");
  if (limit !== undefined) out.limit = limit;
  const cont = q.get("continue");
  if (cont) out.continue = cont;
  return out;
}

/**
 * A custom resource's body as the unstructured decoder takes it: any JSON object, its unknown
 * fields (those its schema prunes) refused under Strict and reported under Warn.
 */
function decodeCustomBody(raw: Buffer, body: unknown, r: ResourceInfo, fv: FieldValidation, dups: readonly string[]): { body: any; warnings: string[] } | { status: Status } {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return { status: S.badRequest(`Object 'Kind' is missing in '${JSON.stringify(body)}'`) };
  const kept = tooDeepBody(raw, r.kind, body, maxCustomDepth);
  if ("status" in kept) return kept;
  const sent = body as Record<string, unknown>;
  const apiVersion = typeof sent.apiVersion === "string" ? sent.apiVersion : apiVersionOf(r);
  const kind = typeof sent.kind === "string" && sent.kind !== "" ? sent.kind : r.kind;
  const head = `${kind} in version ${S.goQuote(apiVersion.slice(apiVersion.lastIndexOf("/") + 1))} cannot be handled as a ${r.kind}`;
  const read = unstructuredNumbers(kept.body);
  if ("error" in read) return { status: S.badRequest(`${head}: ${read.error}`) };
  const unknown = pruned(body, r.custom?.schema).unknown.map((f) => `unknown field ${S.goQuote(f)}`);
  const strict = [...(dups.length > 0 ? [`yaml: unmarshal errors:\n  ${dups.join("\n  ")}`] : []), ...unknown];
  if (fv === "Strict" && strict.length > 0) return { status: S.badRequest(`${head}: strict decoding error: ${strict.join(", ")}`) };
  return { body: read.value, warnings: fv === "Warn" ? [...dups, ...unknown] : [] };
}

// Kinds metav1.AddToGroupVersion registers in every group version, and the unversioned ones it
// registers in v1 (with core/v1's List): a body of one of them decodes, then fails to convert.
const optionsKinds = new Set(["WatchEvent", "ListOptions", "GetOptions", "DeleteOptions", "CreateOptions", "UpdateOptions", "PatchOptions"]);
const coreV1MetaKinds = new Set(["Status", "APIVersions", "APIGroupList", "APIGroup", "APIResourceList", "List"]);
// Groups served outside legacyscheme (apiextensions-apiserver, kube-aggregator): their kinds are not in it.
const outsideLegacyScheme = new Set(["apiextensions.k8s.io", "apiregistration.k8s.io"]);

/** Whether legacyscheme knows a kind in a group version: a served kind, its List, a subresource's kind, or a meta kind. */
function legacySchemeHas(group: string, version: string, kind: string): boolean {
  if (outsideLegacyScheme.has(group)) return false;
  // a kind served at this version directly, or converted to the version it is stored at
  const inGv = resources.filter((x) => x.group === group && (x.version === version || requestConversion(x, version) !== undefined));
  if (inGv.length === 0) return false;
  if (optionsKinds.has(kind) || (group === "" && version === "v1" && coreV1MetaKinds.has(kind))) return true;
  if (inGv.some((x) => x.kind === kind || `${x.kind}List` === kind)) return true;
  return (group === "autoscaling" && version === "v1" && kind === "Scale") || (group === "policy" && kind === "Eviction") || (group === "authentication.k8s.io" && kind === "TokenRequest");
}

/** The Go package of a group's internal types, which a decoded body is converted to. */
function internalPackage(group: string): string {
  if (group === "" || group === "events.k8s.io") return "core";
  if (group === "internal.apiserver.k8s.io") return "apiserverinternal";
  return group.split(".")[0]!;
}

/**
 * A built-in kind's body as the json serializer reads its type: FromAPIVersionAndKind (an apiVersion
 * ParseGroupVersion refuses is none), gvkWithDefaults against the endpoint's, then the codec's
 * conversion to the internal type. An empty or unparsable apiVersion, or an empty kind, is the
 * endpoint's, and the body is given it; another kind is transformDecodeError's 400: not registered,
 * or registered and no conversion to the endpoint's type.
 */
function decodeKindError(r: ResourceInfo, body: any): Status | undefined {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return undefined;
  if ((body.apiVersion !== undefined && typeof body.apiVersion !== "string") || (body.kind !== undefined && typeof body.kind !== "string")) return undefined;
  const sent: string = body.apiVersion ?? "";
  const slashes = sent.split("/").length - 1;
  let group = "";
  let version = "";
  if (sent !== "/" && slashes === 1) [group, version] = sent.split("/") as [string, string];
  else if (slashes === 0) version = sent;
  const kind: string = body.kind || r.kind;
  if (version === "" && group === "") [group, version] = [r.group, r.version];
  else if (version === "" && group === r.group) version = r.version;
  if (kind === r.kind && group === r.group && version === r.version) {
    if (body.apiVersion !== undefined) body.apiVersion = apiVersionOf(r);
    if (body.kind !== undefined) body.kind = r.kind;
    return undefined;
  }
  const gv = group === "" ? version : `${group}/${version}`;
  // the same kind in another version converts; the handler's AcceptsGroupVersion refuses its version
  if (kind === r.kind && legacySchemeHas(group, version, kind)) return S.badRequest(`the API version in the data (${gv}) does not match the expected API version (${apiVersionOf(r)})`);
  const prefix = `${kind} in version ${S.goQuote(version)} cannot be handled as a ${r.kind}: `;
  if (!legacySchemeHas(group, version, kind)) return S.badRequest(`${prefix}no kind ${S.goQuote(kind)} is registered for version ${S.goQuote(gv)} in scheme "pkg/api/legacyscheme/scheme.go:30"`);
  return S.badRequest(`${prefix}converting (${version}.${kind}) to (${internalPackage(r.group)}.${r.kind}): unknown conversion`);
}

// A create subresource's scope.Kind (its REST's GroupVersionKind): the body decodes as that kind.
const subresourceKinds = new Map<string, { group: string; version: string; kind: string }>([
  ["binding", { group: "", version: "v1", kind: "Binding" }],
  ["eviction", { group: "policy", version: "v1", kind: "Eviction" }],
  ["token", { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest" }],
]);

/**
 * A subresource create's body as createHandler decodes it into its REST's New(): another kind is
 * transformDecodeError's 400 (a Pod sent to pods/eviction does not evict). EvictionREST accepts
 * policy/v1beta1 Evictions too (AcceptsGroupVersion, pkg/registry/core/pod/storage/eviction.go).
 */
function subresourceKindError(subresource: string, body: any): Status | undefined {
  const at = subresourceKinds.get(subresource);
  if (!at) return undefined;
  if (subresource === "eviction" && body !== null && typeof body === "object" && body.apiVersion === "policy/v1beta1" && (body.kind === "Eviction" || body.kind === undefined || body.kind === "")) return undefined;
  return decodeKindError({ ...at, resource: subresource, singular: subresource, namespaced: true, shortNames: [], verbs: [], subresources: [] }, body);
}

/** Versions of a group other than the served one are unknown kinds to the decoder. */
function decodeVersionError(r: ResourceInfo, body: any): Status | undefined {
  if (!r.custom && !outsideLegacyScheme.has(r.group)) return decodeKindError(r, body);
  if (body === null || typeof body !== "object" || typeof body.apiVersion !== "string" || body.apiVersion === apiVersionOf(r)) return undefined;
  const known = resources.some((x) => x.kind === body.kind && apiVersionOf(x) === body.apiVersion);
  if (known) return undefined;
  const slash = body.apiVersion.lastIndexOf("/");
  const version = slash < 0 ? body.apiVersion : body.apiVersion.slice(slash + 1);
  const kind = typeof body.kind === "string" && body.kind !== "" ? body.kind : r.kind;
  return S.badRequest(`${kind} in version ${S.goQuote(version)} cannot be handled as a ${r.kind}: no kind ${S.goQuote(kind)} is registered for version ${S.goQuote(body.apiVersion)} in scheme "pkg/api/legacyscheme/scheme.go:30"`);
}

/** The dryRun option of a write: every value must be "All" (metav1 validation.ValidateDryRun), else the
 * options kind is Invalid, as the handlers answer before decoding the body. */
function optionsInfo(kind: string): ResourceInfo {
  return { group: "meta.k8s.io", version: "v1", kind, resource: "", singular: "", namespaced: false, shortNames: [], verbs: [], subresources: [] };
}

/** ValidatePatchOptions' apply rules, then ValidateFieldManager: at most 128 bytes of printable characters. */
function fieldManagerErrors(q: URLSearchParams, optionsKind: "CreateOptions" | "UpdateOptions" | "PatchOptions", apply: boolean): S.FieldError[] {
  const manager = q.get("fieldManager") ?? "";
  const errs: S.FieldError[] = [];
  if (optionsKind === "PatchOptions") {
    if (apply && manager === "") errs.push(S.required("fieldManager", "is required for apply patch"));
    if (!apply && q.has("force")) errs.push(S.forbiddenField("force", "may not be specified for non-apply patch"));
  }
  if (Buffer.byteLength(manager) > fieldManagerMaxLength) errs.push(S.tooLong("fieldManager", "", fieldManagerMaxLength));
  let pos = 0;
  for (const ch of manager) {
    if (!isPrintable(ch)) errs.push(S.invalidValue("fieldManager", manager, `invalid character ${goRuneName(ch)} (at position ${pos})`));
    pos += Buffer.byteLength(ch);
  }
  return errs;
}

/**
 * A write's options as ValidateCreateOptions, ValidateUpdateOptions and ValidatePatchOptions judge
 * them: one 422 of the options kind listing every error in their order (an apply's fieldManager or
 * a non-apply's force, fieldManager's length and characters, dryRun, fieldValidation), not the first alone.
 */
export function writeOptionsOf(q: URLSearchParams, optionsKind: "CreateOptions" | "UpdateOptions" | "PatchOptions", apply: boolean, userAgent: string | undefined): { manager: string; dryRun: boolean; fieldValidation: FieldValidation } | { status: Status } {
  const dryRun = q.getAll("dryRun");
  const errs = [...fieldManagerErrors(q, optionsKind, apply), ...dryRunErrors(dryRun), ...fieldValidationErrors(q)];
  if (errs.length > 0) return { status: S.invalid(optionsInfo(optionsKind), "", errs) };
  const fv = q.get("fieldValidation") ?? "";
  return { manager: managerOrUserAgent(q.get("fieldManager") ?? "", userAgent), dryRun: dryRun.length > 0, fieldValidation: fv === "" ? "Warn" : (fv as FieldValidation) };
}

/** %#U of a rune: U+0007, with the character quoted when it is printable. */
function goRuneName(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

export function dryRunOf(values: readonly string[], optionsKind: "CreateOptions" | "UpdateOptions" | "PatchOptions" | "DeleteOptions"): { dryRun: boolean } | { status: Status } {
  const errs = dryRunErrors(values);
  if (errs.length > 0) return { status: S.invalid(optionsInfo(optionsKind), "", errs) };
  return { dryRun: values.length > 0 };
}

/** ValidateDryRun: every value must be "All". */
function dryRunErrors(values: readonly string[]): S.FieldError[] {
  return values.some((v) => v !== "All") ? [S.notSupported("dryRun", [...values], ["All"])] : [];
}

// strconv.ParseBool's true spellings: how the query's *bool option is read.
const goTrue = new Set(["1", "t", "T", "TRUE", "true", "True"]);

/** The DeleteOptions fields ValidateDeleteOptions reads, as decoded from the body or the query. */
export interface DeleteOptionsGiven {
  policy: unknown;
  orphanDependents: boolean;
  dryRun: readonly string[];
  /** ignoreStoreReadErrorWithClusterBreakingPotential is true */
  ignoreStoreReadError?: boolean;
  gracePeriodSeconds?: boolean;
  preconditions?: boolean;
}

/**
 * ValidateDeleteOptions (apimachinery v0.35.0), which DeleteResource and DeleteCollection run on the options
 * they decoded (body or query): propagationPolicy Foreground, Background or Orphan and never beside
 * orphanDependents, dryRun All, and ValidateIgnoreStoreReadError (the unsafe option set alone); one 422 of
 * meta.k8s.io DeleteOptions listing every error in that order.
 */
export function deleteOptionsError(o: DeleteOptionsGiven): Status | undefined {
  const errs: S.FieldError[] = [];
  const policySet = o.policy !== undefined && o.policy !== null;
  if (policySet && o.orphanDependents) errs.push(S.invalidValue("propagationPolicy", o.policy, "orphanDependents and deletionPropagation cannot be both set"));
  if (policySet && o.policy !== "Foreground" && o.policy !== "Background" && o.policy !== "Orphan") errs.push(S.notSupported("propagationPolicy", o.policy, ["Foreground", "Background", "Orphan", "nil"]));
  errs.push(...dryRunErrors(o.dryRun));
  if (o.ignoreStoreReadError) {
    const field = "ignoreStoreReadErrorWithClusterBreakingPotential";
    const with_ = (what: string) => S.invalidValue(field, true, `cannot be set together with .${what}`);
    if (o.dryRun.length > 0) errs.push(with_("dryRun"));
    if (policySet) errs.push(with_("propagationPolicy"));
    if (o.orphanDependents) errs.push(with_("orphanDependents"));
    if (o.gracePeriodSeconds) errs.push(with_("gracePeriodSeconds"));
    if (o.preconditions) errs.push(with_("preconditions"));
  }
  if (errs.length === 0) return undefined;
  const options: ResourceInfo = { group: "meta.k8s.io", version: "v1", kind: "DeleteOptions", resource: "", singular: "", namespaced: false, shortNames: [], verbs: [], subresources: [] };
  return S.invalid(options, "", errs);
}

/** What a handler that threw answers: a 500 Status while nothing was written, else the response ends. */
export function failWith500(res: ServerResponse): (e: unknown) => void {
  return (e) => {
    try {
      if (!res.headersSent) sendStatus(res, S.internalError(String((e as Error)?.message ?? e)));
      else res.end();
    } catch {
      res.destroy();
    }
  };
}

/** Serves the cluster's API over HTTP(S) until close() is called. */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const { cluster } = opts;
  const host = opts.host ?? "127.0.0.1";
  const tls = opts.tls ?? true;
  const certs: ServingCerts | undefined = tls ? (opts.certs ?? generateServingCerts()) : undefined;
  // the client certificates kube-controller-manager issues chain to the CA the server trusts
  if (certs) cluster.certificateSigner.useCA(certs.caCert, certs.caKey);
  const open = new Set<() => void>();
  const inFlight = { readonly: 0, mutating: 0, max: opts.maxRequestsInFlight ?? maxRequestsInFlight };
  // net/http's conn.serve reads a connection's next request only after the handler of the one
  // before it returned: pipelined requests are served one after another, so a GET sent right behind
  // a POST sees what the POST wrote. Node parses and hands them over at once; they wait here.
  const previous = new WeakMap<object, Promise<void>>();
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    // A response that fails to write (the client went away) must not become an uncaught 'error'.
    res.on("error", () => res.destroy());
    req.on("error", () => req.destroy());
    answerInRequestVersion(req, res);
    const finished = new Promise<void>((resolve) => {
      res.once("finish", resolve);
      res.once("close", resolve);
    });
    const before = previous.get(req.socket);
    previous.set(req.socket, before ? before.then(() => finished) : finished);
    if (before) void before.then(() => serveOne(req, res));
    else serveOne(req, res);
  };
  const serveOne = (req: IncomingMessage, res: ServerResponse) => {
    const fail = failWith500(res);
    if (unreadHeader(req)) return;
    closeIfBodyLeftUnread(req, res);
    try {
      if (opts.routes?.(req, res)) return;
      handle(cluster, req, res, { bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 10_000, open, serverAddress: `${host}:${port}`, inFlight, requestTimeoutMs: opts.requestTimeoutMs ?? requestTimeoutMs, freshnessTimeoutMs: opts.freshnessTimeoutMs ?? freshnessTimeoutMs, ...(certs ? { caCert: certs.caCert } : {}) }).catch(fail);
    } catch (e) {
      fail(e);
    }
  };
  // secure_serving.go: MaxHeaderBytes 1 MiB (Node's default is 16 KiB: a long label selector kube
  // serves was 431 here), ReadHeaderTimeout 32 s, IdleTimeout 90 s
  // requireHostHeader off: a request without Host is refused below in net/http's words, not Node's
  // connectionsCheckingInterval: Node finds a request past headersTimeout only when it sweeps its
  // connections (every 30 s by default), so a slowloris client held its connection up to 62 s
  // maxHeaderSize: Node counts the URL, names and values only, fewer bytes than net/http reads, so
  // it refuses no head Go would take; the rest of Go's limit is checked on the head's bytes (headTooLarge)
  const limits = { maxHeaderSize: headReadLimit, requireHostHeader: false, connectionsCheckingInterval: headerSweepMs };
  // tls.RequestClientCert: a client certificate is asked for (the CA named as acceptable) and
  // verified, but a connection without one, or with one that fails, goes on to the authenticators
  const clientAuth = { requestCert: true, rejectUnauthorized: false };
  const server: Server = certs ? createHttpsServer({ key: certs.key, cert: certs.cert, ca: certs.caCert, ...clientAuth, ...limits, allowHalfOpen: true }, handler) : createHttpServer(limits, handler);
  // the handshake gets ReadHeaderTimeout from the connection on (Node's 120 s, restarted by every
  // byte, let a slow client hold it), and plain HTTP gets net/http's 400
  if (certs) guardTlsHandshake(server as unknown as TlsServer, readHeaderTimeoutMs);
  // net/http answers a request whose client half-closed after sending it; Node's https server would
  // end the socket at the client's FIN (httpAllowHalfOpen false), as its http server does not
  if (certs) (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  // every TCP connection, TLS handshakes still in progress included (closeAllConnections knows only
  // the HTTP ones): a stopping server ends them all, or close() would wait on one a client left half-open
  const sockets = new Set<Socket>();
  // net/http writes "100 Continue" when the handler first reads the body (expectContinueReader):
  // a request refused before its body is read (401, 403, 415, 429) gets no 100 and its connection
  // closes. Node would send the 100 at once.
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    req.once("resume", () => {
      if (!res.headersSent) res.writeContinue();
    });
    handler(req, res);
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.headersTimeout = readHeaderTimeoutMs;
  // net/http bounds a request's head by its bytes only (MaxHeaderBytes): Node would drop every header
  // past its 2,000th, an Authorization or Impersonate-* header among them
  server.maxHeadersCount = 0;
  // a socket whose request Node's parser refused for its method alone is served here from its raw bytes
  const taken = new WeakSet<Duplex>();
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (taken.has(socket)) return;
    // a connection kept after such a request goes back to Node's HTTP server for the next one
    const handBack = (sock: Duplex) => {
      taken.delete(sock);
      connectionListener.call(server, sock);
    };
    if (err.code === "HPE_INVALID_METHOD" && serveUnknownMethod(err as NodeJS.ErrnoException & { rawPacket?: Buffer }, socket, handler, handBack)) return void taken.add(socket);
    if (err.code === "HPE_INVALID_TRANSFER_ENCODING" && /Content-Length/.test((err as { reason?: string }).reason ?? "") && reframeBothLengths(err as { rawPacket?: Buffer }, socket, handBack)) return;
    if (err.code === "HPE_UNEXPECTED_CONTENT_LENGTH" && /Duplicate/.test((err as { reason?: string }).reason ?? "") && dedupeContentLengths(err as { rawPacket?: Buffer }, socket, handBack)) return;
    answerUnreadable(err, socket);
  });
  server.keepAliveTimeout = idleTimeoutMs;
  // A request asking to upgrade (exec, attach, port-forward; or any other) leaves the HTTP server
  // with its socket: it is served by the same handler, its answer written on the socket.
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    if (headTooLarge(req)) return void socket.end(`HTTP/1.1 ${headerTooLargeText}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${headerTooLargeText}`);
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    res.on("finish", () => socket.end());
    res.on("error", () => socket.destroy());
    const fail = (e: unknown) => {
      try {
        if (!res.headersSent && !socket.destroyed) sendStatus(res, S.internalError(String((e as Error)?.message ?? e)));
        else socket.destroy();
      } catch {
        socket.destroy();
      }
    };
    const upgrade = { socket, head };
    try {
      handle(cluster, req, res, { upgrade, bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 10_000, open, serverAddress: `${host}:${port}`, inFlight, requestTimeoutMs: opts.requestTimeoutMs ?? requestTimeoutMs, freshnessTimeoutMs: opts.freshnessTimeoutMs ?? freshnessTimeoutMs, ...(certs ? { caCert: certs.caCert } : {}) }).catch(fail);
    } catch (e) {
      fail(e);
    }
  });
  let port = opts.port ?? 0;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `${certs ? "https" : "http"}://${host}:${port}`;
  // pods reach this server too, through the kubernetes Service (securepath.ts)
  const listening = port;
  cluster.serveSecurePort((msg) => securePortRequest(listening, certs !== undefined, msg));
  return {
    url,
    port,
    ...(certs ? { caCert: certs.caCert, caKey: certs.caKey } : {}),
    close: () =>
      new Promise<void>((resolve) => {
        for (const stop of open) stop();
        cluster.serveSecurePort(undefined);
        server.close(() => resolve());
        server.closeAllConnections?.();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/**
 * pods/proxy, services/proxy and nodes/proxy: authorized as the method's verb on the subresource (with the
 * name as given, port included), then proxied; the upstream's status and body are the answer.
 */
async function serveProxy(cluster: Cluster, asked: Omit<ApiRequest, "type" | "id" | "token" | "impersonate">, gate: (a: Omit<ApiRequest, "type" | "id" | "token" | "impersonate">, answer: () => unknown) => Promise<void>, p: ResourcePath, url: { path: string; rawQuery: string }, method: string, res: ServerResponse): Promise<void> {
  const decoded = unescapePath(url.path) ?? url.path;
  const redirect = rootPathRedirect(decoded, url.rawQuery, method);
  const path = upstreamPath(decoded, url.rawQuery);
  const sendRedirect = (location: string) => {
    res.writeHead(301, { Location: location, "Content-Length": 0 });
    res.end();
  };
  if (p.resource === "nodes" && p.namespace === undefined && p.name !== undefined) {
    return gate(asked, () => {
      const a = nodeProxyRequest(cluster, p.name!, method, path, redirect);
      if ("error" in a) return sendStatus(res, a.error);
      if ("redirect" in a) return sendRedirect(a.redirect);
      res.writeHead(a.status, { "Content-Type": a.contentType, "Content-Length": Buffer.byteLength(a.body), ...(a.location !== undefined ? { Location: a.location } : {}) });
      res.end(method === "HEAD" ? undefined : a.body);
    });
  }
  const resource = proxyResource(p.resource);
  if (!resource || p.namespace === undefined || p.name === undefined) return gate(asked, () => sendStatus(res, pathNotFound()));
  return gate(asked, async () => {
    const a = await proxyRequest(cluster, resource, p.namespace!, p.name!, method, path, redirect);
    if ("error" in a) return sendStatus(res, a.error);
    if ("redirect" in a) return sendRedirect(a.redirect);
    res.writeHead(a.status, { "Content-Type": /^\s*</.test(a.body) ? "text/html" : "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(a.body) });
    res.end(method === "HEAD" ? undefined : a.body);
  });
}

/**
 * A request Node's parser cannot read, answered as Go's net/http answers one it cannot read
 * (conn.serve): a header block past MaxHeaderBytes is 431, a transfer coding it does not take 501,
 * anything else malformed 400, each as plain text, and the connection closed; a client too slow to
 * send its headers (ReadHeaderTimeout) gets no answer at all.
 */
function answerUnreadable(err: NodeJS.ErrnoException, socket: Duplex): void {
  // a TLS error (a handshake cut by its deadline among them) closes the connection: there is no
  // TLS session to write an HTTP answer on
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT" || err.code === "ECONNRESET" || /^ERR_(SSL|TLS)_/.test(err.code ?? "") || !socket.writable) {
    socket.destroy();
    return;
  }
  if (err.code === "HPE_INVALID_TRANSFER_ENCODING") {
    socket.end("HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nUnsupported transfer encoding");
    return;
  }
  const status = err.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : "400 Bad Request";
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${status}`);
}

/** RFC 7230 token characters: any of them make a method for Go's net/http (validMethod). */
const methodToken = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * A request whose method is a token Node's parser does not know (llhttp knows a fixed list; Go's
 * net/http takes any token, and kube-apiserver answers it through its filters: 401, 403, or
 * go-restful's 405). Its head is read from the raw bytes, at most MaxHeaderBytes of it, and the
 * request is served by `serve` as any other. As net/http does, a small declared body is read and
 * dropped and the connection kept (handed back to Node's HTTP server for the next request); after
 * any other the connection closes. False when the bytes are no such request (the caller answers 400).
 */
function serveUnknownMethod(err: { rawPacket?: Buffer }, socket: Duplex, serve: (req: IncomingMessage, res: ServerResponse) => void, handBack: (socket: Duplex) => void): boolean {
  const first = err.rawPacket;
  // a socket still answering an earlier request (pipelined in the same packet) is not taken over
  if (!first || (socket as Socket & { _httpMessage?: unknown })._httpMessage) return false;
  const line = /^([^ \r\n]+) /.exec(first.toString("latin1", 0, Math.min(first.length, 64)));
  if (!line || !methodToken.test(line[1]!)) return false;
  // Node's parser is done with this socket: what follows is read here, and a client that half-closes
  // after its request still gets the answer over plain HTTP (Node's socketOnEnd would end the socket first)
  socket.removeAllListeners("data");
  for (const l of socket.listeners("end")) if (l.name === "socketOnEnd") socket.off("end", l as () => void);
  let head = first;
  const fail = (status: string) => socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${status}`);
  const timer = setTimeout(() => socket.destroy(), readHeaderTimeoutMs);
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    tryHead();
  };
  const tryHead = () => {
    const end = head.indexOf("\r\n\r\n");
    if (end < 0) {
      if (head.length > headReadLimit) {
        socket.off("data", onData);
        clearTimeout(timer);
        fail("431 Request Header Fields Too Large");
      }
      return;
    }
    socket.off("data", onData);
    clearTimeout(timer);
    if (end + 4 > headReadLimit) return void fail("431 Request Header Fields Too Large");
    const req = requestFromHead(head.toString("latin1", 0, end), socket);
    if (!req) return void fail("400 Bad Request");
    const res = new ServerResponse(req);
    const bodyBytes = keptBodyBytes(req);
    res.shouldKeepAlive = bodyBytes !== undefined;
    res.assignSocket(socket as Socket);
    if (bodyBytes === undefined) {
      res.on("finish", () => socket.end());
      return void serve(req, res);
    }
    // the body is read and dropped while the answer is made; once both are done, what follows on
    // the connection is the next request
    let rest = head.subarray(end + 4);
    const onBody = (chunk: Buffer) => {
      rest = Buffer.concat([rest, chunk]);
      if (rest.length > bodyBytes + maxHeaderBytes) socket.destroy();
      else next();
    };
    let answered = false;
    // a body that never completes holds no connection past the request timeout
    const bodyTimer = setTimeout(() => socket.destroy(), requestTimeoutMs);
    socket.once("close", () => clearTimeout(bodyTimer));
    const next = () => {
      if (!answered || rest.length < bodyBytes || socket.destroyed) return;
      clearTimeout(bodyTimer);
      socket.off("data", onBody);
      const after = rest.subarray(bodyBytes);
      res.detachSocket(socket as Socket);
      releaseFromNodeParser(socket);
      handBack(socket);
      if (after.length > 0) socket.unshift(after);
      socket.resume();
    };
    socket.on("data", onBody);
    res.on("finish", () => {
      answered = true;
      next();
    });
    serve(req, res);
  };
  socket.on("data", onData);
  tryHead();
  return true;
}

/**
 * net/http's writeStatusLine answers an HTTP/1.0 request with an HTTP/1.0 status line; Node writes
 * HTTP/1.1 whatever was asked, so the line it stores is rewritten.
 */
function answerInRequestVersion(req: IncomingMessage, res: ServerResponse): void {
  if (req.httpVersionMajor !== 1 || req.httpVersionMinor !== 0) return;
  const r = res as ServerResponse & { _storeHeader(firstLine: string, headers: unknown): void };
  const store = r._storeHeader;
  r._storeHeader = function (firstLine: string, headers: unknown) {
    store.call(this, firstLine.replace(/^HTTP\/1\.1 /, "HTTP/1.0 "), headers);
  };
}

/** Takes Node's HTTP server's listeners and parser off a socket, so that it can be handed back as a new connection. */
function releaseFromNodeParser(socket: Duplex): void {
  socket.removeAllListeners("data");
  for (const ev of ["close", "drain", "timeout", "resume", "pause", "end", "error"]) {
    for (const l of socket.listeners(ev)) if (/^(bound )?(socketOn|onSocket|noop$)/.test(l.name)) socket.off(ev, l as () => void);
  }
  (socket as Duplex & { parser?: unknown }).parser = null;
}

/** The head of a request Node's parser refused, when all of it is in the refused packet and no response has begun. */
function refusedHead(err: { rawPacket?: Buffer }, socket: Duplex): { packet: Buffer; end: number; lines: string[] } | undefined {
  const packet = err.rawPacket;
  if (!packet || (socket as Socket & { _httpMessage?: unknown })._httpMessage) return undefined;
  const end = packet.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  return { packet, end, lines: packet.toString("latin1", 0, end).split("\r\n") };
}

/** Hands the socket back to Node's HTTP server with the refused request's head replaced by `head`. */
function handBackWithHead(refused: { packet: Buffer; end: number }, head: string, socket: Duplex, handBack: (socket: Duplex) => void): true {
  releaseFromNodeParser(socket);
  handBack(socket);
  socket.unshift(Buffer.concat([Buffer.from(head, "latin1"), refused.packet.subarray(refused.end)]));
  socket.resume();
  return true;
}

/**
 * A request with both Transfer-Encoding and Content-Length, which Node's parser refuses: net/http's
 * parseTransferEncoding takes it (RFC 7230 3.3.3), deleting Content-Length when the one coding is
 * chunked, and ignoring Transfer-Encoding altogether in HTTP/1.0. Its head is rewritten so and the
 * bytes handed back to Node's HTTP server; false (the caller answers) for any other coding, which is
 * net/http's 501, or when the head is not all in the packet Node refused.
 */
function reframeBothLengths(err: { rawPacket?: Buffer }, socket: Duplex, handBack: (socket: Duplex) => void): boolean {
  const refused = refusedHead(err, socket);
  if (!refused) return false;
  const { lines } = refused;
  const version = /^[^ ]+ [^ ]+ HTTP\/1\.([01])$/.exec(lines[0]!);
  if (!version) return false;
  const named = (l: string, name: string) => l.slice(0, l.indexOf(":")).toLowerCase() === name;
  const codings = lines.slice(1).filter((l) => named(l, "transfer-encoding"));
  let drop: string;
  if (version[1] === "0") drop = "transfer-encoding";
  else if (codings.length === 1 && codings[0]!.slice(codings[0]!.indexOf(":") + 1).trim().toLowerCase() === "chunked") drop = "content-length";
  else return false;
  const head = [lines[0]!, ...lines.slice(1).filter((l) => !named(l, drop))].join("\r\n");
  return handBackWithHead(refused, head, socket, handBack);
}

/**
 * A request with more than one Content-Length, which Node's parser refuses: net/http's fixLength
 * (Go issue 16490) takes it when every value is the same once trimmed, keeping the first. The head
 * is rewritten with that one and handed back; false (the caller's 400) when they differ, as in Go,
 * or when the head is not all in the packet Node refused.
 */
function dedupeContentLengths(err: { rawPacket?: Buffer }, socket: Duplex, handBack: (socket: Duplex) => void): boolean {
  const refused = refusedHead(err, socket);
  if (!refused) return false;
  const { lines } = refused;
  if (!/^[^ ]+ [^ ]+ HTTP\/1\.[01]$/.test(lines[0]!)) return false;
  const isLength = (l: string) => l.slice(0, l.indexOf(":")).toLowerCase() === "content-length";
  // textproto.TrimString: ASCII white space off both ends
  const values = lines.filter(isLength).map((l) => l.slice(l.indexOf(":") + 1).replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, ""));
  if (values.length < 2 || values.some((v) => v !== values[0])) return false;
  const first = lines.findIndex(isLength);
  const head = lines.filter((l, i) => i === first || !isLength(l)).join("\r\n");
  return handBackWithHead(refused, head, socket, handBack);
}

/**
 * How many body bytes follow a request of an unknown method whose connection net/http keeps: an
 * HTTP/1.1 request that does not ask to close, its body declared by a Content-Length under
 * maxPostHandlerReadBytes (the server reads and drops that much after the handler). Undefined when
 * the connection closes after the answer (a chunked or larger body, HTTP/1.0, Connection: close).
 */
function keptBodyBytes(req: IncomingMessage): number | undefined {
  if (req.httpVersionMinor < 1 || req.headers.connection?.toLowerCase() === "close" || req.headers["transfer-encoding"] !== undefined) return undefined;
  const declared = req.headers["content-length"];
  if (declared === undefined) return 0;
  if (!/^[0-9]+$/.test(declared)) return undefined;
  const n = Number(declared);
  return n < maxPostHandlerReadBytes ? n : undefined;
}

/** The IncomingMessage of a request head (request line and header lines), or undefined when it is malformed. */
function requestFromHead(head: string, socket: Duplex): IncomingMessage | undefined {
  const lines = head.split("\r\n");
  const m = /^([^ ]+) ([^ ]+) HTTP\/1\.([01])$/.exec(lines[0]!);
  if (!m || !methodToken.test(m[1]!)) return undefined;
  const rawHeaders: string[] = [];
  for (const l of lines.slice(1)) {
    const colon = l.indexOf(":");
    if (colon <= 0 || !methodToken.test(l.slice(0, colon)) || /[\x00-\x08\x0a-\x1f\x7f]/.test(l)) return undefined;
    rawHeaders.push(l.slice(0, colon), l.slice(colon + 1).trim());
  }
  const req = new IncomingMessage(socket as Socket);
  req.method = m[1]!;
  req.url = m[2]!;
  req.httpVersionMajor = 1;
  req.httpVersionMinor = Number(m[3]);
  req.httpVersion = `1.${m[3]}`;
  // Node's own header bookkeeping (headers, headersDistinct), as its parser would have filled it
  (req as IncomingMessage & { _addHeaderLines(h: string[], n: number): void })._addHeaderLines(rawHeaders, rawHeaders.length);
  req.complete = true;
  // the body, if any, is never given to the handler (no handler of an unknown method reads one): it is dropped by serveUnknownMethod
  req.push(null);
  return req;
}

/**
 * What net/http's readRequest refuses in a request Node did parse: an HTTP/1.1 request without Host
 * ("400 Bad Request: missing required Host header", a statusError), more than one Host or one of bytes
 * no host has ("too many Host headers", "malformed Host header"), and a Transfer-Encoding other than
 * exactly "chunked" (501 "Unsupported transfer encoding": Go takes one coding only, against request
 * smuggling). Answered on the socket as conn.serve writes them, the connection closed; true when so.
 */
function unreadHeader(req: IncomingMessage): boolean {
  const head = (status: string, body: string) => `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${body}`;
  const http11 = req.httpVersionMajor === 1 && req.httpVersionMinor >= 1;
  let answer: string | undefined;
  const te = req.headers["transfer-encoding"];
  if (headTooLarge(req)) answer = head(headerTooLargeText, headerTooLargeText);
  else if (http11 && te !== undefined && te.toLowerCase() !== "chunked") answer = head("501 Not Implemented", "Unsupported transfer encoding");
  else if (http11 && req.headers.host === undefined && req.method !== "CONNECT") answer = head("400 Bad Request: missing required Host header", "400 Bad Request: missing required Host header");
  else {
    const hosts = req.rawHeaders.filter((_, i) => i % 2 === 0 && req.rawHeaders[i]!.toLowerCase() === "host").length;
    const refusal = hosts > 1 ? "400 Bad Request: too many Host headers" : hosts === 1 && !validHostHeader(req.headers.host ?? "") ? "400 Bad Request: malformed Host header" : undefined;
    if (refusal !== undefined) answer = head(refusal, refusal);
  }
  if (answer === undefined) return false;
  req.socket.end(answer);
  req.socket.destroySoon?.();
  return true;
}

const headerTooLargeText = "431 Request Header Fields Too Large";

/** httpguts.ValidHostHeader: a Host of bytes that may stand in a URI's host and port only (lenient, not the grammar). */
const validHostHeader = (h: string) => /^[0-9A-Za-z!$%&()*+,\-.:;=[\]'_~]*$/.test(h);

/**
 * Whether net/http would have stopped reading this request's head at its read limit (errTooLarge):
 * the head's bytes as the client wrote them, each header line `Name: value` (Node keeps no raw
 * bytes; a header sent without the space after its colon is counted a byte long).
 */
function headTooLarge(req: IncomingMessage): boolean {
  let bytes = req.method!.length + 1 + req.url!.length + " HTTP/1.1\r\n".length + 2;
  for (let i = 0; i + 1 < req.rawHeaders.length && bytes <= headReadLimit; i += 2) bytes += req.rawHeaders[i]!.length + 2 + req.rawHeaders[i + 1]!.length + 2;
  return bytes > headReadLimit;
}

interface HandlerContext {
  /** set for a request asking to upgrade: its socket, no longer the HTTP server's, and the bytes read past its head */
  upgrade?: { socket: Duplex; head: Buffer };
  bookmarkIntervalMs: number;
  open: Set<() => void>;
  serverAddress: string;
  /** requests being served, as the max-in-flight filter counts them (watches are long-running: not counted) */
  inFlight: { readonly: number; mutating: number; max: { readonly: number; mutating: number } };
  /** how long a request that is not long-running may take */
  requestTimeoutMs: number;
  /** how long a read waits for the watch cache to reach its resourceVersion */
  freshnessTimeoutMs: number;
  /** the cluster CA (PEM) client certificates chain to */
  caCert?: string;
}

/** kube-apiserver's --max-requests-inflight and --max-mutating-requests-inflight defaults. */
export const maxRequestsInFlight = { readonly: 400, mutating: 200 };

/** The path and the query of a request URI, split without URL resolution (Go does not resolve it either). */
function splitRequestURI(uri: string): { path: string; query: URLSearchParams; rawQuery: string } {
  const q = uri.indexOf("?");
  return q < 0 ? { path: uri, query: new URLSearchParams(), rawQuery: "" } : { path: uri.slice(0, q), query: new URLSearchParams(uri.slice(q + 1)), rawQuery: uri.slice(q + 1) };
}

async function handle(cluster: Cluster, req: IncomingMessage, res: ServerResponse, hc: HandlerContext): Promise<void> {
  const url = splitRequestURI(req.url ?? "/");
  const route = parsePath(url.path);
  const accept = req.headers.accept;
  if (route.type === "malformed") return sendMalformed(res);
  // WriteObjectNegotiated and ErrorNegotiated answer in the negotiated media type; /version and the
  // OpenAPI documents are written as JSON whatever is asked
  const rawJsonDoc = route.type === "doc" && (route.doc === "version" || route.doc === "metrics" || route.doc.startsWith("openapi") || route.doc.startsWith("openid"));
  if (!rawJsonDoc && negotiatedMediaType(accept) === "application/yaml") yamlAnswers.add(res);
  const q = url.query;
  const method = req.method ?? "GET";
  // Authentication runs before any handler reads a body: an unknown token is 401 with the body unread.
  const { token, warning } = bearerOf(req);
  if (warning !== undefined) setWarnings(res, [warning]);
  const cert = clientCertificateOf(req, cluster.now(), hc.caCert);
  const certified = cert !== undefined && "user" in cert;
  if (!certified && token !== undefined && cluster.authenticate(token) === undefined) return refuseUnread(req, res, S.unauthorized());
  if (cert !== undefined && !certified && token === undefined) return refuseUnread(req, res, S.unauthorized());
  // Who asks: the API server machine authenticates again, checks any impersonation and authorizes every request.
  const who = credentials(req, cert);
  if ("error" in who) return refuseUnread(req, res, S.badRequest(who.error));
  // A request the front end answers itself passes authentication and authorization first, as in kube-apiserver's filter chain.
  const gate = async (attrs: Omit<ApiRequest, "type" | "id" | "token" | "impersonate">, answer: () => unknown): Promise<void> => {
    const allowed = await cluster.request({ ...who, ...attrs, authorizeOnly: true });
    if (!allowed.ok) return sendStatus(res, allowed.status);
    answer();
  };
  const user = apfUser(cluster, who);
  if (route.type === "notFound" || route.type === "doc" || route.type === "health") {
    const nonResource = { path: urlPath(url.path), verb: method.toLowerCase() };
    setFlowControlHeaders(cluster, res, { user, verb: nonResource.verb, path: nonResource.path });
    return gate({ verb: "get", group: "", resource: "", nonResource }, () => {
      if (route.type === "notFound") return sendStatus(res, pathNotFound());
      if (route.type === "health") {
        // the health mux answers any method, as Go's ServeMux does for a path without one
        const answer = healthAnswer(route.root, route.check, q, (check) => cluster.healthCheckFailure(check));
        if (answer === undefined) return sendStatus(res, pathNotFound());
        const h = { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff", "Content-Length": Buffer.byteLength(answer.body) };
        res.writeHead(answer.code, h);
        return void res.end(method === "HEAD" ? undefined : answer.body);
      }
      if (route.type === "doc" && (route.doc === "openidConfiguration" || route.doc === "openidKeySet")) return serveIssuerDoc(route.doc, method, accept, res, hc, cluster);
      if (route.type === "doc" && route.doc === "metrics") {
        // promhttp's handler answers whatever the method, in the text format whatever is accepted
        const text = apiServerMetrics(versionInfo() as Record<string, string>, cluster.storedObjectCounts());
        res.writeHead(200, { "Content-Type": metricsContentType, "Content-Length": Buffer.byteLength(text) });
        return void res.end(method === "HEAD" ? undefined : text);
      }
      if (method !== "GET" && method !== "HEAD") return sendStatus(res, S.methodNotAllowed());
      return serveDoc(route, accept, res, hc, cluster.customResources());
    });
  }
  let p = route.path;
  // a custom resource is served at each of its served versions (a version not served is not found)
  const r = cluster.resourceFor(p.group, p.resource, p.version);
  if (p.watchPrefix) {
    const watchAsked = { verb: "watch" as const, group: p.group, resource: p.resource, ...(p.namespace !== undefined ? { namespace: p.namespace } : {}), ...(p.name !== undefined ? { name: p.name } : {}), ...(p.subresource !== undefined ? { subresource: p.subresource } : {}) };
    // the WATCH and WATCHLIST routes exist for a watchable resource and its objects only, and take GET
    if (!r || r.version !== p.version || p.subresource !== undefined || (!r.namespaced && p.namespace !== undefined) || !r.verbs.includes("watch")) return gate(watchAsked, () => sendStatus(res, pathNotFound()));
    if (method !== "GET") return gate(watchAsked, () => sendStatus(res, S.methodNotAllowed()));
    // ListResource with forceWatch: the name is a metadata.name selector, and a selector naming
    // another object is refused
    q.set("watch", "true");
    if (p.name !== undefined) {
      const given = q.get("fieldSelector") ?? "";
      const terms = given === "" ? [] : parseFieldSelector(given);
      if (!Array.isArray(terms)) return gate(watchAsked, () => sendStatus(res, S.badRequest(terms.error)));
      if (terms.length > 0) {
        const exact = terms.find((t) => t.field === "metadata.name" && t.operator === "=");
        if (exact === undefined || exact.value !== p.name) return gate(watchAsked, () => sendStatus(res, S.badRequest("fieldSelector metadata.name doesn't match requested name")));
      } else q.set("fieldSelector", `metadata.name=${p.name.replace(/[\\,=]/g, (c) => `\\${c}`)}`);
      const { name: _watched, watchPrefix: _prefix, ...collection } = p;
      p = collection;
    } else {
      const { watchPrefix: _prefix, ...collection } = p;
      p = collection;
    }
  }
  const asked = { verb: requestVerb(method, p.name, q), group: p.group, resource: p.resource, ...(p.namespace !== undefined ? { namespace: p.namespace } : {}), ...(p.name !== undefined ? { name: p.name } : {}), ...(p.subresource !== undefined ? { subresource: p.subresource } : {}) };
  if (!(p.subresource !== undefined && longRunningSubresources.has(p.subresource))) {
    setFlowControlHeaders(cluster, res, { user, verb: asked.verb, resource: { group: p.group, resource: p.resource, ...(p.subresource !== undefined ? { subresource: p.subresource } : {}), ...(p.namespace !== undefined ? { namespace: p.namespace } : {}) } });
  }
  // a kind served at a second version or group: bodies are converted to the stored one, answers back
  const conv = r ? requestConversion(r, p.version) : undefined;
  if (!r || (r.version !== p.version && !conv) || (!r.namespaced && p.namespace !== undefined) || (p.subresource && !r.subresources.includes(p.subresource))) {
    return gate(asked, () => sendStatus(res, pathNotFound()));
  }
  if (p.subresource === "proxy") {
    // the proxy subresources are Connecters too (ConnectResource)
    const refused = await connectRefusal(cluster, { group: r.group, resource: r.resource, ...who, ...(p.namespace !== undefined ? { namespace: p.namespace } : {}), name: p.name ?? "", subresource: "proxy" }, asked.verb, q);
    if (refused) return sendStatus(res, refused);
    return serveProxy(cluster, asked, gate, p, url, method, res);
  }
  // exec, attach and portforward are long-running (exempt from max-in-flight), authorized as their
  // method's verb and then as create (podConnectRefusal)
  if (p.subresource !== undefined && connectSubresources.has(p.subresource)) {
    if (method !== "GET" && method !== "POST") return gate(asked, () => sendStatus(res, S.methodNotAllowed()));
    const connectBase: Omit<ApiRequest, "type" | "id" | "verb"> = { group: r.group, resource: r.resource, ...who, namespace: p.namespace ?? "default", name: p.name ?? "", subresource: p.subresource };
    if (!hc.upgrade) {
      const refused = await podConnectRefusal(cluster, connectBase, method, q);
      if (refused) return sendStatus(res, refused);
      const loc = await locate(cluster, connectBase, connectOptions(q));
      return sendStatus(res, isLocation(loc) ? S.badRequest("Upgrade request required") : loc);
    }
    res.detachSocket(hc.upgrade.socket as Socket);
    return serveConnect(cluster, req, hc.upgrade.socket, hc.upgrade.head, connectBase, q);
  }
  // The max-in-flight filter: past the limit a request is refused at once (watches are exempt, as long-running).
  const watching = method === "GET" && p.name === undefined && boolParam(q, "watch");
  if (!watching) {
    const kind = method === "GET" || method === "HEAD" ? "readonly" : "mutating";
    if (hc.inFlight[kind] >= hc.inFlight.max[kind]) return sendTooManyRequests(req, res);
    hc.inFlight[kind]++;
    res.once("close", () => hc.inFlight[kind]--);
    // the timeout filter runs inside max-in-flight: a request over its time frees its slot
    if (p.subresource !== "log") timeoutNonLongRunning(res, hc.requestTimeoutMs);
  }
  // No token is the anonymous user: "" tells the cluster facade not to fill in the admin token.
  const base: Omit<ApiRequest, "type" | "id" | "verb"> = { group: r.group, resource: r.resource, ...(r.custom ? { version: r.version } : {}), ...who };
  if (r.namespaced && p.namespace !== undefined) base.namespace = p.namespace;
  if (p.name !== undefined) base.name = p.name;
  if (p.subresource !== undefined) base.subresource = p.subresource;
  const transform = negotiatedTransform(accept);
  const table = transform?.as === "Table";
  const metaVersion: MetaVersion = transform?.version ?? "v1";
  const tableOpts = tableOptions(q);
  const include: IncludeObject = "include" in tableOpts ? tableOpts.include : "Metadata";
  const refuse = (st: Status) => gate(asked, () => sendStatus(res, st));
  // A namespaced kind's all-namespaces path has LIST and WATCHLIST routes only (installer.go's
  // registerResourceHandlers adds no POST, PUT, PATCH or DELETECOLLECTION there): any other method
  // is go-restful's 405, after authorization.
  if (r.namespaced && p.namespace === undefined && p.name === undefined && p.subresource === undefined && method !== "GET" && method !== "HEAD") return refuse(S.methodNotAllowed());
  setWarnings(res, deprecationWarnings(r));
  // ContextBasedNaming.Name, every named handler's first step: an empty {name} parameter is errEmptyName
  if (p.name === "") return refuse(S.badRequest("name must be provided"));
  // every resource handler negotiates its answer's media type before it reads options or a body,
  // after the store's name check (a name that is no path segment is its 400) and, in a patch, after
  // the patch type
  const unacceptable = p.name !== undefined && isValidPathSegmentName(p.name).length > 0 ? undefined : notAcceptable(accept);
  if (unacceptable && method !== "PATCH") return refuse(unacceptable);
  // NamespaceKeyFunc: an object of an empty {namespace} parameter has no storage key
  const emptyNamespace = r.namespaced && p.namespace === "";
  if (emptyNamespace && p.name !== undefined) return refuse(S.badRequest("Namespace parameter required."));
  if (p.subresource === "log") {
    // LogREST is a Getter only: installer.go registers GET alone, so any other method is go-restful's 405
    if (method !== "GET") return refuse(S.methodNotAllowed());
    return serveLogs(cluster, { ...base, namespace: p.namespace ?? "default", name: p.name ?? "" }, q, req, res, (st) => sendStatus(res, st), hc.upgrade);
  }
  // a client that prefers protobuf (client-go's typed clients) gets it for the kinds the protobuf table carries
  const protobuf = !table && prefersProtobuf(accept);
  const sendObject = (code: number, obj: unknown) => {
    const pb = protobuf ? encodeProtobufObject(obj) : undefined;
    if (!pb) return send(res, code, r.custom ? obj : withoutItemTypes(obj));
    res.writeHead(code, { "Content-Type": "application/vnd.kubernetes.protobuf", "Content-Length": pb.length, "Cache-Control": "no-cache, private" });
    res.end(pb);
  };
  const reply = (resp: ApiResponse) => {
    if (resp.warnings) setWarnings(res, resp.warnings);
    if (!resp.ok && resp.panicked) return sendPanicRecovered(res);
    if (!resp.ok) return sendObject(resp.status.code ?? 500, resp.status);
    if (table && !p.subresource && (method === "GET")) {
      // optionsForTransform: the Table options are judged when the answer is transformed, after the object was found
      if ("error" in tableOpts) return sendStatus(res, S.badRequest(tableOpts.error));
      return send(res, resp.code, tableOf(cluster, r, resp.object, include, metaVersion));
    }
    if (transform !== undefined && !table && !p.subresource && method === "GET") return sendPartial(res, r, transform, resp.code, resp.object);
    return sendObject(resp.code, conv ? answerIn(conv, resp.object) : resp.object);
  };
  const computed = r.group === "" && r.resource === "componentstatuses" ? serveComponentStatuses
    : r.group === "apiregistration.k8s.io" && r.resource === "apiservices" ? serveAPIServices
    : r.group === "flowcontrol.apiserver.k8s.io" ? serveFlowControl
    : r.group === "storage.k8s.io" && r.resource === "csinodes" ? serveCSINodes : undefined;
  if (computed !== undefined && method === "GET") {
    return gate(asked, () => computed(cluster, r, p.name, q, (code, obj) => {
      if (code === 200 && transform !== undefined && !table) return sendPartial(res, r, transform, code, obj);
      if (code !== 200 || !table) return sendObject(code, obj);
      if ("error" in tableOpts) return sendStatus(res, S.badRequest(tableOpts.error));
      send(res, code, tableOf(cluster, r, obj, include, metaVersion));
    }));
  }
  // installer.go registers a route per verb the storage implements: a method whose verb the resource
  // lacks (a computed kind's writes, namespaces' deletecollection, metrics-server's writes, which the
  // aggregator relays) is go-restful's 405, before any body is read
  if (p.subresource === undefined && method !== "GET" && method !== "HEAD" && !r.verbs.includes(asked.verb)) return refuse(S.methodNotAllowed());
  // A subresource has routes only for the verbs its REST storage implements: any other method is
  // go-restful's 405, before any body is read (PUT on pods/x/binding, DELETE on deployments/x/scale).
  if (p.subresource !== undefined && !subresourceInfo(r, p.subresource, p.version).verbs.includes(asked.verb)) return refuse(S.methodNotAllowed());
  // WithAuthorization runs before any handler: a write its user may not make is 403 before its
  // options, media type or body are looked at (and its body is never read)
  const authorizedWrite = async (): Promise<boolean> => {
    const allowed = await cluster.request({ ...who, ...asked, authorizeOnly: true });
    if (!allowed.ok) refuseUnread(req, res, allowed.status);
    return allowed.ok;
  };
  switch (method) {
    case "GET": {
      // the handler decodes query options after the authorization filter: a refused user gets its 403 first
      if (p.name === undefined) {
        const bad = intParamsError(q, listIntParams) ?? listOptionsError(q);
        if (bad) return refuse(bad);
      }
      const badVersion = resourceVersionError(q.get("resourceVersion"));
      if (badVersion) return refuse(badVersion);
      const wanted = freshnessWanted(q, p.name !== undefined);
      if (wanted !== undefined && BigInt(cluster.cacheRevision()) < wanted) {
        // authorized first: the filters run before the storage waits
        const allowed = await cluster.request({ ...who, ...asked, authorizeOnly: true });
        if (!allowed.ok) return sendStatus(res, allowed.status);
        const stale = await untilFresh(cluster, wanted, res, hc.freshnessTimeoutMs);
        if (stale) return sendStatus(res, stale);
      }
      // metrics-server registers no watch route: the aggregator relays its 405
      if (p.name === undefined && boolParam(q, "watch") && aggregatedGroups.has(r.group)) return refuse(S.methodNotAllowed());
      if (p.name === undefined && boolParam(q, "watch") && table && "error" in tableOpts) return refuse(S.badRequest(tableOpts.error));
      // serveWatchHandler: NegotiateOutputMediaTypeStream finds no stream serializer for YAML
      if (p.name === undefined && boolParam(q, "watch") && yamlAnswers.has(res)) return refuse({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `only the following media types are accepted: ${watchMediaTypes.join(", ")}`, reason: "NotAcceptable", code: 406 });
      if (p.name === undefined && (boolParam(q, "watch"))) return serveWatch(cluster, r, { ...base, ...listOptions(q) }, q, transform, include, req, res, hc, conv);
      if (p.name === undefined) return reply(await cluster.request({ ...base, verb: "list", ...listOptions(q) }));
      return reply(await cluster.request({ ...base, verb: "get" }));
    }
    case "POST": {
      if (!(await authorizedWrite())) return;
      const raw = await writeBody(req, res);
      if (raw === undefined) return;
      const kind = p.subresource === "binding" ? "Binding" : p.subresource === "eviction" ? "Eviction" : p.subresource === "token" ? "TokenRequest" : r.kind;
      const dec = decodeBody(raw, req.headers["content-type"], kind);
      // createHandler: an unsupported media type (NegotiateInputSerializer) before the options'
      // 422; a body that does not decode after it (answered here, behind authorization as every
      // front-end refusal is)
      if ("status" in dec && dec.status.code === 415) return sendStatus(res, dec.status);
      const opts = writeOptionsOf(q, "CreateOptions", false, userAgentOf(req));
      if ("status" in opts) return sendStatus(res, opts.status);
      if (opts.dryRun) base.dryRun = true;
      base.fieldManager = opts.manager;
      const fv = { value: opts.fieldValidation };
      if ("status" in dec) return sendStatus(res, dec.status);
      // a create in an empty {namespace}: EnsureObjectNamespaceMatchesRequestNamespace clears the
      // object's namespace, and ValidateObjectMeta requires one
      if (emptyNamespace && dec.body !== null && typeof dec.body === "object" && !Array.isArray(dec.body)) {
        const meta = dec.body.metadata !== null && typeof dec.body.metadata === "object" ? dec.body.metadata : {};
        const name = typeof meta.name === "string" ? meta.name : "";
        const nameless = name === "" && !(typeof meta.generateName === "string" && meta.generateName !== "");
        return sendStatus(res, S.invalid(r, name, [...(nameless ? [S.required("metadata.name", "name or generateName is required")] : []), S.required("metadata.namespace")]));
      }
      const dups = fv.value === "Ignore" ? [] : yamlDuplicateKeys(raw, req.headers["content-type"]);
      // the body's kind is judged at the endpoint's version, before any conversion to the stored one
      const kindError = conv && !p.subresource && !r.custom ? decodeKindError({ ...r, group: p.group, version: p.version }, dec.body) : p.subresource ? subresourceKindError(p.subresource, dec.body) : undefined;
      if (kindError) return sendStatus(res, kindError);
      const sent = conv && p.subresource !== "scale" ? atStoredVersion(raw, dec.body, kind, p.version, fv.value, conv, dups) : { body: dec.body, warnings: [] };
      if ("status" in sent) return refuse(sent.status);
      const sentWarnings = sent.warnings;
      dec.body = sent.body;
      // (a converted body was judged above, at the endpoint's version)
      if (!p.subresource && !(conv && !r.custom)) {
        const verr = decodeVersionError(r, dec.body);
        if (verr) return sendStatus(res, verr);
      }
      if (p.name !== undefined && !p.subresource) return refuse(S.methodNotSupported(r, "create"));
      const typed = r.custom && kind === r.kind ? decodeCustomBody(raw, dec.body, r, fv.value, dups) : decodeObjectBody(raw, dec.body, kind, r.version, fv.value, undefined, conv && p.subresource !== "scale" ? [] : dups);
      if ("status" in typed) return refuse(typed.status);
      setWarnings(res, [...sentWarnings, ...typed.warnings]);
      return reply(await cluster.request({ ...base, verb: "create", body: typed.body }));
    }
    case "PUT": {
      if (p.name === undefined) return refuse(S.methodNotSupported(r, "update"));
      if (!(await authorizedWrite())) return;
      const raw = await writeBody(req, res);
      if (raw === undefined) return;
      // UpdateResource judges its options before it negotiates the body's media type
      const opts = writeOptionsOf(q, "UpdateOptions", false, userAgentOf(req));
      if ("status" in opts) return sendStatus(res, opts.status);
      if (opts.dryRun) base.dryRun = true;
      base.fieldManager = opts.manager;
      const fv = { value: opts.fieldValidation };
      const kind = p.subresource === "scale" ? "Scale" : r.kind;
      const dec = decodeBody(raw, req.headers["content-type"], kind);
      if ("status" in dec) return sendStatus(res, dec.status);
      // a create in an empty {namespace}: EnsureObjectNamespaceMatchesRequestNamespace clears the
      // object's namespace, and ValidateObjectMeta requires one
      if (emptyNamespace && dec.body !== null && typeof dec.body === "object" && !Array.isArray(dec.body)) {
        const meta = dec.body.metadata !== null && typeof dec.body.metadata === "object" ? dec.body.metadata : {};
        const name = typeof meta.name === "string" ? meta.name : "";
        const nameless = name === "" && !(typeof meta.generateName === "string" && meta.generateName !== "");
        return sendStatus(res, S.invalid(r, name, [...(nameless ? [S.required("metadata.name", "name or generateName is required")] : []), S.required("metadata.namespace")]));
      }
      const dups = fv.value === "Ignore" ? [] : yamlDuplicateKeys(raw, req.headers["content-type"]);
      // the body's kind is judged at the endpoint's version, before any conversion to the stored one
      const kindError = conv && !p.subresource && !r.custom ? decodeKindError({ ...r, group: p.group, version: p.version }, dec.body) : undefined;
      if (kindError) return sendStatus(res, kindError);
      const sent = conv && p.subresource !== "scale" ? atStoredVersion(raw, dec.body, kind, p.version, fv.value, conv, dups) : { body: dec.body, warnings: [] };
      if ("status" in sent) return refuse(sent.status);
      const sentWarnings = sent.warnings;
      dec.body = sent.body;
      // (a converted body was judged above, at the endpoint's version)
      if (!p.subresource && !(conv && !r.custom)) {
        const verr = decodeVersionError(r, dec.body);
        if (verr) return sendStatus(res, verr);
      }
      const typed = r.custom && kind === r.kind ? decodeCustomBody(raw, dec.body, r, fv.value, dups) : decodeObjectBody(raw, dec.body, kind, r.version, fv.value, undefined, conv && p.subresource !== "scale" ? [] : dups);
      if ("status" in typed) return refuse(typed.status);
      setWarnings(res, [...sentWarnings, ...typed.warnings]);
      return reply(await cluster.request({ ...base, verb: "update", body: typed.body }));
    }
    case "PATCH": {
      if (p.name === undefined) return refuse(S.methodNotSupported(r, "patch"));
      if (!(await authorizedWrite())) return;
      const patchType = patchTypeOf(req.headers["content-type"]);
      if (!patchType) return sendStatus(res, unsupportedPatchType(req.headers["content-type"]));
      // a custom resource's handler takes no strategic merge patch (apiextensions-apiserver's crdHandler)
      if (r.custom && patchType === "strategic") return sendStatus(res, S.unsupportedMediaType(customPatchTypes));
      if (unacceptable) return sendStatus(res, unacceptable);
      const raw = await writeBody(req, res);
      if (raw === undefined) return;
      const opts = writeOptionsOf(q, "PatchOptions", patchType === "apply", userAgentOf(req));
      if ("status" in opts) return sendStatus(res, opts.status);
      if (opts.dryRun) base.dryRun = true;
      base.fieldManager = opts.manager;
      if (patchType === "apply" && boolParam(q, "force")) base.force = true;
      const fv = { value: opts.fieldValidation };
      const dec = decodeBody(raw, req.headers["content-type"], r.kind, patchType);
      if ("status" in dec) return sendStatus(res, dec.status);
      // The patch's own bytes decoded strictly (Strict, Warn), judged where the handler judges them.
      const patchStrict = fv.value === "Ignore" ? undefined : patchStrictDecoding(patchType, raw, dec.body, fv.value);
      // The API server decodes the patched object by schema (fieldValidation decides unknown fields),
      // a patch at a version the kind is not stored at applied to the object at that version.
      const patchBase = { ...base, fieldValidation: fv.value, ...(conv && patchType !== "apply" ? { version: p.version } : {}), ...(patchStrict ? { patchStrict } : {}) };
      return reply(await cluster.request({ ...patchBase, verb: "patch", patchType, body: dec.body }));
    }
    case "DELETE": {
      if (!(await authorizedWrite())) return;
      const raw = await writeBody(req, res);
      if (raw === undefined) return;
      // DeleteCollection decodes and validates its ListOptions from the query first, body or not
      if (p.name === undefined) {
        const bad = intParamsError(q, listIntParams) ?? listOptionsError(q);
        if (bad) return refuse(bad);
      }
      let body: any;
      if (raw.length > 0) {
        const dec = decodeBody(raw, req.headers["content-type"], "DeleteOptions");
        if ("status" in dec) return sendStatus(res, dec.status);
        if (dec.body !== null) {
          const opts = decodeDeleteOptions(dec.body);
          if ("status" in opts) return refuse(opts.status);
          body = opts.body;
        }
      }
      // without a body, the query is decoded (ListOptions first for a collection, then DeleteOptions)
      if (body === undefined) {
        const bad = intParamsError(q, p.name === undefined ? [...listIntParams, "gracePeriodSeconds"] : ["gracePeriodSeconds"]);
        if (bad) return refuse(bad);
      }
      // DeleteOptions come from the body when there is one, else from the query (handlers/delete.go).
      const dryValues = body !== undefined ? (Array.isArray(body?.dryRun) ? body.dryRun.map(String) : body?.dryRun === undefined ? [] : [String(body.dryRun)]) : q.getAll("dryRun");
      const policyGiven: unknown = body !== undefined ? body?.propagationPolicy : (q.get("propagationPolicy") ?? undefined);
      const orphanGiven = body !== undefined ? body?.orphanDependents !== undefined && body?.orphanDependents !== null : q.has("orphanDependents");
      const isSet = (v: unknown) => v !== undefined && v !== null;
      const optionsErr = deleteOptionsError({
        policy: policyGiven, orphanDependents: orphanGiven, dryRun: dryValues,
        ignoreStoreReadError: body !== undefined ? body?.ignoreStoreReadErrorWithClusterBreakingPotential === true : goTrue.has(q.get("ignoreStoreReadErrorWithClusterBreakingPotential") ?? ""),
        gracePeriodSeconds: body !== undefined ? isSet(body?.gracePeriodSeconds) : q.has("gracePeriodSeconds"),
        preconditions: body !== undefined && isSet(body?.preconditions),
      });
      if (optionsErr) return sendStatus(res, optionsErr);
      const dry = dryRunOf(dryValues, "DeleteOptions");
      if ("status" in dry) return sendStatus(res, dry.status);
      if (dry.dryRun) base.dryRun = true;
      const grace = body !== undefined ? body?.gracePeriodSeconds : intParam(q, "gracePeriodSeconds");
      const policy = policyGiven as ApiRequest["propagationPolicy"] | undefined;
      const del: Omit<ApiRequest, "type" | "id"> = { ...base, verb: p.name === undefined ? "deletecollection" : "delete", ...(body ? { body } : {}) };
      if (grace !== undefined) del.gracePeriodSeconds = grace;
      if (policy) del.propagationPolicy = policy;
      if (p.name === undefined) {
        // the registry's List reads the resourceVersion as a GET list does: a malformed one fails it, and nothing is deleted
        const badVersion = resourceVersionError(q.get("resourceVersion"));
        if (badVersion) return sendStatus(res, badVersion);
        Object.assign(del, listOptions(q));
      }
      return reply(await cluster.request(del));
    }
    default:
      // go-restful registers routes for these five methods only: any other is its 405 (RouterJSR311
      // "405: Method Not Allowed", answered by the service error handler as a generic Status)
      return refuse(S.methodNotAllowed());
  }
}

/** A body sent at a version the kind is not stored at: decoded as that version's Go type (its unknown fields judged there), then converted. */
function atStoredVersion(raw: Buffer, body: unknown, kind: string, version: string, fv: FieldValidation, conv: Conversion, yamlDuplicates: readonly string[]): { body: any; warnings: string[] } | { status: Status } {
  const sent = decodeObjectBody(raw, body, kind, version, fv, versionedTypeKey(conv.apiVersion, kind), yamlDuplicates);
  return "status" in sent ? sent : { body: conv.toHub(sent.body), warnings: sent.warnings };
}

function tableOf(cluster: Cluster, r: ResourceInfo, obj: any, include: IncludeObject, version: MetaVersion): object {
  const now = cluster.now();
  if (r.custom) {
    if (Array.isArray(obj?.items)) return customTable(r, obj.items, { now, include, listMeta: obj.metadata, version });
    return customTable(r, [obj], { now, include, listMeta: { resourceVersion: obj?.metadata?.resourceVersion }, version });
  }
  if (Array.isArray(obj?.items)) return toTable(r.kind, obj.items, { now, include, listMeta: obj.metadata, version });
  return toTable(r.kind, [obj], { now, include, listMeta: { resourceVersion: obj?.metadata?.resourceVersion }, version });
}

/**
 * The Go type printed by %T of what the registry returned: the internal type of a built-in kind
 * or the unstructured type of a custom resource.
 */
function internalGoType(r: ResourceInfo, list: boolean): string {
  if (r.custom) return list ? "*unstructured.UnstructuredList" : "*unstructured.Unstructured";
  return `*${internalPackage(r.group)}.${r.kind}${list ? "List" : ""}`;
}

/**
 * asPartialObjectMetadata and asPartialObjectMetadataList (handlers/response.go): the metadata of an
 * object or of a list's items; a list asked as one object, or an object asked as a list, is
 * errNotAcceptable's 406, after the object or list was read.
 */
function sendPartial(res: ServerResponse, r: ResourceInfo, t: Transform, code: number, obj: any): void {
  const isList = obj !== null && typeof obj === "object" && Array.isArray(obj.items);
  const notAcceptable = (message: string): Status => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "NotAcceptable", code: 406 });
  if (t.as === "PartialObjectMetadata") {
    if (isList) return sendStatus(res, notAcceptable(`you requested PartialObjectMetadata, but the requested object is a list (${internalGoType(r, true)})`));
    return send(res, code, partialObjectMetadata(obj, t.version));
  }
  if (!isList) return sendStatus(res, notAcceptable(`you requested PartialObjectMetadataList, but the requested object is not a list (${internalGoType(r, false)})`));
  send(res, code, partialObjectMetadataList(obj, t.version));
}

function serveDoc(route: Extract<Route, { type: "doc" }>, accept: string | undefined, res: ServerResponse, hc: HandlerContext, custom: readonly ResourceInfo[]): void {
  switch (route.doc) {
    // the version handler writes with WriteRawJSON: json.MarshalIndent, whoever asks
    case "version": return send(res, 200, goHtmlEscaped(JSON.stringify(versionInfo(), null, 2)));
    case "api":
      if (wantsAggregated(accept)) return send(res, 200, aggregatedDiscovery(true), aggregatedDiscoveryType);
      if (notAcceptable(accept, false)) return sendStatus(res, notAcceptable(accept, false)!);
      return send(res, 200, apiVersions(hc.serverAddress));
    case "apis":
      if (wantsAggregated(accept)) return send(res, 200, aggregatedDiscovery(false, custom), aggregatedDiscoveryType);
      if (notAcceptable(accept, false)) return sendStatus(res, notAcceptable(accept, false)!);
      return send(res, 200, apiGroupList(custom));
    case "group": {
      const g = apiGroup(route.group!, custom);
      // WriteObjectNegotiated: an answer it cannot encode is its 406
      if (g && notAcceptable(accept, false)) return sendStatus(res, notAcceptable(accept, false)!);
      return g ? send(res, 200, g) : sendStatus(res, pathNotFound());
    }
    case "groupVersion": {
      const l = apiResourceList(route.group!, route.version!, custom);
      if (l && notAcceptable(accept, false)) return sendStatus(res, notAcceptable(accept, false)!);
      return l ? send(res, 200, l) : sendStatus(res, pathNotFound());
    }
    case "openapiV2": {
      if (accept?.includes("protobuf")) {
        const pb = openApiV2Protobuf();
        res.writeHead(200, { "Content-Type": "application/com.github.proto-openapi.spec.v2.v1.0+protobuf", "Content-Length": pb.length });
        return void res.end(pb);
      }
      return send(res, 200, openApiV2());
    }
    case "openapiV3": return send(res, 200, openApiV3Paths(custom));
    case "openapiV3Group": {
      const doc = openApiV3Group(route.group!, custom);
      return doc ? send(res, 200, doc) : sendStatus(res, pathNotFound());
    }
  }
}

type IssuerDoc = "openidConfiguration" | "openidKeySet";

/**
 * The service account issuer discovery documents (pkg/serviceaccount/openidmetadata.go, served by
 * pkg/routes/openidmetadata.go): the OIDC discovery document, whose jwks_uri is the server's own
 * address (kube-apiserver's default for --service-account-jwks-uri), and the public keys tokens
 * verify with. Both are cacheable for an hour; RBAC lets every service account read them.
 */
function serveIssuerDoc(doc: IssuerDoc, method: string, accept: string | undefined, res: ServerResponse, hc: HandlerContext, cluster: Cluster): void {
  // go-restful routes: GET only, and an Accept the route does not produce is the router's 406
  if (method !== "GET") return sendStatus(res, S.methodNotAllowed());
  const produces = doc === "openidConfiguration" ? "application/json" : "application/jwk-set+json";
  if (!restfulAccepts(accept, produces)) return sendStatus(res, restfulNotAcceptable());
  const keys = cluster.tokenSigner.publicKeys();
  const body = doc === "openidConfiguration"
    ? {
      issuer: serviceAccountIssuer,
      jwks_uri: `https://${hc.serverAddress}/openid/v1/jwks`,
      response_types_supported: ["id_token"],
      subject_types_supported: ["public"],
      // the algorithms of the public keys, as a sorted set
      id_token_signing_alg_values_supported: [...new Set(keys.map((k) => k.alg))].sort(),
    }
    : { keys };
  // json.Marshal: compact, no newline
  const text = goHtmlEscaped(JSON.stringify(body));
  res.writeHead(200, { "Content-Type": produces, "Content-Length": Buffer.byteLength(text), "Cache-Control": "public, max-age=3600" });
  res.end(text);
}

/** go-restful's Route.matchesAccept: a listed type (parameters dropped) equal to the one produced, or any; no Accept is any. */
function restfulAccepts(accept: string | undefined, produces: string): boolean {
  if (accept === undefined || accept === "") return true;
  return accept.split(",").some((part) => {
    const type = part.split(";")[0]!.trim();
    return type === "*/*" || type === produces;
  });
}

/** The router's 406 as kube-apiserver's service error handler answers it: NewGenericServerResponse(406, ...), whose switch has no 406 case. */
function restfulNotAcceptable(): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server responded with the status code 406 but did not return more information", details: {}, code: 406 };
}

/** kube-apiserver's --min-request-timeout default: a watch that names no timeout ends after 1 to 2 times it. */
export const minRequestTimeoutMs = 1_800_000;

/**
 * GetTimeoutForWatch: timeoutSeconds as a Go time.Duration (seconds times 10^9 in an int64, so a huge
 * one wraps), or when it is absent or zero minRequestTimeout times 1 to 2 at random; a watch whose
 * timeout is not positive ends at once. In milliseconds, 0 for "at once".
 */
export function watchTimeoutMs(timeoutSeconds: string | null, random = Math.random): number {
  const parsed = timeoutSeconds === null ? undefined : goParseInt64(timeoutSeconds);
  const seconds = parsed !== undefined && "value" in parsed ? BigInt(timeoutSeconds!) : 0n;
  const ns = BigInt.asIntN(64, seconds * 1_000_000_000n);
  if (ns === 0n) return Math.floor(minRequestTimeoutMs * (random() + 1));
  return ns < 0n ? 0 : Number(ns / 1_000_000n);
}

/** The longest delay a Node timer takes: a longer one fires after 1 ms. */
const maxTimerMs = 2 ** 31 - 1;

/** How many bytes a watch stream may hold unread by its client before it is ended. */
export const watchBufferBytes = 1024 * 1024;

/**
 * A watch as a chunked stream of JSON WatchEvents. The API server machine answers a refused watch
 * with no event, so the same list is asked first: its error (401, 403, 400) is the watch's error.
 */
async function serveWatch(
  cluster: Cluster, r: ResourceInfo, req: Omit<ApiRequest, "type" | "id" | "verb">, q: URLSearchParams, transform: Transform | undefined, include: IncludeObject,
  httpReq: IncomingMessage, res: ServerResponse, hc: HandlerContext, conv?: Conversion,
): Promise<void> {
  const table = transform?.as === "Table";
  const initial = boolParam(q, "sendInitialEvents");
  const { limit: _l, continue: _c, ...watchReq } = req;
  // WithAuthorization judges the watch as a watch: a user who may watch and not list is served, and
  // a refusal names the watch verb. The list asked for the watch's other errors and its revision is
  // then the server's own (no credentials: the facade's admin), as the watch is already allowed.
  const allowed = await cluster.request({ ...watchReq, verb: "watch", authorizeOnly: true } as Omit<ApiRequest, "type" | "id">);
  if (!allowed.ok) return sendStatus(res, allowed.status);
  const { token: _token, impersonate: _impersonate, x509: _x509, ...serverOwn } = watchReq;
  const probe = await cluster.request({ ...serverOwn, resourceVersion: undefined, verb: "list", ...(initial ? {} : { limit: 1 }) } as Omit<ApiRequest, "type" | "id">);
  if (!probe.ok) return sendStatus(res, probe.status);
  // waitUntilWatchCacheFreshAndForceAllEvents: a watch that asks for initial events waits for the
  // watch cache to reach its resourceVersion (any other watch is established at once); in vain, the
  // stream is one ERROR event (newErrWatcher)
  const rvAsked = watchReq.resourceVersion;
  if (initial && typeof rvAsked === "string" && /^[0-9]+$/.test(rvAsked) && BigInt(rvAsked) > BigInt(cluster.cacheRevision())) {
    const stale = await untilFresh(cluster, BigInt(rvAsked), res, hc.freshnessTimeoutMs);
    if (stale) {
      res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked", "Cache-Control": "no-cache, private" });
      res.end(`${goHtmlEscaped(JSON.stringify({ type: "ERROR", object: stale }))}\n`);
      return;
    }
  }
  res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked", "Cache-Control": "no-cache, private" });
  res.flushHeaders();
  let headersSent = false;
  let lastRV = typeof watchReq.resourceVersion === "string" && watchReq.resourceVersion !== "0" && watchReq.resourceVersion !== "" ? watchReq.resourceVersion : probe.object.metadata.resourceVersion;
  // What the client has not read yet is bounded, as kube-apiserver's cacheWatcher bounds its
  // channel: past the bound the watch is ended (the client sees the stream end and re-lists),
  // rather than held in memory. The initial events are a burst a reading client drains: the bound
  // counts from them.
  let bound = watchBufferBytes;
  const write = (type: string, object: any) => {
    // a watch at a version the kind is not stored at sees its objects in that version
    let out = conv && (type === "ADDED" || type === "MODIFIED" || type === "DELETED") ? conv.fromHub(object) : object;
    if (table && (type === "ADDED" || type === "MODIFIED" || type === "DELETED")) {
      out = r.custom ? customTable(r, [object], { now: cluster.now(), include, headers: !headersSent, version: transform?.version }) : toTable(r.kind, [object], { now: cluster.now(), include, headers: !headersSent, version: transform?.version });
      headersSent = true;
    }
    // watchEmbeddedEncoder transforms every event's object but a Status; a list transform fails on
    // an object and the object is sent as it is (utilruntime.HandleError, result = obj)
    if (transform?.as === "PartialObjectMetadata" && type !== "ERROR") out = partialObjectMetadata(out, transform.version);
    res.write(`${goHtmlEscaped(JSON.stringify({ type, object: inGoFieldOrder(out) }))}\n`);
  };
  const bookmark = (annotations?: Record<string, string>) =>
    write("BOOKMARK", { kind: r.kind, apiVersion: conv ? conv.apiVersion : apiVersionOf(r), metadata: { resourceVersion: lastRV, ...(annotations ? { annotations } : {}) } });
  let from = watchReq.resourceVersion;
  // sendInitialEvents=false with no revision (or 0) starts at the watch cache's current one: no
  // state first, as a legacy watch sends (watchCache.getAllEventsSinceLocked)
  if (!initial && q.get("sendInitialEvents") !== null && (from === undefined || from === "" || from === "0")) from = probe.object.metadata.resourceVersion;
  if (initial) {
    // sendInitialEvents: the list as ADDED events, then a bookmark that marks their end.
    for (const obj of probe.object.items) write("ADDED", obj);
    from = probe.object.metadata.resourceVersion;
    bound += res.writableLength;
  }
  let closed = false;
  const stopWatch = cluster.watch({ ...watchReq, ...(from !== undefined ? { resourceVersion: from } : {}) }, (ev: any) => {
    if (closed) return;
    // the stream ended without an event: the HTTP response ends, and the client watches again
    if (ev.eventType === "CLOSED") return finish();
    try {
      // a legacy watch's initial state comes in key order, each object at its own older revision: a
      // bookmark carries the cache's revision, never one below what this watch already passed
      const rv = ev.eventType !== "ERROR" ? ev.object?.metadata?.resourceVersion : undefined;
      if (typeof rv === "string" && /^[0-9]+$/.test(rv) && (!/^[0-9]+$/.test(lastRV) || BigInt(rv) > BigInt(lastRV))) lastRV = rv;
      write(ev.eventType, ev.object);
      if (ev.eventType === "ERROR" || res.writableLength > bound) finish();
    } catch {
      // an event this stream cannot render ends the stream, never the server
      finish();
    }
  });
  if (initial && boolParam(q, "allowWatchBookmarks")) bookmark({ "k8s.io/initial-events-end": "true" });
  const timers: NodeJS.Timeout[] = [];
  // Bookmarks carry the last revision this watch delivered: events still in flight are never skipped.
  if (boolParam(q, "allowWatchBookmarks")) {
    timers.push(setInterval(() => {
      bookmark();
      if (res.writableLength > bound) finish();
    }, hc.bookmarkIntervalMs));
  }
  const timeoutMs = watchTimeoutMs(q.get("timeoutSeconds"));
  // a timeout past what a timer holds (2^31-1 ms, 24.8 days) would fire at once: such a watch has none
  if (timeoutMs <= maxTimerMs) timers.push(setTimeout(() => finish(), timeoutMs));
  function finish(): void {
    if (closed) return;
    closed = true;
    hc.open.delete(finish);
    for (const t of timers) clearTimeout(t);
    stopWatch();
    res.end();
  }
  hc.open.add(finish);
  httpReq.on("close", finish);
  res.on("close", finish);
  // net/http cancels a request's context when its client half-closes (the background read's EOF):
  // the watch ends, as it does when the client goes
  if (httpReq.socket.readableEnded) finish();
  else {
    httpReq.socket.once("end", finish);
    // a keep-alive socket carries watch after watch: each leaves no listener behind
    res.once("finish", () => httpReq.socket?.off("end", finish));
  }
}
