// The seventh hostile round: what kube-apiserver writes back, byte for byte, and more YAML that
// go-yaml v2 reads its own way. Answers come from the json serializer (json.go's doEncode:
// json.NewEncoder(w).Encode, or json.MarshalIndent when isPrettyPrint says so), so they are
// HTML-safe and end in a newline; a dry-run create answers with DryRunnableStorage's copy of the
// object; YAML merge keys, !!timestamp and NEL are go-yaml v2's (decode.go, resolve.go, readerc.go).

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { decodeBody, duplicateKeyErrors, summarizeData } from "../runtime/server/decode.js";
import { connect } from "node:tls";
import { serve, raw, type Served } from "./serve-helpers.js";

const yaml = (text: string) => decodeBody(Buffer.from(text), "application/yaml", "ConfigMap");
const refused = (text: string, error: string) => ({ status: expect.objectContaining({ code: 400, reason: "BadRequest", message: `the object provided is unrecognized (must be of type ConfigMap): ${error} (${summarizeData(Buffer.from(text))})` }) });

// goyaml.v2 decode.go: mapping() hands a << pair to merge(), which decodes the merged maps into the
// same map (a sequence "backwards as earlier nodes take precedence"), so whatever is decoded last wins
describe("YAML merge keys in go-yaml v2's order", () => {
  it.each([
    ["a merged key overwrites one set before the <<", "m:\n  k: 1\n  <<: {k: 2, j: 3}\n", { m: { k: 2, j: 3 } }],
    ["a key after the << overwrites the merged one", "a: &a {k: 1}\nm:\n  <<: *a\n  k: 2\n", { a: { k: 1 }, m: { k: 2 } }],
    ["in a merge list the earlier map wins", "m:\n  <<: [{k: 1}, {k: 2, j: 2}]\n", { m: { k: 1, j: 2 } }],
    ["of two merge keys, the later one's map wins", "m:\n  <<: {k: 1}\n  <<: {k: 2}\n", { m: { k: 2 } }],
    ["a merged map's own merge is decoded into the same map", "b: &b {k: 0, x: 1}\nm:\n  k: 9\n  <<: {<<: *b, w: 2}\n", { b: { k: 0, x: 1 }, m: { k: 0, x: 1, w: 2 } }],
  ])("%s", (_n, text, want) => {
    expect(yaml(text)).toEqual({ body: want });
  });

  it("the same order holds in a body too deep for the yaml library on this stack, composed in the worker", () => {
    const text = `${Array.from({ length: 1_500 }, (_, i) => `${" ".repeat(i)}a:\n`).join("")}${" ".repeat(1_500)}m: {k: 1, <<: {k: 2}}\n`;
    const got = yaml(text);
    let v: any = "body" in got ? got.body : undefined;
    for (let i = 0; i < 1_500; i++) v = v?.a;
    expect(v).toEqual({ m: { k: 2 } });
  });
});

// YAMLToJSONStrict decodes with yaml.UnmarshalStrict: decode.go's setMapIndex refuses a key the map
// has, "line %d: key %#v already set in map" at the value node's line (n.line+1), merged keys included
describe("repeated keys as go-yaml v2's strict decoding finds them", () => {
  it.each([
    ["a key repeated on the next line", "a: 1\na: 2\n", ['line 2: key "a" already set in map']],
    ["the line is the value's: a block mapping starts at its first key", "a: 1\na:\n  b: 2\n", ['line 3: key "a" already set in map']],
    ["a merged key the map has already", "m:\n  k: 1\n  <<: {k: 2, j: 3}\n", ['line 3: key "k" already set in map']],
    ["a key after a merge that brought it", "a: &a {k: 1}\nm:\n  <<: *a\n  k: 2\n", ['line 4: key "k" already set in map']],
    ["the earlier map of a merge list, decoded last", "m:\n  <<: [{k: 1}, {k: 2}]\n", ['line 2: key "k" already set in map']],
    ["a repeat inside an anchored map, found again where it is aliased", "a: &x {k: 1, k: 2}\nb: *x\n", ['line 1: key "k" already set in map', 'line 1: key "k" already set in map']],
    ["an int key, written with %#v", "1: a\n1: b\n", ["line 2: key 1 already set in map"]],
  ])("%s", (_n, text, want) => {
    expect(duplicateKeyErrors(text)).toEqual(want);
  });
});

// resolve.go: an explicit !!timestamp is resolvable; for a text starting with a digit or sign it
// tries parseTimestamp (YYYY- and allowedTimestampFormats through time.Parse) before an int or a
// float, and the deferred check fails "cannot decode %s `%s` as a %s" for any other resolution
describe("!!timestamp as go-yaml v2 resolves it", () => {
  it.each([
    ["a date", "a: !!timestamp 2001-12-14\n", { a: "2001-12-14" }],
    ["one-digit month and day", "a: !!timestamp 2001-1-2\n", { a: "2001-1-2" }],
    ["RFC 3339 with a fraction and a zone", "a: !!timestamp 2001-12-14t21:59:43.10-05:00\n", { a: "2001-12-14t21:59:43.10-05:00" }],
    ["space separated, without a zone", "a: !!timestamp 2001-12-14 21:59:43.10\n", { a: "2001-12-14 21:59:43.10" }],
    ["a leap day", "a: !!timestamp 2000-02-29\n", { a: "2000-02-29" }],
    ["quoted, the tag still applies", "a: !!timestamp '2001-12-14'\n", { a: "2001-12-14" }],
  ])("%s is the text as written", (_n, text, want) => {
    expect(yaml(text)).toEqual({ body: want });
  });

  it.each([
    ["a word", "a: !!timestamp x\n", "yaml: cannot decode !!str `x` as a !!timestamp"],
    ["month 13 (time.Parse: month out of range)", "a: !!timestamp 2001-13-01\n", "yaml: cannot decode !!str `2001-13-01` as a !!timestamp"],
    ["February 29 of a common year (day out of range)", "a: !!timestamp 2001-02-29\n", "yaml: cannot decode !!str `2001-02-29` as a !!timestamp"],
    ["the spec's space-separated example with a zone, which time.Parse cannot read", "a: !!timestamp 2001-12-14 21:59:43.10 -5\n", "yaml: cannot decode !!str `2001-12-14 21:59:43.10 -5` as a !!timestamp"],
    ["a T form without its zone", "a: !!timestamp 2001-12-14T21:59:43\n", "yaml: cannot decode !!str `2001-12-14T21:59:43` as a !!timestamp"],
    ["an int", "a: !!timestamp 123\n", "yaml: cannot decode !!int `123` as a !!timestamp"],
    ["a float", "a: !!timestamp 1.5\n", "yaml: cannot decode !!float `1.5` as a !!timestamp"],
    ["a bool", "a: !!timestamp yes\n", "yaml: cannot decode !!bool `yes` as a !!timestamp"],
    ["nothing", "a: !!timestamp\n", "yaml: cannot decode !!null `` as a !!timestamp"],
  ])("%s is refused", (_n, text, error) => {
    expect(yaml(text)).toEqual(refused(text, error));
  });
});

// scannerc.go's is_break takes NEL (U+0085) as a line break and read_line reads it as "\n"
describe("NEL as go-yaml v2's line break", () => {
  it.each([
    ["it ends a line: the next key starts after it", "a: 1\u0085b: 2\n", { a: 1, b: 2 }],
    ["it ends a comment", "a: 1 # note\u0085b: 2\n", { a: 1, b: 2 }],
    ["a plain scalar going on past it is folded with a space", "a: 1\nb: x\u0085  y\n", { a: 1, b: "x y" }],
    ["in a block scalar it is a newline", "a: |\n  x\u0085  y\n", { a: "x\ny\n" }],
    ["the \\N escape is the character itself", 'a: "x\\Ny"\n', { a: "x\u0085y" }],
  ])("%s", (_n, text, want) => {
    expect(yaml(text)).toEqual({ body: want });
  });

  it("a key at the start of the line after a NEL is a key of the mapping, not the scalar's continuation", () => {
    const got = yaml("a: x\u0085y\n");
    expect("status" in got && got.status.code).toBe(400);
  });
});

describe("answers as kube-apiserver's json serializer writes them", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s.stop();
  });
  const cms = "/api/v1/namespaces/default/configmaps";
  const get = (path: string, headers: Record<string, string> = {}) => raw(s, "GET", path, { token: s.cluster.adminToken, headers });

  it("strings are HTML-safe (<, >, &, U+2028 escaped) and the body ends in one newline (json.Encoder)", async () => {
    const created = await raw(s, "POST", cms, { token: s.cluster.adminToken, body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "html" }, data: { a: "<b>&\u2028" } }) });
    expect(created.code).toBe(201);
    expect(created.body).toContain('"data":{"a":"\\u003cb\\u003e\\u0026\\u2028"}}\n');
    expect(created.body.endsWith("}\n")).toBe(true);
    expect(JSON.parse(created.body).data.a).toBe("<b>&\u2028");
  });

  it("metadata is in ObjectMeta's field order: resourceVersion after uid", async () => {
    const r = await get(`${cms}/html`);
    const keys = Object.keys(JSON.parse(r.body).metadata);
    expect(keys.slice(0, 5)).toEqual(["name", "namespace", "uid", "resourceVersion", "creationTimestamp"]);
    const list = JSON.parse((await get(cms)).body);
    for (const item of list.items) expect(Object.keys(item.metadata).indexOf("resourceVersion")).toBe(Object.keys(item.metadata).indexOf("uid") + 1);
  });

  // negotiate.go isPrettyPrint: ?pretty=<ParseBool>, else a User-Agent starting curl, Wget or Mozilla/5.0
  it("pretty=1, pretty=true, an Accept clause's pretty=1 and a curl or browser User-Agent get json.MarshalIndent: two spaces, no newline", async () => {
    for (const [path, headers] of [[`${cms}/html?pretty=1`, {}], [`${cms}/html?pretty=true`, {}], [`${cms}/html`, { "User-Agent": "curl/8.5.0" }], [`${cms}/html`, { "User-Agent": "Mozilla/5.0 (X11)" }], [`${cms}/html`, { "User-Agent": "Wget/1.21" }], [`${cms}/html`, { Accept: "application/json;pretty=1" }]] as const) {
      const r = await get(path, headers);
      expect(r.body.startsWith('{\n  "kind": "ConfigMap",\n  "apiVersion": "v1",\n  "metadata": {\n    "name": "html",')).toBe(true);
      expect(r.body.endsWith("\n}")).toBe(true);
      expect(r.body).toContain('"a": "\\u003cb\\u003e\\u0026\\u2028"');
    }
  });

  it("pretty=0 or pretty=false is compact whoever asks; text ParseBool refuses is false too", async () => {
    for (const q of ["pretty=0", "pretty=false", "pretty=yes"]) {
      const r = await get(`${cms}/html?${q}`, { "User-Agent": "curl/8.5.0" });
      expect(r.body.startsWith('{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"html"')).toBe(true);
    }
    // kubectl's User-Agent is no human client's
    expect((await get(`${cms}/html`, { "User-Agent": "kubectl/v1.35.0 (linux/amd64) kubernetes/abc" })).body.startsWith('{"kind"')).toBe(true);
  });

  it("a Status is pretty too, its fields in metav1.Status's order: details before code", async () => {
    const r = await get(`${cms}/absent?pretty=true`);
    expect(r.code).toBe(404);
    expect(r.body).toBe(
      '{\n  "kind": "Status",\n  "apiVersion": "v1",\n  "metadata": {},\n  "status": "Failure",\n  "message": "configmaps \\"absent\\" not found",\n  "reason": "NotFound",\n  "details": {\n    "name": "absent",\n    "kind": "configmaps"\n  },\n  "code": 404\n}',
    );
    const compact = await get(`${cms}/absent`);
    expect(compact.body).toBe('{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \\"absent\\" not found","reason":"NotFound","details":{"name":"absent","kind":"configmaps"},"code":404}\n');
  });

  // version.go writes with responsewriters.WriteRawJSON: json.MarshalIndent(object, "", "  ")
  it("/version is indented for every client", async () => {
    const r = await get("/version", { "User-Agent": "kubectl/v1.35.0" });
    expect(r.body.startsWith('{\n  "major": "1",\n  "minor": "35",')).toBe(true);
  });
});

// registry/dryrun.go DryRunnableStorage.Create: with dryRun, a name taken is KeyExists, else the
// answer is copyInto(obj, out), the object as the handler made it; etcd3's store.Create, which
// refuses a set resourceVersion and assigns one, is never called
describe("a dry-run create's answer", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s.stop();
  });
  const cms = "/api/v1/namespaces/default/configmaps";
  const create = (name: string, metadata: Record<string, unknown> = {}) => raw(s, "POST", `${cms}?dryRun=All`, { token: s.cluster.adminToken, body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, ...metadata }, data: { a: "b" } }) });

  it("has no resourceVersion, but a uid and creationTimestamp (FillObjectMetaSystemFields), and nothing is stored", async () => {
    const r = await create("dry-plain");
    expect(r.code).toBe(201);
    const meta = JSON.parse(r.body).metadata;
    expect(meta.resourceVersion).toBeUndefined();
    expect(typeof meta.uid).toBe("string");
    expect(typeof meta.creationTimestamp).toBe("string");
    expect((await raw(s, "GET", `${cms}/dry-plain`, { token: s.cluster.adminToken })).code).toBe(404);
  });

  it("echoes the resourceVersion the body set, whatever it is, in ObjectMeta's place", async () => {
    for (const rv of ["5", "0", "abc", "-1"]) {
      const r = await create(`dry-rv-${rv === "-1" ? "neg" : rv}`, { resourceVersion: rv });
      expect(r.code).toBe(201);
      const meta = JSON.parse(r.body).metadata;
      expect(meta.resourceVersion).toBe(rv);
      expect(Object.keys(meta).indexOf("resourceVersion")).toBe(Object.keys(meta).indexOf("uid") + 1);
    }
  });

  it("a real create of the same body clears it and assigns the store's", async () => {
    const r = await raw(s, "POST", cms, { token: s.cluster.adminToken, body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "real-rv", resourceVersion: "abc" }, data: { a: "b" } }) });
    expect(r.code).toBe(201);
    expect(JSON.parse(r.body).metadata.resourceVersion).toMatch(/^[1-9][0-9]*$/);
  });
});

describe("YAML bodies with merge keys through podflow serve", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s.stop();
  });

  it("a merged label overwrites the one written before the <<, as kube-apiserver stores it", async () => {
    const text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: merged\n  labels:\n    tier: web\n    <<: {tier: db, app: x}\n";
    const r = await raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: s.cluster.adminToken, body: text, headers: { "Content-Type": "application/yaml" } });
    expect(r.code).toBe(201);
    expect(JSON.parse(r.body).metadata.labels).toEqual({ tier: "db", app: "x" });
  });

  it("under fieldValidation=Strict a merge that overwrites a key is the strict decoding error; under Warn its warning", async () => {
    const text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: strict-merge\n  labels:\n    tier: web\n    <<: {tier: db}\n";
    const strict = await raw(s, "POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Strict", { token: s.cluster.adminToken, body: text, headers: { "Content-Type": "application/yaml" } });
    expect([strict.code, JSON.parse(strict.body).message]).toEqual([400, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: yaml: unmarshal errors:\n  line 7: key "tier" already set in map']);
    const warned = await raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: s.cluster.adminToken, body: text, headers: { "Content-Type": "application/yaml" } });
    expect(warned.code).toBe(201);
    expect(warned.headers.warning).toBe('299 - "line 7: key \\"tier\\" already set in map"');
  });

  it("a !!timestamp that is no timestamp is refused and nothing is stored", async () => {
    const text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stamped\ndata:\n  when: !!timestamp tomorrow\n";
    const r = await raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: s.cluster.adminToken, body: text, headers: { "Content-Type": "application/yaml" } });
    expect([r.code, JSON.parse(r.body).message]).toEqual([400, `the object provided is unrecognized (must be of type ConfigMap): yaml: cannot decode !!str \`tomorrow\` as a !!timestamp (${summarizeData(Buffer.from(text))})`]);
    expect((await raw(s, "GET", "/api/v1/namespaces/default/configmaps/stamped", { token: s.cluster.adminToken })).code).toBe(404);
  });
});

// net/http's conn.serve: a connection's next request is read only after the handler of the one
// before it returned, so pipelined requests are served in turn and see each other's writes
describe("HTTP/1.1 pipelining", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s.stop();
  });

  it("a chunked POST and two GETs sent at once: the GETs find what the POST created, answers in order", async () => {
    const url = new URL(s.server.url);
    const auth = `Authorization: Bearer ${s.cluster.adminToken}\r\n`;
    const body = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "piped" }, data: { n: "1" } });
    const post = `POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const get = (close: boolean) => `GET /api/v1/namespaces/default/configmaps/piped HTTP/1.1\r\nHost: x\r\n${auth}${close ? "Connection: close\r\n" : ""}\r\n`;
    const out = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: url.hostname, port: Number(url.port), ca: s.server.caCert, servername: "localhost" }, () => socket.end(post + get(false) + get(true)));
      let text = "";
      socket.on("data", (d) => (text += d));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    const statuses = [...out.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    expect(statuses).toEqual(["201", "200", "200"]);
  });
});

// net/http: expectContinueReader writes "HTTP/1.1 100 Continue" on the handler's first read of the
// body; a handler that answers without reading sends none, and the connection closes after it
describe("Expect: 100-continue", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s.stop();
  });
  /** Sends the head, and the body once the server says 100 Continue; the whole answer when the connection ends. */
  const exchange = (head: string, body: string) =>
    new Promise<string>((resolve, reject) => {
      const url = new URL(s.server.url);
      const socket = connect({ host: url.hostname, port: Number(url.port), ca: s.server.caCert, servername: "localhost" }, () => socket.write(head));
      let text = "";
      socket.on("data", (d) => {
        text += d;
        if (text.startsWith("HTTP/1.1 100 Continue\r\n\r\n") && !text.includes("HTTP/1.1 2")) socket.end(body);
      });
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
  const head = (token: string, length: number) => `POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`;

  it("a request refused before its body is read gets its 401 with no 100 Continue", async () => {
    const out = await exchange(head("not-a-token", 2), "{}");
    expect(out.startsWith("HTTP/1.1 401 Unauthorized\r\n")).toBe(true);
  });

  it("a request whose body is read gets 100 Continue first, then its answer", async () => {
    const body = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "continued" } });
    const out = await exchange(head(s.cluster.adminToken, Buffer.byteLength(body)), body);
    expect([...out.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1])).toEqual(["100", "201"]);
  });
});
