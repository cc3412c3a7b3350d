// The pure parts of the HTTP front end: path parsing, Go-worded JSON errors, Table negotiation.

import { describe, it, expect } from "vitest";
import { request } from "node:http";
import { boolParam, deleteOptionsError, goParseInt64, listOptionsError, parsePath, resourceVersionError, startServer, unescapePath } from "../runtime/server/http.js";
import { createCluster } from "../runtime/cluster.js";
import { decodeBody, goJsonSyntaxError, summarizeData } from "../runtime/server/decode.js";
import { tableOptions } from "../runtime/server/tables.js";
import { negotiatedTransform } from "../runtime/server/negotiate.js";
import { wantsAggregated } from "../runtime/server/discovery.js";

describe("REST paths, parsed as kube-apiserver's RequestInfoFactory parses them", () => {
  it.each([
    ["a namespaced list", "/api/v1/namespaces/default/pods", { group: "", version: "v1", resource: "pods", namespace: "default" }],
    ["a namespaced object", "/api/v1/namespaces/default/pods/web", { group: "", version: "v1", resource: "pods", namespace: "default", name: "web" }],
    ["a subresource", "/apis/apps/v1/namespaces/ns1/deployments/web/scale", { group: "apps", version: "v1", resource: "deployments", namespace: "ns1", name: "web", subresource: "scale" }],
    ["a list across namespaces", "/api/v1/pods", { group: "", version: "v1", resource: "pods" }],
    ["a namespace is itself the object", "/api/v1/namespaces/kube-system", { group: "", version: "v1", resource: "namespaces", name: "kube-system" }],
    ["a namespace's status is its subresource, not a resource in it", "/api/v1/namespaces/foo/status", { group: "", version: "v1", resource: "namespaces", name: "foo", subresource: "status" }],
    ["a cluster-scoped object", "/api/v1/nodes/node-1", { group: "", version: "v1", resource: "nodes", name: "node-1" }],
  ])("%s", (_n, path, want) => {
    expect(parsePath(path)).toEqual({ type: "resource", path: want });
  });

  it.each([
    ["/version", { type: "doc", doc: "version" }],
    ["/api", { type: "doc", doc: "api" }],
    ["/apis", { type: "doc", doc: "apis" }],
    ["/apis/apps", { type: "doc", doc: "group", group: "apps" }],
    ["/apis/apps/v1", { type: "doc", doc: "groupVersion", group: "apps", version: "v1" }],
    ["/openapi/v3/apis/apps/v1", { type: "doc", doc: "openapiV3Group", group: "apis/apps/v1" }],
    ["/nothing/here", { type: "notFound" }],
  ])("%s is a discovery document or nothing", (path, want) => {
    expect(parsePath(path)).toEqual(want);
  });
});

describe("request paths decoded as Go's url.ParseRequestURI decodes them", () => {
  it.each([
    ["a plain path is itself", "/api/v1/pods", "/api/v1/pods"],
    ["escapes are decoded", "/api/v1/namespaces/default/pods/%61b", "/api/v1/namespaces/default/pods/ab"],
    ["an escaped slash splits segments, as in URL.Path", "/api/v1/namespaces/default/pods/a%2Fb", "/api/v1/namespaces/default/pods/a/b"],
    ["bytes that are not UTF-8 decode to U+FFFD instead of throwing", "/api/v1/pods/%E0%A4", "/api/v1/pods/\ufffd"],
    ["a truncated escape is malformed", "/api/v1/pods/%E0%A4%A", undefined],
    ["a lone percent is malformed", "/api/v1/pods/%", undefined],
    ["a non-hex escape is malformed", "/api/v1/pods/%zz", undefined],
  ])("%s", (_n, raw, want) => {
    expect(unescapePath(raw)).toBe(want);
  });

  it("'//' and '//host/path' are paths (a 404 Status), not a URL with a host; a name that is not UTF-8 is a 404, never a 500", async () => {
    const cluster = createCluster({ nodes: 1, seed: 1, clock: "simulated", trace: false });
    const server = await startServer({ cluster, port: 0, tls: false });
    const get = (path: string) =>
      new Promise<{ code: number; type: string; connection: string; body: string }>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port: server.port, path, headers: { Authorization: `Bearer ${cluster.adminToken}` } }, (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve({ code: res.statusCode!, type: String(res.headers["content-type"]), connection: String(res.headers.connection), body }));
        });
        req.on("error", reject);
        req.end();
      });
    try {
      const slashes = await get("//");
      expect([slashes.code, JSON.parse(slashes.body).reason]).toEqual([404, "NotFound"]);
      const hostLike = await get("//evil.example/api/v1/namespaces");
      expect(hostLike.code).toBe(404);
      const notUtf8 = await get("/api/v1/namespaces/default/pods/%E0%A4");
      expect([notUtf8.code, JSON.parse(notUtf8.body).reason]).toEqual([404, "NotFound"]);
    } finally {
      await server.close();
      await cluster.stop();
    }
  });
});

describe("query options converted as apimachinery's ParameterCodec converts them", () => {
  it.each([
    ["absent is false", "", false],
    ["true", "watch=true", true],
    ["1", "watch=1", true],
    ["any other value is true", "watch=yes", true],
    ["the empty value is true", "watch=", true],
    ["false in any case is false", "watch=FALSE", false],
    ["0 is false", "watch=0", false],
  ])("a boolean: %s", (_n, query, want) => {
    expect(boolParam(new URLSearchParams(query), "watch")).toBe(want);
  });

  it.each([
    ["a decimal", "42", { value: 42 }],
    ["a signed decimal", "-1", { value: -1 }],
    ["a plus sign", "+7", { value: 7 }],
    ["letters", "abc", { error: 'strconv.ParseInt: parsing "abc": invalid syntax' }],
    ["the empty string", "", { error: 'strconv.ParseInt: parsing "": invalid syntax' }],
    ["a fraction", "1.5", { error: 'strconv.ParseInt: parsing "1.5": invalid syntax' }],
    ["an exponent", "1e3", { error: 'strconv.ParseInt: parsing "1e3": invalid syntax' }],
    ["hex", "0x10", { error: 'strconv.ParseInt: parsing "0x10": invalid syntax' }],
    ["past int64", "9223372036854775808", { error: 'strconv.ParseInt: parsing "9223372036854775808": value out of range' }],
    // biome-ignore lint/correctness/noPrecisionLoss: -2^63 is exactly a double
    ["the least int64", "-9223372036854775808", { value: -9223372036854775808 }],
  ])("an int64: %s", (_n, text, want) => {
    expect(goParseInt64(text)).toEqual(want);
  });

  it("a list or delete with an integer option that is no int64 is 400 (after authorization), and watch=yes is a watch", async () => {
    const cluster = createCluster({ nodes: 1, seed: 1, clock: "simulated", trace: false });
    const server = await startServer({ cluster, port: 0, tls: false });
    const call = (method: string, path: string, token = cluster.adminToken) =>
      new Promise<{ code: number; chunked: boolean; status?: any }>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port: server.port, method, path, headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
          const chunked = res.headers["transfer-encoding"] === "chunked";
          if (chunked) {
            res.destroy();
            return resolve({ code: res.statusCode!, chunked });
          }
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve({ code: res.statusCode!, chunked, status: JSON.parse(body) }));
        });
        req.on("error", reject);
        req.end();
      });
    const bad = (message: string) => ({ code: 400, chunked: false, status: expect.objectContaining({ kind: "Status", reason: "BadRequest", code: 400, message }) });
    try {
      expect(await call("GET", "/api/v1/namespaces/default/pods?limit=abc")).toEqual(bad('strconv.ParseInt: parsing "abc": invalid syntax'));
      expect(await call("GET", "/api/v1/pods?limit=99999999999999999999")).toEqual(bad('strconv.ParseInt: parsing "99999999999999999999": value out of range'));
      expect(await call("GET", "/api/v1/pods?watch=true&timeoutSeconds=1.5")).toEqual(bad('strconv.ParseInt: parsing "1.5": invalid syntax'));
      expect(await call("DELETE", "/api/v1/namespaces/default/pods/absent?gracePeriodSeconds=soon")).toEqual(bad('strconv.ParseInt: parsing "soon": invalid syntax'));
      expect(await call("DELETE", "/api/v1/namespaces/default/configmaps?limit=x")).toEqual(bad('strconv.ParseInt: parsing "x": invalid syntax'));
      // the authorization filter runs before the handler decodes options
      expect((await call("GET", "/api/v1/namespaces/default/pods?limit=abc", "")).code).toBe(403);
      expect((await call("GET", "/api/v1/namespaces/default/pods?limit=2")).code).toBe(200);
      expect(await call("GET", "/api/v1/namespaces/default/pods?watch=yes")).toEqual({ code: 200, chunked: true });
      expect((await call("GET", "/api/v1/namespaces/default/pods?watch=False")).chunked).toBe(false);
    } finally {
      await server.close();
      await cluster.stop();
    }
  });
});

// apimachinery pkg/apis/meta/internalversion/validation ValidateListOptions, which ListResource runs
// after decoding the query; the rows are kube's TestListOptions (test/integration/apiserver) cases and
// validateWatchOptions' rules, worded as its field errors inside NewInvalid(meta.k8s.io ListOptions).
describe("list and watch options are validated as ValidateListOptions validates them", () => {
  const invalid = (...causes: Array<[string, string, string]>) => ({
    kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "Invalid", code: 422,
    message: `ListOptions.meta.k8s.io "" is invalid: ${causes.length === 1 ? `${causes[0]![1]}: ${causes[0]![2]}` : `[${causes.map((c) => `${c[1]}: ${c[2]}`).join(", ")}]`}`,
    details: { group: "meta.k8s.io", kind: "ListOptions", causes: causes.map(([reason, field, message]) => ({ reason, message, field })) },
  });
  it.each([
    ["a list with resourceVersionMatch but no resourceVersion", "resourceVersionMatch=NotOlderThan", invalid(["FieldValueForbidden", "resourceVersionMatch", "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided"])],
    ["a list with resourceVersionMatch and continue", "resourceVersion=0&resourceVersionMatch=NotOlderThan&continue=abc", invalid(["FieldValueForbidden", "resourceVersionMatch", "Forbidden: resourceVersionMatch is forbidden when continue is provided"])],
    ["a list with an unknown resourceVersionMatch", "resourceVersion=1&resourceVersionMatch=__proto__", invalid(["FieldValueNotSupported", "resourceVersionMatch", 'Unsupported value: "__proto__": supported values: "Exact", "NotOlderThan", ""'])],
    ["a list of Exact at resourceVersion 0", "resourceVersion=0&resourceVersionMatch=Exact", invalid(["FieldValueForbidden", "resourceVersionMatch", 'Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"'])],
    ["a list with sendInitialEvents, whatever its value", "sendInitialEvents=false", invalid(["FieldValueForbidden", "sendInitialEvents", "Forbidden: sendInitialEvents is forbidden for list"])],
    ["a watch with sendInitialEvents but no resourceVersionMatch", "watch=true&sendInitialEvents=true", invalid(["FieldValueForbidden", "resourceVersionMatch", "Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"])],
    ["a watch with resourceVersionMatch but no sendInitialEvents", "watch=1&resourceVersionMatch=NotOlderThan", invalid(["FieldValueForbidden", "resourceVersionMatch", "Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"])],
    [
      "a watch with sendInitialEvents and resourceVersionMatch=Exact",
      "watch=true&sendInitialEvents=true&resourceVersionMatch=Exact",
      invalid(["FieldValueForbidden", "resourceVersionMatch", "Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"], ["FieldValueNotSupported", "resourceVersionMatch", 'Unsupported value: "Exact": supported values: "NotOlderThan"']),
    ],
  ])("%s is 422", (_n, query, want) => {
    expect(listOptionsError(new URLSearchParams(query))).toEqual(want);
  });

  it.each([
    ["a plain list", ""],
    ["a list at a resourceVersion, not older than it", "resourceVersion=5&resourceVersionMatch=NotOlderThan"],
    ["a list of an exact resourceVersion", "resourceVersion=5&resourceVersionMatch=Exact"],
    ["a watch-list: sendInitialEvents with NotOlderThan", "watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true"],
    ["a watch=false with neither", "watch=false&resourceVersion=3"],
  ])("%s is valid", (_n, query) => {
    expect(listOptionsError(new URLSearchParams(query))).toBeUndefined();
  });

  it("the server answers them with the 422 before any list or watch is served, after authorization", async () => {
    const cluster = createCluster({ nodes: 1, seed: 1, clock: "simulated", trace: false });
    const server = await startServer({ cluster, port: 0, tls: false });
    const call = (path: string, token = cluster.adminToken) =>
      new Promise<{ code: number; type?: string; body: string }>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port: server.port, path, headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve({ code: res.statusCode!, body }));
        });
        req.on("error", reject);
        req.end();
      });
    try {
      const r = await call("/api/v1/namespaces/default/pods?watch=true&sendInitialEvents=true");
      expect(r.code).toBe(422);
      expect(JSON.parse(r.body).message).toBe('ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
      expect((await call("/api/v1/pods?resourceVersionMatch=Exact")).code).toBe(422);
      expect((await call("/api/v1/pods?resourceVersionMatch=Exact", "")).code).toBe(403);
    } finally {
      await server.close();
      await cluster.stop();
    }
  });
});

// apimachinery pkg/apis/meta/v1/validation ValidateDeleteOptions, run by DeleteResource and
// DeleteCollection on the options of the body, or of the query when there is no body.
// APIObjectVersioner.ParseResourceVersion's storage.InvalidError reaches the client through
// ErrorToAPIStatus as a 500 with no reason, on gets, lists and watches alike (kubernetes/kubernetes
// issues #101350 and #139485 show the answer); podflow served a list and began a watch at "NaN".
describe("a get, list or watch at a resourceVersion that is no uint64 is the versioner's error", () => {
  const status = (rv: string, why: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `resourceVersion: Invalid value: "${rv}": strconv.ParseUint: parsing "${rv}": ${why}`, code: 500 });
  it.each([
    ["letters", "abc", "invalid syntax"],
    ["a negative number", "-1", "invalid syntax"],
    ["a sign", "+1", "invalid syntax"],
    ["a prototype name", "__proto__", "invalid syntax"],
    ["past uint64", "18446744073709551616", "value out of range"],
  ])("%s", (_n, rv, why) => {
    expect(resourceVersionError(rv)).toEqual(status(rv, why));
  });

  it.each([[""], ["0"], ["7"], ["007"], ["18446744073709551615"]])("%s is a resourceVersion", (rv) => {
    expect(resourceVersionError(rv)).toBeUndefined();
  });

  it("the server answers it before a get, a list or a watch is served, after authorization", async () => {
    const cluster = createCluster({ nodes: 1, seed: 1, clock: "simulated", trace: false });
    const server = await startServer({ cluster, port: 0, tls: false });
    const get = (path: string, token = cluster.adminToken) =>
      new Promise<{ code: number; chunked: boolean; body: string }>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port: server.port, path, headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
          const chunked = res.headers["transfer-encoding"] === "chunked";
          let body = "";
          res.on("data", (d) => (body += d));
          if (chunked) {
            res.destroy();
            return resolve({ code: res.statusCode!, chunked, body });
          }
          res.on("end", () => resolve({ code: res.statusCode!, chunked, body }));
        });
        req.on("error", reject);
        req.end();
      });
    try {
      const watch = await get("/api/v1/namespaces/default/pods?watch=true&resourceVersion=abc");
      expect([watch.code, watch.chunked, JSON.parse(watch.body)]).toEqual([500, false, status("abc", "invalid syntax")]);
      expect((await get("/api/v1/pods?resourceVersion=-1")).code).toBe(500);
      expect((await get("/api/v1/namespaces/default?resourceVersion=99999999999999999999")).code).toBe(500);
      expect((await get("/api/v1/pods?resourceVersion=abc", "")).code).toBe(403);
      expect((await get("/api/v1/pods?resourceVersion=0")).code).toBe(200);
    } finally {
      await server.close();
      await cluster.stop();
    }
  });
});

describe("delete options are validated as ValidateDeleteOptions validates them", () => {
  const invalid = (message: string, causes: Array<[string, string, string]>) => ({
    kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "Invalid", code: 422, message: `DeleteOptions.meta.k8s.io "" is invalid: ${message}`,
    details: { group: "meta.k8s.io", kind: "DeleteOptions", causes: causes.map(([reason, field, m]) => ({ reason, message: m, field })) },
  });
  it.each([
    ["an unknown propagationPolicy", "__proto__", false, [], invalid('propagationPolicy: Unsupported value: "__proto__": supported values: "Foreground", "Background", "Orphan", "nil"', [["FieldValueNotSupported", "propagationPolicy", 'Unsupported value: "__proto__": supported values: "Foreground", "Background", "Orphan", "nil"']])],
    ["a policy beside orphanDependents", "Orphan", true, [], invalid('propagationPolicy: Invalid value: "Orphan": orphanDependents and deletionPropagation cannot be both set', [["FieldValueInvalid", "propagationPolicy", 'Invalid value: "Orphan": orphanDependents and deletionPropagation cannot be both set']])],
    [
      "both, with a dryRun that is not All after them",
      "constructor",
      true,
      ["x"],
      invalid('[propagationPolicy: Invalid value: "constructor": orphanDependents and deletionPropagation cannot be both set, propagationPolicy: Unsupported value: "constructor": supported values: "Foreground", "Background", "Orphan", "nil", dryRun: Unsupported value: ["x"]: supported values: "All"]', [
        ["FieldValueInvalid", "propagationPolicy", 'Invalid value: "constructor": orphanDependents and deletionPropagation cannot be both set'],
        ["FieldValueNotSupported", "propagationPolicy", 'Unsupported value: "constructor": supported values: "Foreground", "Background", "Orphan", "nil"'],
        ["FieldValueNotSupported", "dryRun", 'Unsupported value: ["x"]: supported values: "All"'],
      ]),
    ],
  ])("%s is 422", (_n, policy, orphan, dry, want) => {
    expect(deleteOptionsError({ policy, orphanDependents: orphan, dryRun: dry })).toEqual(want);
  });

  it.each([["Foreground"], ["Background"], ["Orphan"], [undefined]])("%s is valid", (policy) => {
    expect(deleteOptionsError({ policy, orphanDependents: false, dryRun: [] })).toBeUndefined();
  });

  it("a DELETE with propagationPolicy=__proto__ is refused and deletes nothing; in a body the query's policy is not read", async () => {
    const cluster = createCluster({ seed: 1, clock: "live", speed: 10, trace: false, only: ["etcd", "apiserver"] });
    const server = await startServer({ cluster, port: 0, tls: false });
    const call = (method: string, path: string, body?: string) =>
      new Promise<{ code: number; body: any }>((resolve, reject) => {
        // Node sends a DELETE's body with neither length nor chunks unless told its length
        const headers = { Authorization: `Bearer ${cluster.adminToken}`, "Content-Type": "application/json", ...(body ? { "Content-Length": Buffer.byteLength(body) } : {}) };
        const req = request({ host: "127.0.0.1", port: server.port, method, path, headers }, (res) => {
          let text = "";
          res.on("data", (d) => (text += d));
          res.on("end", () => resolve({ code: res.statusCode!, body: text }));
        });
        req.on("error", reject);
        req.end(body);
      });
    try {
      expect((await call("POST", "/api/v1/namespaces/default/configmaps", JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kept" } }))).code).toBe(201);
      expect((await call("DELETE", "/api/v1/namespaces/default/configmaps/kept?propagationPolicy=__proto__")).code).toBe(422);
      expect((await call("DELETE", "/api/v1/namespaces/default/configmaps?propagationPolicy=toString")).code).toBe(422);
      const inBody = await call("DELETE", "/api/v1/namespaces/default/configmaps/kept", JSON.stringify({ propagationPolicy: "hasOwnProperty" }));
      expect(inBody.code).toBe(422);
      expect((await call("GET", "/api/v1/namespaces/default/configmaps/kept")).code).toBe(200);
      // the body's options are the options: the query's bad policy is not read
      expect((await call("DELETE", "/api/v1/namespaces/default/configmaps/kept?propagationPolicy=__proto__", JSON.stringify({ propagationPolicy: "Background" }))).code).toBe(200);
    } finally {
      await server.close();
      await cluster.stop();
    }
  });
});

describe("JSON syntax errors, worded as Go's encoding/json", () => {
  it.each([
    ["a truncated document", '{"a": ', "unexpected end of JSON input"],
    ["an unquoted key", "{a: 1}", "invalid character 'a' looking for beginning of object key string"],
    ["a missing colon", '{"a" 1}', "invalid character '1' after object key"],
    ["a missing comma between members", '{"a": 1 "b": 2}', "invalid character '\"' after object key:value pair"],
    ["a missing comma between elements", "[1 2]", "invalid character '2' after array element"],
    ["garbage where a value starts", "{\"a\": x}", "invalid character 'x' looking for beginning of value"],
    ["a misspelled literal", "[tru]", "invalid character ']' in literal true (expecting 'e')"],
    ["text after the value", "{} {}", "invalid character '{' after top-level value"],
    ["a bad escape", '"\\q"', "invalid character 'q' in string escape code"],
    ["a single quote", "'a'", "invalid character '\\'' looking for beginning of value"],
    ["a minus without digits", "-x", "invalid character 'x' in numeric literal"],
    ["valid JSON", '{"a": [1, -2.5e3, true, null, "x\\n"]}', undefined],
    ["arrays nested 10,000 deep, Go's limit", "[".repeat(10_000) + "]".repeat(10_000), undefined],
    ["arrays nested 10,001 deep", "[".repeat(10_001) + "]".repeat(10_001), "invalid character '[' exceeded max depth"],
    ["objects nested 100,000 deep are refused, not a stack overflow", '{"a":'.repeat(100_000) + "1" + "}".repeat(100_000), "invalid character '{' exceeded max depth"],
    ["a missing comma after a nested object", '{"a": {"b": [1]} "c": 2}', "invalid character '\"' after object key:value pair"],
    ["an empty key list closes", '{"a": {}, "b": []}', undefined],
  ])("%s", (_n, text, want) => {
    expect(goJsonSyntaxError(text)).toBe(want);
  });

  it("a malformed create body is a BadRequest naming the kind and showing the first 30 bytes", () => {
    const raw = Buffer.from('{"apiVersion": "v1", "kind": "Pod", "metadata": {');
    const got = decodeBody(raw, "application/json", "Pod");
    expect(got).toEqual({ status: expect.objectContaining({ code: 400, reason: "BadRequest", message: 'the object provided is unrecognized (must be of type Pod): couldn\'t get version/kind; json parse error: unexpected end of JSON input ({"apiVersion": "v1", "kind": " ...)' }) });
  });

  it.each([
    ["an empty body", "", "<empty>"],
    ["a short object", '{"a":1}', '{"a":1}'],
    ["bytes that are not an object, in hex", "xyz", "78797a"],
  ])("summarizeData of %s", (_n, text, want) => {
    expect(summarizeData(Buffer.from(text))).toBe(want);
  });

  it("a YAML alias bomb is a 400 (go-yaml's 'excessive aliasing'), not a 500 from the yaml library's guard", () => {
    const bomb = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n";
    // the YAML serializer returns YAMLToJSON's error unwrapped, and transformDecodeError wraps it
    expect(decodeBody(Buffer.from(bomb), "application/yaml", "Pod")).toEqual({ status: expect.objectContaining({ code: 400, reason: "BadRequest", message: `the object provided is unrecognized (must be of type Pod): yaml: document contains excessive aliasing (${summarizeData(Buffer.from(bomb))})` }) });
  });

  it("a YAML body's double-quoted escapes are go-yaml's: a backslash-quote is a quote, a backslash-slash unknown", () => {
    expect(decodeBody(Buffer.from(`kind: ConfigMap\n${String.raw`data: {k: "a\'b"}`}\n`), "application/yaml", "ConfigMap")).toEqual({ body: { kind: "ConfigMap", data: { k: "a'b" } } });
    const slash = Buffer.from(`kind: ConfigMap\n${String.raw`data: {k: "a\/b"}`}\n`);
    // a create body's YAMLToJSON error, wrapped by transformDecodeError as every other one is
    expect(decodeBody(slash, "application/yaml", "ConfigMap")).toEqual({ status: expect.objectContaining({ code: 400, message: `the object provided is unrecognized (must be of type ConfigMap): yaml: line 2: found unknown escape character (${summarizeData(slash)})` }) });
  });

  it("a YAML body decodes to the same object as JSON", () => {
    expect(decodeBody(Buffer.from("kind: Pod\nmetadata:\n  name: a\n"), "application/yaml", "Pod")).toEqual({ body: { kind: "Pod", metadata: { name: "a" } } });
  });
});

describe("content negotiation", () => {
  it.each([
    ["kubectl get's Accept asks for a v1 Table", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json", { as: "Table", version: "v1" }],
    ["plain JSON is no conversion", "application/json", undefined],
    // handlers/response.go's asTable takes meta.k8s.io/v1beta1 too
    ["a v1beta1 Table alone is a v1beta1 Table", "application/json;as=Table;v=v1beta1;g=meta.k8s.io", { as: "Table", version: "v1beta1" }],
    ["a Table in another group is no acceptable clause: the next one is taken", "application/json;as=Table;v=v1;g=example.com,application/json", undefined],
  ])("%s", (_n, accept, want) => {
    expect(negotiatedTransform(accept)).toEqual(want);
  });

  it.each([
    ["kubectl's discovery Accept asks for aggregated discovery v2", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json", true],
    ["plain JSON gets the legacy documents", "application/json, */*", false],
  ])("%s", (_n, accept, want) => {
    expect(wantsAggregated(accept)).toBe(want);
  });

  // handlers/response.go optionsForTransform: ValidateTableOptions' one error as
  // NewBadRequest("Unable to convert to Table as requested: " + err), judged once the answer is ready
  it.each([
    ["absent is Metadata", "", { include: "Metadata" }],
    ["Object", "includeObject=Object", { include: "Object" }],
    ["None", "includeObject=None", { include: "None" }],
    ["a prototype name is no option", "includeObject=__proto__", { error: `Unable to convert to Table as requested: includeObject: Invalid value: "__proto__": must be 'Metadata', 'Object', 'None', or empty` }],
    ["the case matters", "includeObject=object", { error: `Unable to convert to Table as requested: includeObject: Invalid value: "object": must be 'Metadata', 'Object', 'None', or empty` }],
  ])("a Table's includeObject: %s", (_n, query, want) => {
    expect(tableOptions(new URLSearchParams(query))).toEqual(want);
  });

  it("a Table asked with an includeObject ValidateTableOptions refuses is 400 once the object is found; a missing one is still 404", async () => {
    const cluster = createCluster({ nodes: 1, seed: 1, clock: "simulated", trace: false });
    const server = await startServer({ cluster, port: 0, tls: false });
    const get = (path: string) =>
      new Promise<{ code: number; body: any }>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port: server.port, path, headers: { Authorization: `Bearer ${cluster.adminToken}`, Accept: "application/json;as=Table;v=v1;g=meta.k8s.io" } }, (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve({ code: res.statusCode!, body: JSON.parse(body) }));
        });
        req.on("error", reject);
        req.end();
      });
    const message = `Unable to convert to Table as requested: includeObject: Invalid value: "constructor": must be 'Metadata', 'Object', 'None', or empty`;
    try {
      expect(await get("/api/v1/namespaces?includeObject=constructor")).toEqual({ code: 400, body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "BadRequest", code: 400 } });
      expect((await get("/api/v1/namespaces/default?includeObject=constructor")).code).toBe(400);
      expect((await get("/api/v1/namespaces/absent?includeObject=constructor")).code).toBe(404);
      expect((await get("/api/v1/namespaces?watch=true&includeObject=constructor")).code).toBe(400);
      expect((await get("/api/v1/namespaces/default?includeObject=None")).body.rows[0].object).toBeUndefined();
    } finally {
      await server.close();
      await cluster.stop();
    }
  });
});
