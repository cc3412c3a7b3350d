// The eighth hostile round: answers a client asks for in YAML. kube-apiserver's yaml serializer
// (apimachinery runtime/serializer/json, Yaml: true) encodes JSON and hands it to sigs.k8s.io/yaml's
// JSONToYAML, which decodes it with go-yaml v2 into interface{} and marshals that again: keys in
// sorter.go's keyList order, numbers as int, uint64 or float64 (strconv 'g'), strings quoted when
// resolve() would read them as another type (encode.go stringv), and libyaml's emitter
// (emitterc.go) choosing plain, single- or double-quoted or literal style and folding past 80
// columns. ErrorNegotiated writes Statuses in the same media type; a watch asking YAML has no
// stream serializer (NegotiateOutputMediaTypeStream) and is 406.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { goYamlText, numberText } from "../runtime/server/yamlemit.js";
import { decodeBody } from "../runtime/server/decode.js";
import { serve, raw, type Served } from "./serve-helpers.js";

describe("JSON as JSONToYAML writes it", () => {
  it.each([
    ["keys sorted, nested maps indented two spaces", { b: 1, a: { d: true, c: null } }, "a:\n  c: null\n  d: true\nb: 1\n"],
    ["a sequence in a mapping is not indented; a mapping in a sequence starts after the dash", { s: [{ a: 1, b: 2 }, [3, 4]] }, "s:\n- a: 1\n  b: 2\n- - 3\n  - 4\n"],
    ["empty collections are flow style", { a: [], b: {} }, "a: []\nb: {}\n"],
    ["keyList order: a run of digits compares as a number, a letter after other runes", { a10: 1, a9: 2, ab: 3, "a-b": 4, A: 5 }, "A: 5\na-b: 4\na9: 2\na10: 1\nab: 3\n"],
    ["strings that would resolve to a bool, null, int, float or timestamp are double-quoted", { a: "true", b: "yes", c: "", d: "1", e: "1.5", f: "0x1F", g: "2026-01-02T03:04:05Z", h: "null", i: "~", j: "1_000", k: "1:20" }, 'a: "true"\nb: "yes"\nc: ""\nd: "1"\ne: "1.5"\nf: "0x1F"\ng: "2026-01-02T03:04:05Z"\nh: "null"\ni: "~"\nj: "1_000"\nk: "1:20"\n'],
    ["a key that reads as a bool is quoted too", { n: 1, y: 2, on: 3 }, '"n": 1\n"on": 3\n"y": 2\n'],
    ["indicators and ': ' or ' #' make a string single-quoted; a quote inside is doubled", { a: "- x", b: "#c", c: "a: b", d: "a #b", e: "it's", f: " lead", g: "*x", h: "'q'" }, "a: '- x'\nb: '#c'\nc: 'a: b'\nd: 'a #b'\ne: it's\nf: ' lead'\ng: '*x'\nh: '''q'''\n"],
    ["a tab, a control character or a character past the BMP is double-quoted with escapes", { a: "a\tb", b: "x\u0001", c: "x😀", d: 'q"\\' }, 'a: "a\\tb"\nb: "x\\x01"\nc: "x\\U0001F600"\nd: q"\\\n'],
    ["a string with a newline is a literal block; chomping says how it ends", { a: "x\ny\n", b: "x\ny", c: "x\n\n", d: " x\ny" }, "a: |\n  x\n  y\nb: |-\n  x\n  y\nc: |+\n  x\n\nd: |2-\n   x\n  y\n"],
    ["a newline after a space cannot be a block: double-quoted", { a: "x \ny" }, 'a: "x \\ny"\n'],
    ["U+2028 is a line break to libyaml: single-quoted, the break written and the line indented", { a: "x\u2028y" }, "a: 'x\u2028  y'\n"],
  ])("%s", (_n, value, want) => {
    expect(goYamlText(value)).toBe(want);
  });

  it("a plain string folds at the first space past column 80 onto an indented line", () => {
    const words = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP";
    expect(goYamlText({ metadata: { annotations: { "kubernetes.io/description": words } } })).toBe(
      "metadata:\n  annotations:\n    kubernetes.io/description: Contains a CA bundle that can be used to verify the\n      kube-apiserver when using internal endpoints such as the internal service IP\n",
    );
  });

  it("a key longer than 128 bytes is no simple key: ? and : on lines of their own", () => {
    const key = "k".repeat(129);
    expect(goYamlText({ [key]: "v" })).toBe(`? ${key}\n: v\n`);
  });

  it("nesting costs no call stack: 10,000 levels, JSON's bound", () => {
    let v: unknown = 1;
    for (let i = 0; i < 10_000; i++) v = { a: v };
    const text = goYamlText(v);
    expect(text.startsWith("a:\n  a:\n    a:\n")).toBe(true);
    expect(text.endsWith(`\n${" ".repeat(2 * 9_999)}a: 1\n`)).toBe(true);
  });

  it.each([
    ["an int64", "42", "42"],
    ["a negative int64", "-7", "-7"],
    ["past int64 but a uint64", "12345678901234567890", "12345678901234567890"],
    ["past uint64: a float64", "123456789012345678901", "1.2345678901234568e+20"],
    ["a fraction", "1.5", "1.5"],
    ["a float64 from 1e6 up is in %e form", "1234567.5", "1.2345675e+06"],
    ["below 1e6 it is not", "100000.5", "100000.5"],
    ["a small one has two exponent digits", "0.00001", "1e-05"],
    ["1e-4 is still %f", "0.0001", "0.0001"],
  ])("a JSON number: %s", (_n, json, want) => {
    expect(numberText(json)).toBe(want);
  });
});

describe("Accept: application/yaml through podflow serve", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s.stop();
  });
  const cms = "/api/v1/namespaces/default/configmaps";
  const yaml = { Accept: "application/yaml" };

  it("a GET is the object in YAML, application/yaml, its fields sorted and its timestamp quoted", async () => {
    const created = await raw(s, "POST", cms, { token: s.cluster.adminToken, headers: { "User-Agent": "hostile8/1.0" }, body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "y1", labels: { on: "yes" } }, data: { "1": "true", cert: "a\nb\n" } }) });
    expect(created.code).toBe(201);
    const obj = JSON.parse(created.body);
    const r = await raw(s, "GET", `${cms}/y1`, { token: s.cluster.adminToken, headers: yaml });
    expect([r.code, r.headers["content-type"]]).toEqual([200, "application/yaml"]);
    expect(r.body).toBe(
      [
        "apiVersion: v1",
        "data:",
        '  "1": "true"',
        "  cert: |",
        "    a",
        "    b",
        "kind: ConfigMap",
        "metadata:",
        `  creationTimestamp: "${obj.metadata.creationTimestamp}"`,
        "  labels:",
        '    "on": "yes"',
        "  managedFields:",
        `  - apiVersion: v1`,
        "    fieldsType: FieldsV1",
        "    fieldsV1:",
        "      f:data:",
        "        .: {}",
        "        f:1: {}",
        "        f:cert: {}",
        "      f:metadata:",
        "        f:labels:",
        "          .: {}",
        "          f:on: {}",
        "    manager: hostile8",
        "    operation: Update",
        `    time: "${obj.metadata.managedFields[0].time}"`,
        "  name: y1",
        "  namespace: default",
        `  resourceVersion: "${obj.metadata.resourceVersion}"`,
        `  uid: ${obj.metadata.uid}`,
        "",
      ].join("\n"),
    );
  });

  it("a list is YAML too, a ConfigMapList with its items", async () => {
    const r = await raw(s, "GET", `${cms}?labelSelector=on%3Dyes`, { token: s.cluster.adminToken, headers: yaml });
    expect(r.code).toBe(200);
    // the typed encoder leaves the items' TypeMeta empty, so their YAML has no apiVersion or kind
    expect(r.body.startsWith("apiVersion: v1\nitems:\n- data:\n")).toBe(true);
    expect(r.body).toMatch(/\nkind: ConfigMapList\nmetadata:\n {2}resourceVersion: "[0-9]+"\n$/);
  });

  it("a Status is written in YAML (ErrorNegotiated): NotFound, and 401 before any handler", async () => {
    const missing = await raw(s, "GET", `${cms}/absent`, { token: s.cluster.adminToken, headers: yaml });
    expect([missing.code, missing.headers["content-type"]]).toEqual([404, "application/yaml"]);
    expect(missing.body).toBe('apiVersion: v1\ncode: 404\ndetails:\n  kind: configmaps\n  name: absent\nkind: Status\nmessage: configmaps "absent" not found\nmetadata: {}\nreason: NotFound\nstatus: Failure\n');
    const unknown = await raw(s, "GET", cms, { token: "not-a-token", headers: yaml });
    expect([unknown.code, unknown.body]).toEqual([401, "apiVersion: v1\ncode: 401\nkind: Status\nmessage: Unauthorized\nmetadata: {}\nreason: Unauthorized\nstatus: Failure\n"]);
  });

  it("a watch asking YAML is 406 naming the stream media types, in YAML", async () => {
    const r = await raw(s, "GET", `${cms}?watch=1`, { token: s.cluster.adminToken, headers: yaml });
    expect([r.code, r.headers["content-type"]]).toEqual([406, "application/yaml"]);
    expect(r.body).toBe("apiVersion: v1\ncode: 406\nkind: Status\nmessage: 'only the following media types are accepted: application/json;stream=watch,\n  application/vnd.kubernetes.protobuf;stream=watch'\nmetadata: {}\nreason: NotAcceptable\nstatus: Failure\n");
  });

  it("YAML is what negotiation settles on: a higher q, or JSON refused with q=0 before */*", async () => {
    const preferred = await raw(s, "GET", `${cms}/y1`, { token: s.cluster.adminToken, headers: { Accept: "application/json;q=0.5, application/yaml" } });
    expect(preferred.headers["content-type"]).toBe("application/yaml");
    const fallback = await raw(s, "GET", `${cms}/y1`, { token: s.cluster.adminToken, headers: { Accept: "application/json;q=0, */*" } });
    expect(fallback.headers["content-type"]).toBe("application/yaml");
    const json = await raw(s, "GET", `${cms}/y1`, { token: s.cluster.adminToken, headers: { Accept: "application/yaml;q=0.5, application/json" } });
    expect(json.headers["content-type"]).toBe("application/json");
  });

  // acceptMediaTypeOptions: a stream parameter needs a stream serializer (YAML has none) and the watch schema
  it("a clause asking YAML as a stream, or a stream other than watch, is no acceptable clause: 406 for a GET", async () => {
    for (const accept of ["application/yaml;stream=watch", "application/json;stream=other"]) {
      const r = await raw(s, "GET", `${cms}/y1`, { token: s.cluster.adminToken, headers: { Accept: accept } });
      expect([accept, r.code, JSON.parse(r.body).message]).toEqual([accept, 406, "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf"]);
    }
    const json = await raw(s, "GET", `${cms}/y1`, { token: s.cluster.adminToken, headers: { Accept: "application/json;stream=watch" } });
    expect([json.code, json.headers["content-type"]]).toEqual([200, "application/json"]);
  });

  it("/version is written as raw JSON whatever is asked; discovery is negotiated", async () => {
    const version = await raw(s, "GET", "/version", { token: s.cluster.adminToken, headers: yaml });
    expect(version.body.startsWith('{\n  "major": "1"')).toBe(true);
    const api = await raw(s, "GET", "/api", { token: s.cluster.adminToken, headers: yaml });
    expect(api.headers["content-type"]).toBe("application/yaml");
    expect(api.body.startsWith("kind: APIVersions\nserverAddressByClientCIDRs:\n- clientCIDR: 0.0.0.0/0\n")).toBe(true);
  });
});

// go-restful's CurlyRouter splits the path trimmed of its end slashes at every slash, so an empty
// segment stays (TrimRightSlashEnabled, v3.11+): it matches a {namespace} or {name} parameter and no
// literal segment. RequestInfoFactory reads the same parts: an empty namespace is the cluster scope.
describe("empty path segments as go-restful routes them", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s.stop();
  });
  const call = (method: string, path: string, body?: unknown) => raw(s, method, path, { token: s.cluster.adminToken, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const statusOf = (r: { code: number; body: string }) => {
    const st = JSON.parse(r.body);
    return [r.code, st.reason, st.message];
  };

  it("an empty API prefix, group, version, resource or subresource segment is no route: 404", async () => {
    for (const path of ["/api//v1/namespaces", "/apis//v1/deployments", "/apis/apps//deployments", "/api/v1/namespaces/default//configmaps", "/api/v1//namespaces", "/api/v1/namespaces/default/pods/x//log"]) {
      const r = await call("GET", path);
      expect([path, ...statusOf(r)]).toEqual([path, 404, "NotFound", "the server could not find the requested resource"]);
    }
  });

  it("slashes at the ends are trimmed: a trailing one still names the collection or the object", async () => {
    expect((await call("GET", "/api/v1/namespaces/default/configmaps/")).code).toBe(200);
    expect(JSON.parse((await call("GET", "/api/v1/namespaces/default/configmaps/kube-root-ca.crt/")).body).metadata.name).toBe("kube-root-ca.crt");
  });

  it("an empty namespace lists across all namespaces, as RequestInfo gives the cluster scope", async () => {
    const r = await call("GET", "/api/v1/namespaces//configmaps");
    expect(r.code).toBe(200);
    const namespaces = new Set(JSON.parse(r.body).items.map((i: any) => i.metadata.namespace));
    expect(namespaces.has("default") && namespaces.has("kube-system")).toBe(true);
  });

  it("an object in an empty namespace has no storage key: 400 Namespace parameter required.", async () => {
    for (const method of ["GET", "DELETE"]) {
      expect(statusOf(await call(method, "/api/v1/namespaces//configmaps/kube-root-ca.crt"))).toEqual([400, "BadRequest", "Namespace parameter required."]);
    }
    expect((await call("GET", "/api/v1/namespaces/default/configmaps/kube-root-ca.crt")).code).toBe(200);
  });

  it("a create in an empty namespace is invalid (the request's empty namespace clears the object's) and nothing is stored", async () => {
    for (const metadata of [{ name: "nowhere" }, { name: "nowhere", namespace: "default" }]) {
      const r = await call("POST", "/api/v1/namespaces//configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata });
      const st = JSON.parse(r.body);
      expect([r.code, st.reason, st.message, st.details]).toEqual([422, "Invalid", 'ConfigMap "nowhere" is invalid: metadata.namespace: Required value', { name: "nowhere", kind: "ConfigMap", causes: [{ reason: "FieldValueRequired", message: "Required value", field: "metadata.namespace" }] }]);
    }
    expect((await call("GET", "/api/v1/namespaces/default/configmaps/nowhere")).code).toBe(404);
  });

  it("an empty name before a subresource is errEmptyName: 400 name must be provided", async () => {
    for (const path of ["/api/v1/namespaces/default/pods//log", "/api/v1/namespaces//status", "/apis/apps/v1/namespaces/default/deployments//scale"]) {
      expect([path, ...statusOf(await call("GET", path))]).toEqual([path, 400, "BadRequest", "name must be provided"]);
    }
  });
});

// ConnectResource (exec, attach, portforward, the proxy subresources) refuses a dryRun parameter
// before anything else, then asks the Namer for the name: an empty one is errEmptyName
describe("connect requests checked as ConnectResource checks them", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s.stop();
  });
  const statusOf = (r: { code: number; body: string }) => {
    const st = JSON.parse(r.body);
    return [r.code, st.reason, st.message];
  };

  it("an empty pod or service name: 400 name must be provided", async () => {
    for (const [method, path] of [["GET", "/api/v1/namespaces/default/pods//exec?command=ls"], ["POST", "/api/v1/namespaces/default/pods//attach"], ["GET", "/api/v1/namespaces/default/pods//proxy/"], ["GET", "/api/v1/namespaces/default/services//proxy"]] as const) {
      expect([path, ...statusOf(await raw(s, method, path, { token: s.cluster.adminToken }))]).toEqual([path, 400, "BadRequest", "name must be provided"]);
    }
  });

  it("dryRun, with any value, is not supported: 400 before the pod is looked up", async () => {
    for (const path of ["/api/v1/namespaces/default/pods/absent/exec?command=ls&dryRun=All", "/api/v1/namespaces/default/pods/absent/proxy/?dryRun", "/api/v1/namespaces/default/pods//portforward?dryRun=x&ports=80"]) {
      expect([path, ...statusOf(await raw(s, "GET", path, { token: s.cluster.adminToken }))]).toEqual([path, 400, "BadRequest", "dryRun is not supported"]);
    }
  });

  it("authorization comes first: an anonymous request is forbidden, not told about its name", async () => {
    const r = await raw(s, "GET", "/api/v1/namespaces/default/pods//exec?command=ls");
    expect([r.code, JSON.parse(r.body).reason]).toEqual([403, "Forbidden"]);
  });
});

// scannerc.go's is_break takes LS (U+2028) and PS (U+2029) as line breaks, and read_line keeps them
// as they are (only CR, LF and NEL become "\n"): scan_plain_scalar folds a run of breaks that starts
// with one of them into the run itself, white space around it dropped; a block scalar keeps it as
// its line's break; a comment ends there
describe("LS and PS as go-yaml v2's line breaks", () => {
  const yaml = (text: string) => decodeBody(Buffer.from(text), "application/yaml", "ConfigMap");
  it.each([
    ["a plain scalar going on past LS keeps the LS, the next line's indentation dropped", "a: x\u2028  y\n", { a: "x\u2028y" }],
    ["white space before the break is dropped; a newline after it is kept", "a: x \u2028\n  y\n", { a: "x\u2028\ny" }],
    ["two LS in a row are both kept", "a: x\u2028\u2028  y\n", { a: "x\u2028\u2028y" }],
    ["a PS, then an empty line", "a: x\u2029\n\n  y\n", { a: "x\u2029\n\ny" }],
    ["a newline fold before a LS fold", "a: x\n  y\u2028  z\n", { a: "x y\u2028z" }],
    ["it ends a comment: the next key starts after it", "a: 1 # c\u2028b: 2\n", { a: 1, b: 2 }],
    ["a key at the mapping's indentation after it is the mapping's next key", "a:\n  b: x\u2028  c: 1\n", { a: { b: "x", c: 1 } }],
    ["in a literal block it is a line's break, the next line's indentation dropped", "a: |\n  x\u2028  y\n", { a: "x\u2028y\n" }],
    ["in a double-quoted scalar it is kept", 'a: "x\u2028y"\n', { a: "x\u2028y" }],
  ])("%s", (_n, text, want) => {
    expect(yaml(text)).toEqual({ body: want });
  });

  it("a line after it that starts at the mapping's column inside a value is no continuation: refused", () => {
    const got = yaml("a: x\u2028y\n");
    expect("status" in got && got.status.code).toBe(400);
  });

  it("through podflow serve: the ConfigMap stores the LS where go-yaml reads it, and a refused body stores nothing", async () => {
    const s = await serve({ nodes: 1 });
    try {
      const post = (text: string) => raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: s.cluster.adminToken, body: text, headers: { "Content-Type": "application/yaml" } });
      const ok = await post("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ls-kept\ndata:\n  a: x\u2028    y\n");
      expect([ok.code, JSON.parse(ok.body).data]).toEqual([201, { a: "x\u2028y" }]);
      const bad = await post("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ls-refused\ndata:\n  a: x\u2028y\n");
      expect(bad.code).toBe(400);
      expect((await raw(s, "GET", "/api/v1/namespaces/default/configmaps/ls-refused", { token: s.cluster.adminToken })).code).toBe(404);
    } finally {
      await s.stop();
    }
  });
});
