// Hostile HTTP requests for `podflow serve`: fast-check arbitraries of paths, verbs, queries,
// headers and bodies a careless or malicious client sends, a raw client that sends them byte for
// byte, and the checks every answer must pass (a Kubernetes Status or an object of the kind asked).

import fc from "fast-check";
import { readFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { parseAllDocuments } from "yaml";
import { resources, apiVersionOf, type ResourceInfo } from "../../machines/apiserver/resources.js";
import { decodeProtobufObject } from "../../runtime/server/protobuf/decode.js";

/** One request as sent on the wire. */
export interface HostileRequest {
  method: string;
  /** path and query, already encoded (or deliberately mis-encoded) */
  target: string;
  headers: Record<string, string>;
  /** the body: text, or bytes as hex (invalid UTF-8, protobuf) prefixed "hex:" */
  body?: string;
  /** a generator tag, to tell the repeated parts of a huge body in a printed counterexample */
  note?: string;
}

/** The bytes of a request body. */
export function bodyBytes(r: HostileRequest): Buffer | undefined {
  if (r.body === undefined) return undefined;
  if (r.body.startsWith("hex:")) return Buffer.from(r.body.slice(4), "hex");
  return Buffer.from(r.body, "utf8");
}

/** A short, readable form of a request for reports (huge bodies cut). */
export function describeRequest(r: HostileRequest): string {
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}...(${s.length} chars)` : s);
  const hdrs = Object.entries(r.headers).map(([k, v]) => `${k}: ${cut(v, 60)}`).join("; ");
  return `${r.method} ${cut(r.target, 200)}${hdrs ? ` [${hdrs}]` : ""}${r.body !== undefined ? ` body=${cut(JSON.stringify(r.body), 300)}` : ""}`;
}

// ---- the wire ------------------------------------------------------------------------------

export interface HostileReply {
  code: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** the answer was a stream (a watch, logs with follow) that the client cut after a while */
  streamed: boolean;
  /** the server closed the connection without an HTTP answer */
  reset?: string;
  /** no answer within the time limit */
  timedOut?: boolean;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/** Sends one request over plain HTTP; a streaming answer is read for streamMs and then cut. */
export function send(base: string, r: HostileRequest, opts: { timeoutMs: number; streamMs: number }): Promise<HostileReply> {
  const url = new URL(base);
  const body = bodyBytes(r);
  return new Promise((resolve) => {
    let done = false;
    const finish = (rep: HostileReply) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(rep);
    };
    const headers: Record<string, string | number> = { ...r.headers };
    if (body !== undefined) headers["Content-Length"] = body.length;
    let req: ReturnType<typeof httpRequest>;
    try {
      req = httpRequest({ host: url.hostname, port: url.port, method: r.method, path: r.target, headers, agent, insecureHTTPParser: false }, (res) => {
        const chunks: Buffer[] = [];
        const chunked = res.headers["transfer-encoding"] === "chunked";
        let cut: NodeJS.Timeout | undefined;
        if (chunked) {
          cut = setTimeout(() => {
            res.destroy();
            finish({ code: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), streamed: true });
          }, opts.streamMs);
        }
        res.on("data", (d: Buffer) => chunks.push(d));
        res.on("end", () => {
          if (cut) clearTimeout(cut);
          finish({ code: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), streamed: false });
        });
        res.on("error", () => {
          if (cut) clearTimeout(cut);
          finish({ code: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), streamed: chunked });
        });
      });
    } catch (e) {
      // the client library refuses to send it (a method or header it cannot put on the wire)
      resolve({ code: 0, headers: {}, body: Buffer.alloc(0), streamed: false, reset: `not sendable: ${(e as Error).message}` });
      return;
    }
    const timer = setTimeout(() => {
      req.destroy();
      finish({ code: 0, headers: {}, body: Buffer.alloc(0), streamed: false, timedOut: true });
    }, opts.timeoutMs);
    req.on("error", (e) => finish({ code: 0, headers: {}, body: Buffer.alloc(0), streamed: false, reset: e.message }));
    req.end(body);
  });
}

// ---- the checks ------------------------------------------------------------------------------

/** kube-apiserver's limit on a request body: 3 MiB. */
export const maxRequestBodyBytes = 3 * 1024 * 1024;

/** Paths whose answer is a document that is not a Kubernetes object (kube-apiserver's non-resource URLs). */
export function isNonResourceDoc(pathname: string): boolean {
  return /^\/(version|healthz|livez|readyz|openapi|api|apis)(\/|$)/.test(pathname);
}

/** The kinds a 2xx answer to this request may carry, from the path it names. */
function expectedKinds(pathname: string, r: ResourceInfo | undefined, subresource: string | undefined): string[] {
  if (!r) return [];
  const kinds = [r.kind, `${r.kind}List`, "Table", "Status", "PartialObjectMetadata", "PartialObjectMetadataList"];
  if (subresource === "scale") kinds.push("Scale");
  if (subresource === "eviction") kinds.push("Eviction");
  if (subresource === "binding") kinds.push("Binding");
  // serviceaccounts/token answers with the TokenRequest, its token filled in
  if (subresource === "token") kinds.push("TokenRequest");
  if (/\/bindings$/.test(pathname)) kinds.push("Binding");
  return kinds;
}

function resourceOfPath(pathname: string): { r?: ResourceInfo; subresource?: string } {
  // percent-escapes decoded to bytes, read as UTF-8 (as Go leaves URL.Path), then split
  if (/%(?![0-9A-Fa-f]{2})/.test(pathname)) return {};
  const decoded = Buffer.from(pathname.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8");
  // RequestInfoFactory's splitPath: the ends' slashes trimmed, inner empty segments kept, so
  // /api/v1/namespaces//pods names pods in the namespace "" (a list across namespaces, as kube answers)
  const parts = decoded.replace(/^\/+|\/+$/g, "").split("/");
  let group = "";
  let rest: string[];
  if (parts[0] === "api") rest = parts.slice(2);
  else if (parts[0] === "apis") {
    group = parts[1] ?? "";
    rest = parts.slice(3);
  } else return {};
  if (rest[0] === "namespaces" && rest.length > 2 && rest[2] !== "status" && rest[2] !== "finalize") rest = rest.slice(2);
  const r = resources.find((x) => x.group === group && x.resource === rest[0]);
  return r ? { r, ...(rest[2] !== undefined ? { subresource: rest[2] } : {}) } : {};
}

/**
 * Why this reply breaks the contract, or undefined when it keeps it: every answer is a Kubernetes
 * Status whose code is the HTTP status, an object or list of the kind the path names, a watch
 * stream of such events, or one of the non-resource documents; and no answer is a 5xx.
 */
export function replyViolation(r: HostileRequest, rep: HostileReply): { cls: string; detail: string } | undefined {
  if (rep.timedOut) return { cls: "no answer within the time limit", detail: "timed out" };
  if (rep.reset !== undefined) {
    if (rep.reset.startsWith("not sendable")) return undefined;
    return { cls: "connection reset without an answer", detail: rep.reset };
  }
  const pathname = r.target.split("?")[0]!;
  const text = rep.body.toString("utf8");
  const ctype = String(rep.headers["content-type"] ?? "");
  let json: any;
  let parsed = false;
  if (ctype.startsWith("application/json") && !rep.streamed && r.method !== "HEAD") {
    try {
      json = JSON.parse(text);
      parsed = true;
    } catch {
      /* judged below */
    }
  } else if (ctype === "application/yaml" && !rep.streamed && r.method !== "HEAD") {
    // asked for YAML, the server answers in it (the yaml serializer): judged as the object it reads as
    const asked = Object.entries(r.headers).some(([k, v]) => k.toLowerCase() === "accept" && /yaml|\*\/\*|application\/\*/i.test(String(v)));
    if (!asked) return { cls: `${rep.code} YAML answer to a request that did not accept it`, detail: text.slice(0, 120) };
    const docs = parseAllDocuments(text);
    const doc = Array.isArray(docs) ? docs[0] : undefined;
    if (doc && doc.errors.length === 0 && (Array.isArray(docs) ? docs.length : 0) === 1) {
      json = doc.toJS({ maxAliasCount: -1 });
      parsed = true;
    }
  } else if (ctype === "application/vnd.kubernetes.protobuf" && !rep.streamed && r.method !== "HEAD") {
    // asked for protobuf, the server may answer in it: judged as the JSON the object decodes to
    const asked = Object.entries(r.headers).some(([k, v]) => k.toLowerCase() === "accept" && String(v).includes("application/vnd.kubernetes.protobuf"));
    if (!asked) return { cls: `${rep.code} protobuf answer to a request that did not accept it`, detail: text.slice(0, 120) };
    try {
      json = decodeProtobufObject(rep.body, { apiVersion: "", kind: "" });
      parsed = true;
    } catch {
      /* judged below */
    }
  }
  // kube-apiserver reads at most 3 MiB of a request body (MaxRequestBodyBytes): it never accepts more.
  const size = bodyBytes(r)?.length ?? 0;
  // the limit is the resource handlers' (limitedReadBody); the health checks answer without reading a body
  const healthCheck = /^\/(healthz|livez|readyz)(\/|$)/.test(pathname);
  if (size > maxRequestBodyBytes && rep.code >= 200 && rep.code < 300 && !healthCheck) return { cls: "a body over 3 MiB was accepted", detail: `${size} bytes, HTTP ${rep.code}` };
  // DeleteResource decodes a DELETE body's DeleteOptions without transformDecodeError, so what it
  // cannot decode reaches the client as ErrorToAPIStatus of a plain error: 500 with no reason.
  if (rep.code === 500 && r.method === "DELETE" && r.body !== undefined && parsed && json?.kind === "Status" && json.code === 500 && (json.reason === undefined || json.reason === "")) return undefined;
  // The field manager's errors on an apply configuration the schema refuses are plain errors too:
  // "failed to create typed patch object (...)" reaches the client as a 500 with no reason.
  if (rep.code === 500 && r.method === "PATCH" && parsed && json?.kind === "Status" && (json.reason === undefined || json.reason === "") && String(json.message ?? "").startsWith("failed to create typed patch object (")) return undefined;
  // Store.Update reads the written object's resourceVersion with strconv.ParseUint and returns its
  // plain error: a PUT or patch of a malformed one is ErrorToAPIStatus's 500 with no reason.
  if (rep.code === 500 && (r.method === "PUT" || r.method === "PATCH") && parsed && json?.kind === "Status" && (json.reason === undefined || json.reason === "") && String(json.message ?? "").startsWith("strconv.ParseUint: parsing ")) return undefined;
  // A get, list or watch at a resourceVersion that is no uint64 fails in the storage's versioner with a
  // storage.InvalidError no handler maps: ErrorToAPIStatus's 500 with no reason (kubernetes#139485).
  // A deletecollection's list (Store.DeleteCollection calls List with its ListOptions) fails alike.
  if (rep.code === 500 && (r.method === "GET" || r.method === "HEAD" || r.method === "DELETE") && (r.method === "HEAD" || (parsed && json?.kind === "Status" && (json.reason === undefined || json.reason === "") && String(json.message ?? "").startsWith("resourceVersion: Invalid value: ")))) {
    if (new URLSearchParams(r.target.split("?")[1] ?? "").has("resourceVersion")) return undefined;
  }
  // componentstatus/rest.go's Get answers a name it does not probe with fmt.Errorf("Component not
  // found: %s"): ErrorToAPIStatus's 500 with no reason.
  if (rep.code === 500 && (r.method === "GET" || r.method === "HEAD") && /^\/api\/v1\/componentstatuses\/[^/?]+(\?|$)/.test(r.target)) {
    if (r.method === "HEAD" || (parsed && json?.kind === "Status" && (json.reason === undefined || json.reason === "") && String(json.message ?? "").startsWith("Component not found: "))) return undefined;
  }
  // A namespace of "." or ".." in the path makes a key storage.PrepareKey refuses with a plain error:
  // ErrorToAPIStatus's 500 with no reason, whatever the method.
  if (rep.code === 500 && /\/namespaces\/(\.|%2[eE]){1,2}\/[^/?]/.test(r.target)) {
    if (r.method === "HEAD" || (parsed && json?.kind === "Status" && (json.reason === undefined || json.reason === "") && String(json.message ?? "").startsWith("invalid key: "))) return undefined;
  }
  // BindingREST.Create returns ValidatePodBinding's errors as a bare Aggregate: 500 with no reason.
  if (rep.code === 500 && r.method === "POST" && /\/(binding|bindings)(\?|$)/.test(r.target) && parsed && json?.kind === "Status" && (json.reason === undefined || json.reason === "") && /^\[?target\.(kind|name): /.test(String(json.message ?? ""))) return undefined;
  // A get, list or watch at a resourceVersion the watch cache has not reached waits for it and then
  // answers NewTooLargeResourceVersionError: 504 Timeout with a ResourceVersionTooLarge cause.
  if (rep.code === 504 && (r.method === "GET" || r.method === "HEAD") && new URLSearchParams(r.target.split("?")[1] ?? "").has("resourceVersion")) {
    if (r.method === "HEAD" || (parsed && json?.kind === "Status" && json.reason === "Timeout" && json.details?.causes?.[0]?.reason === "ResourceVersionTooLarge")) return undefined;
  }
  // pods/<name>/proxy, services/<name>/proxy and nodes/<name>/proxy relay the backend's answer, whatever
  // it is; a backend out of reach (a Node object with no kubelet behind it) is the proxy's 503
  // ServiceUnavailable ("no endpoints available", "error trying to reach service").
  const proxied = /^\/api\/v1\/(namespaces\/[^/]+\/(pods|services)|nodes)\/[^/]+\/proxy(\/|$)/.test(pathname);
  if (proxied && rep.code === 503 && parsed && json?.kind === "Status" && json.reason === "ServiceUnavailable") return undefined;
  // a HEAD answer has no body to show that Status
  if (proxied && rep.code === 503 && r.method === "HEAD") return undefined;
  // NodeConnectionInfoGetter's GetPreferredNodeAddress error for a Node with no InternalIP,
  // ExternalIP or Hostname address is a plain error: ErrorToAPIStatus's 500 with no reason.
  const nodeProxied = /^\/api\/v1\/nodes\/[^/]+\/proxy(\/|$)/.test(pathname);
  if (nodeProxied && rep.code === 500 && (r.method === "HEAD" || (parsed && json?.kind === "Status" && (json.reason === undefined || json.reason === "") && String(json.message ?? "").startsWith("no preferred addresses found; known addresses: ")))) return undefined;
  // what the backend said is relayed as it is; the API server's own answers there (401, 403, 404) are Statuses, judged below
  if (proxied && rep.code < 500 && !(parsed && json?.kind === "Status")) return undefined;
  if (rep.code >= 500) {
    const reason = parsed ? `${json?.reason ?? "?"}: ${String(json?.message ?? "").slice(0, 160)}` : text.slice(0, 160);
    return { cls: `${rep.code} ${parsed ? json?.reason ?? "" : ""}: ${normalizeMessage(parsed ? String(json?.message ?? "") : text)}`, detail: `HTTP ${rep.code} ${reason}` };
  }
  if (r.method === "HEAD") return undefined;
  // Go's net/http refuses an unparsable request line or URI before any handler runs, with a plain-text
  // "400 Bad Request" (or 431 for headers too large, 413/501 for framing) on a closed connection.
  if ((rep.code === 400 || rep.code === 431 || rep.code === 413 || rep.code === 501) && !ctype.startsWith("application/json") && rep.headers["connection"] === "close") return undefined;
  // pods/<name>/log is text; so are health checks.
  if (rep.code === 200 && ctype.startsWith("text/plain")) {
    if (/\/log$/.test(pathname) || /^\/(healthz|livez|readyz)(\/|$)/.test(pathname)) return undefined;
    return { cls: "text/plain answer on a path that serves objects", detail: `${rep.code} ${text.slice(0, 120)}` };
  }
  // the max-in-flight filter's http.Error
  if (rep.code === 429 && ctype.startsWith("text/plain")) return undefined;
  if (rep.code === 200 && ctype.includes("protobuf") && pathname.startsWith("/openapi/v2")) return undefined;
  if (rep.streamed) {
    if (rep.code !== 200) return { cls: "a stream that is not 200", detail: `${rep.code}` };
    const lines = text.split("\n");
    lines.pop(); // the last line may be cut
    for (const l of lines) {
      if (l.trim() === "") continue;
      let ev: any;
      try {
        ev = JSON.parse(l);
      } catch {
        if (/\/log$/.test(pathname)) continue;
        return { cls: "a watch event that is not JSON", detail: l.slice(0, 120) };
      }
      if (typeof ev?.type !== "string" || typeof ev?.object !== "object") return { cls: "a watch line that is no WatchEvent", detail: l.slice(0, 120) };
    }
    return undefined;
  }
  if (!parsed) {
    if (rep.code === 204 || (rep.code === 201 && text === "")) return undefined;
    return { cls: `${rep.code} answer that is not JSON (${ctype || "no content type"})`, detail: text.slice(0, 160) };
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) return { cls: "JSON answer that is not an object", detail: text.slice(0, 120) };
  if (json.kind === "Status") {
    if (json.apiVersion !== "v1") return { cls: "Status without apiVersion v1", detail: text.slice(0, 160) };
    if (json.code !== rep.code) return { cls: "Status code differs from the HTTP status", detail: `HTTP ${rep.code}, Status.code ${json.code}` };
    if (rep.code >= 400 && json.status !== "Failure") return { cls: "error Status without status Failure", detail: text.slice(0, 160) };
    return undefined;
  }
  if (rep.code >= 400) return { cls: `${rep.code} answer that is not a Status`, detail: text.slice(0, 160) };
  if (isNonResourceDoc(pathname) && !/^\/apis?\/[^/]+\/[^/]+\/./.test(pathname) && !/^\/api\/[^/]+\/./.test(pathname)) return undefined;
  const { r: res, subresource } = resourceOfPath(pathname);
  const kinds = expectedKinds(pathname, res, subresource);
  if (!kinds.includes(json.kind)) return { cls: `${rep.code} answer of kind ${json.kind} on ${res?.resource ?? "an unknown resource"}${subresource ? "/" + subresource : ""}`, detail: text.slice(0, 160) };
  return undefined;
}

/** A message with its variable parts (names, numbers, quoted text) blurred, to group failures into classes. */
export function normalizeMessage(m: string): string {
  return m
    .slice(0, 400)
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/'[^']*'/g, "'…'")
    .replace(/\b\d+\b/g, "N")
    .replace(/\s+at\s.*$/s, "")
    .slice(0, 120);
}

// ---- the arbitraries ---------------------------------------------------------------------------

/** Valid manifests from examples/, and small ones of the other kinds podflow serves. */
export function exampleManifests(dir: URL): any[] {
  const out: any[] = [];
  for (const f of ["nginx.yaml", "deployment-service.yaml", "crashloop.yaml", "init-container.yaml", "exec-liveness.yaml"]) {
    for (const d of parseAllDocuments(readFileSync(new URL(f, dir), "utf8"))) {
      const v = d.toJS();
      if (v) out.push(v);
    }
  }
  out.push(
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg", labels: { app: "web" } }, data: { a: "1" } },
    { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, type: "Opaque", stringData: { p: "x" } },
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "hostile" } },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "sa" } },
    { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "rs" }, spec: { replicas: 1, selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } } },
    { apiVersion: "v1", kind: "Node", metadata: { name: "node-9" }, status: { capacity: { cpu: "1" } } },
    { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "l" }, spec: { holderIdentity: "x" } },
    { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "pdb" }, spec: { minAvailable: 1, selector: { matchLabels: { app: "web" } } } },
    { apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "high" }, value: 1000 },
    { apiVersion: "v1", kind: "Event", metadata: { name: "e1" }, involvedObject: { kind: "Pod", name: "nginx", namespace: "default" }, reason: "X", message: "m" },
    { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: "es" }, addressType: "IPv4", endpoints: [{ addresses: ["10.0.0.1"] }] },
    { apiVersion: "v1", kind: "Endpoints", metadata: { name: "ep" }, subsets: [{ addresses: [{ ip: "10.0.0.1" }], ports: [{ port: 80 }] }] },
    { apiVersion: "v1", kind: "Binding", metadata: { name: "nginx" }, target: { apiVersion: "v1", kind: "Node", name: "node-1" } },
    { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: "nginx", namespace: "default" } },
    { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "web", namespace: "default" }, spec: { replicas: 5 } },
    { apiVersion: "v1", kind: "DeleteOptions", gracePeriodSeconds: 0, propagationPolicy: "Background" },
  );
  return out;
}

const protoKeys = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "__defineGetter__", "isPrototypeOf"];
const weirdNames = ["..", ".", "__proto__", "constructor", "toString", "hasOwnProperty", "prototype", "", " ", "A", "a/b", "a\u0000b", "é", "\u202e", "a".repeat(254), "a".repeat(64), "0", "-1", "null", "undefined", "NaN", "[object Object]"];

/** Names the setup creates, so hostile requests find something to change. */
export const liveNames = { namespaces: ["default", "kube-system", "hostile", "kube-node-lease"], names: ["nginx", "web", "cfg", "kubernetes", "node-1", "default", "crasher", "myapp-pod", "liveness-exec", "high", "pdb", "l", "node-1"] };

/** The resources the server serves, as path prefixes and plurals. */
function servedPaths(): Array<{ prefix: string; r: ResourceInfo }> {
  return resources.map((r) => ({ prefix: r.group === "" ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`, r }));
}

/** Percent-encodes the UTF-8 bytes of s but for the unreserved ones (encodeURIComponent throws on a lone surrogate). */
export function pct(s: string, keep = /[A-Za-z0-9._~-]/): string {
  let out = "";
  for (const ch of s) {
    if (keep.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, "utf8")) out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/** A path segment as it goes on the wire: plain, percent-encoded, or deliberately mis-encoded. */
const segment = (name: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 6, arbitrary: name.map((s) => pct(s)) },
    { weight: 1, arbitrary: name.map((s) => pct(s, /[A-Za-z0-9._~!$&'()*+,;=:@-]/)) },
    { weight: 2, arbitrary: fc.constantFrom("%E0%A4%A", "%", "%zz", "%E0%A4", "%C3%28", "%FF", "%00", "%2e%2e", "%2F", "..", ".", "%252F", "a%", "%u0041", "%ED%A0%80") },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => "x".repeat(n)) },
  );

const anyName = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...liveNames.names) },
  { weight: 3, arbitrary: fc.constantFrom(...weirdNames) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 8 }) },
);
const anyNamespace = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...liveNames.namespaces) },
  { weight: 2, arbitrary: fc.constantFrom(...weirdNames, "does-not-exist") },
);
const allSubresources = [...new Set(resources.flatMap((r) => r.subresources)), "proxy", "exec", "attach", "portforward", "ephemeralcontainers", "resize", "__proto__", "constructor"];

/** The value one time in `oneIn`, else undefined (fc.option's freq is the other way round). */
function rarely<T>(arb: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
}

/** A URL path: a served resource (namespaced or not, named or not, a subresource), a document, or noise. */
export const pathArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc
      .record({
        p: fc.constantFrom(...servedPaths()),
        ns: rarely(segment(anyNamespace), 2),
        name: rarely(segment(anyName), 2),
        sub: rarely(fc.oneof(fc.constantFrom(...allSubresources), segment(anyName)), 4),
        extra: rarely(segment(anyName), 12),
        slash: fc.boolean(),
      })
      .map(({ p, ns, name, sub, extra, slash }) => {
        let s = p.prefix;
        if (ns !== undefined) s += `/namespaces/${ns}`;
        s += `/${p.r.resource}`;
        if (name !== undefined) {
          s += `/${name}`;
          if (sub !== undefined) s += `/${sub}`;
          if (extra !== undefined) s += `/${extra}`;
        }
        return slash && name === undefined && ns === undefined ? s + "/" : s;
      }),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "/version", "/version/", "/healthz", "/livez", "/readyz", "/healthz/etcd", "/readyz/x/y", "/api", "/apis", "/api/v1", "/apis/apps", "/apis/apps/v1",
      "/apis/apps/v2", "/apis/nope", "/apis/nope/v1", "/openapi/v2", "/openapi/v3", "/openapi/v3/apis/apps/v1", "/openapi/v3/api/v1", "/openapi/v3/nope",
      "/", "", "//", "/api/v1/namespaces", "/api/v1/namespaces/default/", "/api/v1/namespaces/default/pods/nginx/log", "/api/v1/namespaces/../pods",
      "/api/v1/../../version", "/apis/apps/v1/namespaces/default/deployments/web/scale", "/api/v1/namespaces/default/pods/nginx/binding",
      "/api/v1/namespaces/default/pods/nginx/eviction", "/api/v1/namespaces/default/pods/nginx/status", "/api/v1/namespaces/default/status",
      "/api/v1/namespaces/default/finalize", "/api/v1/namespaces/hostile/finalize", "/api/v1/nodes/node-1/status", "/api/v1/namespaces/default/bindings",
      "/api/__proto__", "/apis/__proto__/v1/x", "/api/v1/__proto__", "/api/v1/constructor", "/apis/constructor/v1/toString", "/api/v1/namespaces/default/toString",
    ),
  },
  {
    weight: 2,
    arbitrary: fc.array(fc.oneof(segment(anyName), fc.constantFrom("api", "apis", "v1", "apps", "namespaces", "default", "pods", "nodes", "proxy", "..", "%2e%2e", "..%2f.", ".")), { minLength: 1, maxLength: 7 }).map((ss) => "/" + ss.join("/")),
  },
);

const queryValues: Record<string, string[]> = {
  watch: ["true", "1", "false", "yes", "", "TRUE"],
  labelSelector: ["app=web", "app!=web", "app in (web,x)", "app notin (a)", "!app", "app", "app=", "=web", "app in web", "app in (", "a==b==c", ",", "app=web,", "x/y/z=1", "a".repeat(300) + "=b", "app=" + "v".repeat(100), "__proto__=x", "constructor", "toString in (a)", "app in ()", "app>1", "app<x", "a b", "(", "app=\u0000", "app=web,app=web,app=web"],
  fieldSelector: ["metadata.name=nginx", "metadata.namespace=default", "spec.nodeName=node-1", "status.phase=Running", "metadata.name!=x", "metadata.name", "=x", "spec.nodeName==", "nope=1", "metadata.name=a,", ",", "metadata.name in (a)", "__proto__=1", "constructor=x", "toString=y", "metadata.labels.app=web", "metadata.name=\u0000"],
  limit: ["-1", "0", "1", "2", "abc", "1e3", "99999999999999999999", "1.5", "", "0x10", " 1", "NaN", "Infinity"],
  continue: ["", "abc", "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MSwic3RhcnQiOiJhIn0", "%%%", "null", "__proto__"],
  resourceVersion: ["0", "1", "", "-1", "abc", "99999999999", "1.5", "18446744073709551616", "__proto__", " 1"],
  resourceVersionMatch: ["NotOlderThan", "Exact", "", "nope"],
  dryRun: ["All", "all", "", "true", "None", "All,All"],
  gracePeriodSeconds: ["0", "-1", "30", "abc", "", "1.5", "9999999999999", "-9999999999999", "NaN", "1e309"],
  propagationPolicy: ["Orphan", "Background", "Foreground", "orphan", "", "Nope", "__proto__"],
  orphanDependents: ["true", "false", "x"],
  timeoutSeconds: ["0", "1", "-1", "abc", "", "99999999999", "1.5"],
  allowWatchBookmarks: ["true", "false", "x"],
  sendInitialEvents: ["true", "false", "x"],
  includeObject: ["None", "Metadata", "Object", "x", "__proto__"],
  container: ["nginx", "x", "", "__proto__", "constructor"],
  follow: ["true", "false", "x"],
  previous: ["true", "false", "x"],
  tailLines: ["0", "-1", "5", "abc", "", "1e9"],
  sinceSeconds: ["0", "-1", "5", "abc", ""],
  sinceTime: ["2020-01-01T00:00:00Z", "abc", "", "0"],
  limitBytes: ["0", "-1", "5", "abc", ""],
  timestamps: ["true", "false", "x"],
  fieldManager: ["kubectl", "", "x".repeat(200), "__proto__"],
  fieldValidation: ["Strict", "Warn", "Ignore", "x"],
  force: ["true", "false", "x"],
  pretty: ["true", "false", "x"],
  ["__proto__"]: ["x"],
  constructor: ["x"],
  toString: ["x"],
};
const queryKeys = Object.keys(queryValues).concat("__proto__");

/** A query string: known parameters with good and garbage values, repeated keys, broken encoding. */
export const queryArb: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...queryKeys).chain((k) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...(queryValues[k] ?? ["x"])) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }).map((v) => `${pct(k)}=${pct(v)}`)) },
      { weight: 1, arbitrary: fc.constantFrom("watch", "limit", "=", "&", "labelSelector=%E0%A4%A", "fieldSelector=%", "a=%zz", "dryRun=All&dryRun=x", "watch=true&watch=false", "limit=1&limit=2", "%00=%00") },
    ),
    { maxLength: 4, size: "xsmall" },
  )
  .map((ps) => (ps.length === 0 ? "" : "?" + ps.join("&")));

/** The Authorization (and impersonation) headers: every kind of token a client could send. */
export function authArb(tokens: { admin: string; components: string[] }): fc.Arbitrary<Record<string, string>> {
  const bearer = fc.oneof(
    { weight: 6, arbitrary: fc.constant(`Bearer ${tokens.admin}`) },
    { weight: 3, arbitrary: fc.constantFrom(...tokens.components).map((t) => `Bearer ${t}`) },
    { weight: 3, arbitrary: fc.constantFrom(...protoKeys, "groups", "name", "admin", "system:masters", "", " ", tokens.admin + "x", tokens.admin.toUpperCase()).map((t) => `Bearer ${t}`) },
    { weight: 2, arbitrary: fc.constantFrom("Bearer", "Basic YWRtaW46YWRtaW4=", "bearer " + tokens.admin, "Bearer  " + tokens.admin + " ", "Token " + tokens.admin, "Bearer a b", "Negotiate x", "Bearer \t" + tokens.admin) },
  );
  return fc
    .record({
      auth: fc.option(bearer, { nil: undefined, freq: 5 }),
      user: rarely(fc.constantFrom("admin", "system:admin", "system:kube-scheduler", "__proto__", "constructor", "system:anonymous", "system:node:node-1"), 8),
      group: rarely(fc.constantFrom("system:masters", "system:nodes", "__proto__", "system:authenticated"), 10),
      uid: rarely(fc.constantFrom("1", "__proto__"), 20),
    })
    .map(({ auth, user, group, uid }) => {
      const h: Record<string, string> = {};
      if (auth !== undefined) h["Authorization"] = auth;
      if (user !== undefined) h["Impersonate-User"] = user;
      if (group !== undefined) h["Impersonate-Group"] = group;
      if (uid !== undefined) h["Impersonate-Uid"] = uid;
      return h;
    });
}

const contentTypes = [
  "application/json", "application/yaml", "application/vnd.kubernetes.protobuf", "application/merge-patch+json", "application/strategic-merge-patch+json",
  "application/json-patch+json", "application/apply-patch+yaml", "application/apply-patch+cbor", "text/plain", "application/cbor", "application/json; charset=utf-16",
  "APPLICATION/JSON", "application/json;;;", "*/*", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/__proto__", "constructor",
];
const accepts = [
  "application/json", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json", "application/json;as=Table;v=v1;g=meta.k8s.io", "application/yaml",
  "application/vnd.kubernetes.protobuf", "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
  "text/html", "*/*", "garbage;;;as=", "application/json;as=Table;v=v9;g=meta.k8s.io", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
  // client-go's metadata client, a v1beta1 Table, and a conversion the negotiated clause asks before a Table clause
  "application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json",
  "application/json;as=Table;v=v1beta1;g=meta.k8s.io", "application/json;as=PartialObjectMetadata;v=v1beta1;g=meta.k8s.io, application/json;as=Table;v=v1;g=meta.k8s.io",
];

/** Sets a value at a path inside a JSON value, creating containers on the way (a mutation of a manifest). */
function setAt(root: any, path: string[], value: unknown): any {
  if (path.length === 0) return value;
  const [k, ...rest] = path;
  const base = root !== null && typeof root === "object" ? root : {};
  const copy: any = Array.isArray(base) ? [...base] : JSON.parse(JSON.stringify(base));
  // JSON.parse keeps "__proto__" an own key; assignment would not, so define it
  Object.defineProperty(copy, k!, { value: setAt(copy[k!], rest, value), enumerable: true, writable: true, configurable: true });
  return copy;
}

/** The paths of every field in a value, so a mutation can pick any of them. */
function fieldPaths(v: any, prefix: string[] = [], out: string[][] = []): string[][] {
  if (out.length > 400) return out;
  out.push(prefix);
  if (v !== null && typeof v === "object") for (const k of Object.keys(v)) fieldPaths(v[k], [...prefix, k], out);
  return out;
}

// biome-ignore lint/correctness/noPrecisionLoss: 2^53+1 is there to be rounded, as a client would send it
const wrongValues: unknown[] = [null, 0, -1, 1.5, 1e308, -1e308, true, false, "", "x", "100m", "1Gi", [], {}, [[]], [{}], [null], { a: { b: {} } }, ["x"], "\u0000", "é", 9007199254740993, "-", "NaN"];

function deep(n: number, kind: "array" | "object"): string {
  return kind === "array" ? "[".repeat(n) + "]".repeat(n) : '{"a":'.repeat(n) + "1" + "}".repeat(n);
}

/** A CustomResourceDefinition whose one version's schema is given, as text (it may nest deeper than a call stack would build). */
function crdBody(schema: string): string {
  return `{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"hostiles.h.example.com"},"spec":{"group":"h.example.com","scope":"Namespaced","names":{"plural":"hostiles","kind":"Hostile"},"versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":${schema}}}]}}`;
}

/** Hostile CRD schemas: x-kubernetes-* misused, OpenAPI fields a CRD may not use, and nesting hundreds or thousands of levels deep. */
const hostileSchemas: string[] = [
  '{"type":"object","properties":{"spec":{"type":"string","x-kubernetes-list-type":"map","x-kubernetes-map-type":"weird"}}}',
  '{"type":"object","properties":{"spec":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["k","k","zz"],"items":{"type":"object","properties":{"k":{"type":"object"}}}}}}',
  '{"type":"object","properties":{"spec":{"type":"array","x-kubernetes-list-map-keys":["k"],"items":[{"type":"string"}]}}}',
  '{"type":"object","id":"x","definitions":{"d":{"$ref":"#/d"}},"properties":{"spec":{"type":"null","dependencies":{"a":["b"]},"additionalItems":false,"patternProperties":{"a":{}}}}}',
  '{"type":"object","properties":{"spec":{"$schema":"http://json-schema.org/draft-04/schema#","x-kubernetes-preserve-unknown-fields":false}}}',
  '{"type":"object","properties":{"spec":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"object","nullable":true}}}}',
];

function deepSchema(levels: number, extra: string): string {
  return `{"type":"object","properties":{"spec":${`{"type":"object",${extra}"properties":{"a":`.repeat(levels)}{"type":"string"}${"}}".repeat(levels)}}}`;
}

const crdArb: fc.Arbitrary<{ body: string; note?: string }> = fc.oneof(
  fc.constantFrom(...hostileSchemas).map((sc) => ({ body: crdBody(sc), note: "hostile CRD schema" })),
  fc.tuple(fc.constantFrom(100, 500, 4_000, 10_000), fc.constantFrom("", '"$ref":"#/x",', '"x-kubernetes-list-type":"set",')).map(([n, extra]) => ({ body: crdBody(deepSchema(n, extra)), note: `CRD schema ${n} levels deep` })),
);

/** A body: a valid manifest, one mutated field by field, or hostile text. */
export function bodyArb(manifests: any[]): fc.Arbitrary<{ body: string; note?: string }> {
  const manifest = fc.constantFrom(...manifests);
  const mutated = manifest.chain((m) => {
    const paths = fieldPaths(m);
    return fc
      .array(fc.tuple(fc.constantFrom(...paths), fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...wrongValues) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) }, { weight: 1, arbitrary: fc.constantFrom(...protoKeys).map((k) => JSON.parse(`{"${k}": {"groups": ["system:masters"], "x": 1}}`)) })), { minLength: 1, maxLength: 4 })
      .map((ms) => ms.reduce((acc, [p, v]) => setAt(acc, p, v), m));
  });
  const withProtoKey = fc.tuple(manifest, fc.constantFrom(...protoKeys), fc.constantFrom("", "metadata", "metadata.labels", "spec", "metadata.annotations")).map(([m, k, where]) => {
    const path = where === "" ? [k] : [...where.split("."), k];
    return setAt(m, path, JSON.parse('{"groups": ["system:masters"], "polluted": true, "toString": 1}'));
  });
  const named = fc.tuple(manifest, fc.constantFrom(...weirdNames), fc.boolean()).map(([m, n, ns]) => setAt(m, ["metadata", ns ? "namespace" : "name"], n));
  const text = fc.oneof(
    { weight: 6, arbitrary: manifest.map((m) => ({ body: JSON.stringify(m) })) },
    { weight: 8, arbitrary: mutated.map((m) => ({ body: JSON.stringify(m) })) },
    { weight: 3, arbitrary: withProtoKey.map((m) => ({ body: JSON.stringify(m) })) },
    { weight: 2, arbitrary: named.map((m) => ({ body: JSON.stringify(m) })) },
    { weight: 2, arbitrary: fc.tuple(manifest, fc.nat()).map(([m, n]) => { const t = JSON.stringify(m); return { body: t.slice(0, n % (t.length + 1)), note: "truncated" }; }) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(1000, 10_000, 100_000), fc.constantFrom<"array" | "object">("array", "object")).map(([n, k]) => ({ body: deep(n, k), note: `nested ${n}` })) },
    { weight: 1, arbitrary: fc.tuple(manifest, fc.constantFrom(10_000, 100_000), fc.constantFrom<"array" | "object">("array", "object")).map(([m, n, k]) => ({ body: JSON.stringify({ ...m, metadata: { ...m.metadata, labels: { a: "b" } } }).replace('{"a":"b"}', deep(n, k)), note: `nested ${n} in labels` })) },
    { weight: 1, arbitrary: fc.tuple(manifest, fc.constantFrom(100_000, 1_100_000, 3_200_000)).map(([m, n]) => ({ body: JSON.stringify(setAt(m, ["metadata", "annotations", "big"], "x".repeat(n))), note: `annotation of ${n} bytes` })) },
    { weight: 1, arbitrary: fc.tuple(manifest, fc.constantFrom("ff", "c328", "eda080", "f4908080", "80", "00")).map(([m, bad]) => ({ body: "hex:" + Buffer.from(JSON.stringify(setAt(m, ["metadata", "labels", "a"], "BAD"))).toString("hex").replace(Buffer.from("BAD").toString("hex"), bad) })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => ({ body: "hex:" + Buffer.concat([Buffer.from("k8s\u0000"), Buffer.from(b)]).toString("hex") })) },
    { weight: 1, arbitrary: fc.constantFrom("", "null", "[]", "{}", "1", '"x"', "true", "{\"kind\":\"Pod\"}", "{\"apiVersion\":\"v1\"}", '{"apiVersion":"v1","kind":"Status"}', '{"apiVersion":{"a":1},"kind":["Pod"]}', '{"kind":"Pod","apiVersion":"v1","metadata":null}', '{"kind":"Pod","apiVersion":"v1","metadata":[]}', '{"kind":"Pod","apiVersion":"v1","metadata":"x"}', '{"kind":"Pod","apiVersion":"v1","spec":"x"}', '{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p"},"spec":{"containers":"x"}}').map((b) => ({ body: b })) },
    { weight: 1, arbitrary: fc.constantFrom("a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n", "kind: Pod\napiVersion: v1\nmetadata: {name: y}\n---\nkind: Pod\n", "!!binary aGk=", "a: !!python/object {}", "? [a]\n: b", "kind: Pod\napiVersion: v1\nmetadata:\n  name: p\n  labels: {<<: {a: b}}\n", "\t- x", "{{{", "kind: Pod\r\napiVersion: v1\r\nmetadata:\r\n  name: crlf\r\n").map((b) => ({ body: b, note: "yaml" })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => ({ body: s })) },
    { weight: 1, arbitrary: crdArb },
  );
  return text;
}

const masters = ["system:masters"];
/** Patches that reach for a prototype through a pointer or a key, each the whole patch. */
const prototypeAttacks = [
  [{ op: "add", path: "/__proto__/groups", value: masters }],
  [{ op: "replace", path: "/__proto__/groups", value: masters }],
  [{ op: "add", path: "/constructor/prototype/groups", value: masters }],
  [{ op: "add", path: "/metadata/__proto__/groups", value: masters }],
  [{ op: "add", path: "/metadata/labels/__proto__", value: { groups: masters } }],
  [{ op: "add", path: "/__proto__/toString", value: 1 }],
  [{ op: "copy", from: "/metadata", path: "/__proto__/groups" }],
  [{ op: "move", from: "/metadata/labels", path: "/constructor/prototype/labels" }],
  [{ op: "add", path: "/spec/containers/__proto__", value: { groups: masters } }],
  [{ op: "test", path: "/__proto__/hasOwnProperty", value: null }],
].map((p) => JSON.stringify(p)).concat(
  '{"__proto__": {"groups": ["system:masters"]}}',
  '{"constructor": {"prototype": {"groups": ["system:masters"]}}}',
  '{"metadata": {"__proto__": {"groups": ["system:masters"]}}}',
  '{"metadata": {"labels": {"__proto__": {"groups": ["system:masters"]}}}}',
  '{"spec": {"containers": [{"name": "nginx", "__proto__": {"groups": ["system:masters"]}}]}}',
  '{"$setElementOrder/__proto__": [{"groups": "x"}], "__proto__": {"toString": 1}}',
);

/** JSON patches, merge patches and strategic patches aimed at prototypes, wrong types and real fields. */
export const patchArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...prototypeAttacks) },
  {
    weight: 3,
    arbitrary: fc
      .array(
        fc.record({
          op: fc.constantFrom("add", "replace", "remove", "move", "copy", "test", "ADD", "x", "__proto__"),
          path: fc.constantFrom("/__proto__/x", "/__proto__/groups", "/constructor/prototype/x", "/constructor/prototype/groups", "/metadata/__proto__/groups", "/metadata/labels/__proto__", "/metadata/labels/a", "/metadata/labels", "/spec/containers/0/image", "/spec/containers/-", "/spec/containers/99", "/spec/replicas", "/metadata/name", "/metadata/resourceVersion", "/status/phase", "", "/", "x", "/metadata/labels/a~1b", "/metadata/labels/~2", "/spec/containers/-1", "/spec/containers/01", "/spec/containers/1e0", "/metadata/annotations/toString", "/metadata/constructor/prototype/groups", "x/metadata/labels/a", "zz/zz", "__proto__/__proto__/x", "metadata"),
          from: fc.option(fc.constantFrom("/__proto__", "/metadata", "/metadata/labels", "/constructor/prototype", "/spec/containers/0"), { nil: undefined }),
          value: fc.option(fc.oneof(fc.constantFrom(...wrongValues), fc.constant(["system:masters"]), fc.constant({ groups: ["system:masters"] })), { nil: undefined }),
        }),
        { maxLength: 4 },
      )
      .map((ops) => JSON.stringify(ops)),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom("", "metadata", "metadata.labels", "spec", "spec.template.spec", "status", "metadata.annotations", "spec.containers"), fc.constantFrom(...protoKeys, "a", "name", "replicas", "$patch", "$retainKeys", "$setElementOrder/containers", "$deleteFromPrimitiveList/finalizers"), fc.oneof(fc.constantFrom(...wrongValues), fc.constant({ groups: ["system:masters"] }), fc.constant({ prototype: { groups: ["system:masters"] } })))
      .map(([where, k, v]) => {
        const inner = `{"${k}": ${JSON.stringify(v)}}`;
        return where === "" ? inner : where.split(".").reverse().reduce((acc, w) => `{"${w}": ${acc}}`, inner);
      }),
  },
  { weight: 1, arbitrary: fc.constantFrom('{"metadata":{"labels":{"a":"b"}}}', '{"spec":{"replicas":2}}', '[{"op":"replace","path":"/spec/replicas","value":1}]', "[]", "{}", "null", '"x"', "[{}]", '[{"op":"add"}]', '{"spec":{"containers":[{"name":"nginx","$patch":"delete"}]}}', '{"spec":{"containers":[{"$patch":"replace"}]}}', '{"$patch":"delete"}', '{"$patch":"replace"}', '{"metadata":{"finalizers":["a"],"$deleteFromPrimitiveList/finalizers":["a"]}}') },
  // json-patch v4's findObject: the document itself, a scalar replacing it, operations without a value
  { weight: 1, arbitrary: fc.constantFrom('[{"op":"replace","path":"","value":"abc"}]', '[{"op":"replace","path":"","value":null}]', '[{"op":"remove","path":""}]', '[{"op":"add","path":"/metadata/labels/a"}]', '[{"op":"replace","path":"/metadata/name"}]', '[{"op":"move","from":"","path":"/metadata/labels"}]') },
  // directives where the live object has nothing to merge into, and $setElementOrder on fields that are no list
  { weight: 1, arbitrary: fc.constantFrom('{"metadata":{"$deleteFromPrimitiveList/finalizers":["example.com/x"]}}', '{"$setElementOrder/bogus":[1]}', '{"metadata":{"$setElementOrder/labels":["a"]}}', '{"metadata":{"$setElementOrder/Finalizers":["a"]}}', '{"metadata":{"labels":{"a":null,"$patch":"replace"}}}', '{"metadata":{"annotations":{"x":{"$patch":"delete"}}}}', '{"spec":{"template":{"$patch":"delete"}}}', '{"metadata":{"ownerReferences":[{"uid":"x","$patch":"delete"}]}}') },
);

/** One hostile request, given the tokens of the cluster it is sent to: mostly a well-aimed one, else noise. */
export function requestArb(tokens: { admin: string; components: string[] }, manifests: any[]): fc.Arbitrary<HostileRequest> {
  return fc.oneof({ weight: 3, arbitrary: aimedArb(tokens, manifests) }, { weight: 1, arbitrary: chaoticArb(tokens, manifests) });
}

/**
 * A request at a served resource and an object that exists (or a fresh name), with the admin token
 * most of the time and a body of the resource's kind, one thing wrong with it at most: it gets past
 * routing, authentication and decoding to the code that handles the object.
 */
function aimedArb(tokens: { admin: string; components: string[] }, manifests: any[]): fc.Arbitrary<HostileRequest> {
  const byKind = new Map<string, any[]>();
  for (const m of manifests) byKind.set(m.kind, [...(byKind.get(m.kind) ?? []), m]);
  return fc.constantFrom(...resources).chain((r) => {
    const own = byKind.get(r.kind) ?? manifests;
    const ownNames = [...new Set(own.map((m) => m.metadata?.name).filter(Boolean))] as string[];
    const name = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...(ownNames.length ? ownNames : ["h1"])) }, { weight: 1, arbitrary: fc.constantFrom(...liveNames.names.slice(0, 4), "h1", "h2") });
    const subresource = rarely(fc.constantFrom(...r.subresources, "status"), 6);
    const auth = fc.oneof(
      { weight: 8, arbitrary: fc.constant({ Authorization: `Bearer ${tokens.admin}` }) },
      { weight: 2, arbitrary: fc.constantFrom(...tokens.components).map((t) => ({ Authorization: `Bearer ${t}` })) },
      { weight: 1, arbitrary: authArb(tokens) },
      // a node's own identity: the Node authorizer and NodeRestriction judge a well-formed write
      { weight: 1, arbitrary: fc.constant({ Authorization: `Bearer ${tokens.admin}`, "Impersonate-User": "system:node:node-1", "Impersonate-Group": "system:nodes" }) },
    );
    const body = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...own) },
      { weight: 4, arbitrary: bodyArb(own).map((b) => b as { body: string; note?: string }) },
    );
    return fc.record({
      method: fc.constantFrom("GET", "GET", "POST", "PUT", "PATCH", "PATCH", "DELETE", "HEAD"),
      ns: fc.constantFrom("default", "default", "hostile", "kube-system"),
      name,
      subresource,
      query: queryArb,
      auth,
      body,
      patch: patchArb,
      patchType: fc.constantFrom("application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"),
      accept: rarely(fc.constantFrom(...accepts), 4),
      yaml: rarely(fc.constant(true), 8),
      // an apply configuration's system fields, judged after the apply when it creates (patcher.applyPatch)
      applyMeta: rarely(fc.constantFrom<Record<string, unknown>>({ uid: "6c1a1c5e-0000-4000-8000-000000000001" }, { selfLink: "/api/v1/x" }, { namespace: "kube-public" }, { name: "" }, { creationTimestamp: "2001-01-01T00:00:00Z" }), 6),
    }).map(({ method, ns, name, subresource, query, auth, body, patch, patchType, accept, yaml, applyMeta }) => {
      const prefix = r.group === "" ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
      const named = method !== "POST" || subresource !== undefined;
      let path = `${prefix}${r.namespaced ? `/namespaces/${ns}` : ""}/${r.resource}`;
      if (named) path += `/${pct(name)}${subresource ? `/${subresource}` : ""}`;
      const headers: Record<string, string> = { ...auth };
      if (accept !== undefined) headers["Accept"] = accept;
      const req: HostileRequest = { method, target: path + query, headers };
      if (method === "POST" || method === "PUT") {
        // a manifest as it is (renamed to the path's object) or a mutated text
        if ("body" in body && typeof body.body === "string") {
          req.body = body.body;
          if (body.note) req.note = body.note;
        } else {
          const m = { ...body, metadata: { ...body.metadata, name, ...(r.namespaced ? { namespace: ns } : {}) } };
          req.body = yaml ? toYaml(m) : JSON.stringify(m);
        }
        headers["Content-Type"] = yaml || req.note === "yaml" ? "application/yaml" : "application/json";
      } else if (method === "PATCH") {
        const apply = patchType === "application/apply-patch+yaml";
        req.body = apply && !("body" in body) ? toYaml({ ...body, metadata: { ...body.metadata, name, ...applyMeta } }) : patch;
        headers["Content-Type"] = apply ? patchType : patch.startsWith("[") ? "application/json-patch+json" : patchType === "application/json-patch+json" ? "application/merge-patch+json" : patchType;
      }
      return req;
    });
  });
}

/** YAML text of a value (JSON is YAML; flow style keeps it one line and exact). */
function toYaml(v: unknown): string {
  return JSON.stringify(v);
}

/** Anything: random paths, verbs, content types and bodies that rarely fit together. */
function chaoticArb(tokens: { admin: string; components: string[] }, manifests: any[]): fc.Arbitrary<HostileRequest> {
  const method = fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE") },
    { weight: 2, arbitrary: fc.constantFrom("HEAD", "OPTIONS") },
    { weight: 1, arbitrary: fc.constantFrom("TRACE", "PROPFIND", "PURGE", "MKCOL", "LINK", "SEARCH", "REPORT", "FOO", "get") },
  );
  return fc
    .record({
      method,
      path: pathArb,
      query: queryArb,
      auth: authArb(tokens),
      contentType: rarely(fc.constantFrom(...contentTypes), 3),
      accept: rarely(fc.constantFrom(...accepts), 3),
      body: fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 4, arbitrary: bodyArb(manifests) }),
      patch: patchArb,
    })
    .map(({ method, path, query, auth, contentType, accept, body, patch }) => {
      const headers: Record<string, string> = { ...auth };
      let b: { body: string; note?: string } | undefined = body;
      let ct = contentType;
      // Most writes carry the content type their body is; the rest carry a random one.
      if (method === "PATCH" && (body === undefined || ct === undefined)) {
        b = { body: patch };
        ct = ct ?? (patch.startsWith("[") ? "application/json-patch+json" : "application/merge-patch+json");
      } else if ((method === "POST" || method === "PUT") && ct === undefined && b !== undefined) ct = b.note === "yaml" ? "application/yaml" : "application/json";
      if (ct !== undefined) headers["Content-Type"] = ct;
      if (accept !== undefined) headers["Accept"] = accept;
      const req: HostileRequest = { method, target: (path === "" ? "/" : path) + query, headers };
      if (b !== undefined && method !== "GET" && method !== "HEAD") req.body = b.body;
      if (b?.note) req.note = b.note;
      return req;
    });
}

export { apiVersionOf };
