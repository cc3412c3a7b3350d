// The sixth hostile round: what kube-apiserver's decoders and handlers make of bodies and requests
// the earlier rounds did not send. YAML bodies are decoded by sigs.k8s.io/yaml's YAMLToJSON on
// go-yaml v2 (its reader, YAML 1.1 scalars, anchors, merge keys and tags, its alias bound, then
// json.Marshal); service account tokens are judged with go-jose's leeway; an apply's managedFields
// and a create's resourceVersion are refused where kube-apiserver refuses them.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { decodeBody, summarizeData } from "../runtime/server/decode.js";
import { serve, raw, type Served } from "./serve-helpers.js";
import { createCluster } from "../runtime/cluster.js";
import { serviceAccountUser, type IssuedToken } from "../machines/apiserver/auth/tokenrequest.js";

const yaml = (text: string) => decodeBody(Buffer.from(text), "application/yaml", "ConfigMap");
/** A create body's YAMLToJSON error, as transformDecodeError wraps it. */
const refused = (text: string, error: string) => ({ status: expect.objectContaining({ code: 400, reason: "BadRequest", message: `the object provided is unrecognized (must be of type ConfigMap): ${error} (${summarizeData(Buffer.from(text))})` }) });

describe("YAML scalars resolved as go-yaml v2 resolves them (resolve.go)", () => {
  it.each([
    ["y, yes, on and their capitals are true; n, no, off false", "a: yes\nb: On\nc: Y\nd: no\ne: OFF\nf: n\n", { a: true, b: true, c: true, d: false, e: false, f: false }],
    ["a bool key is the string true or false (convertToJSONableObject)", "yes: 1\nno: 2\n", { true: 1, false: 2 }],
    ["underscores are dropped before strconv.ParseInt(s, 0, 64)", "a: 1_000\nb: -1_0\n", { a: 1000, b: -10 }],
    ["0x, 0b, 0o and a leading 0 are bases 16, 2, 8 and 8", "a: 0x1F\nb: 0b101\nc: 0o17\nd: 017\ne: -0b101\n", { a: 31, b: 5, c: 15, d: 15, e: -5 }],
    ["09 is no octal and matches yamlStyleFloat", "a: 09\n", { a: 9 }],
    ["base-60 numbers are purposefully unsupported: a string", "a: 190:20:30\n", { a: "190:20:30" }],
    ["a timestamp decoded into interface{} is the text as written", "a: 2001-12-14\nb: 2001-12-14t21:59:43.10-05:00\nc: !!timestamp 2001-01-01\n", { a: "2001-12-14", b: "2001-12-14t21:59:43.10-05:00", c: "2001-01-01" }],
    ["a float past float64's range fails ParseFloat and stays a string", "a: 1e400\n", { a: "1e400" }],
    ["a quoted scalar is always a string", "a: 'yes'\nb: \"1_0\"\n", { a: "yes", b: "1_0" }],
    ["!!binary is base64 decoded into a string", "a: !!binary aGVsbG8=\n", { a: "hello" }],
    ["an explicit !!float of an int is a float", "a: !!float 1\n", { a: 1 }],
    ["!!set, which go-yaml v2 does not know, is a plain mapping", "a: !!set {x}\n", { a: { x: null } }],
    ["a %YAML 1.1 directive is go-yaml's own version", "%YAML 1.1\n---\na: on\n", { a: true }],
    ["a merge list takes the maps of its aliases, the earlier first", "a: &a {k: 1}\nb: &b {k: 2, j: 2}\nm:\n  <<: [*a, *b]\n", { a: { k: 1 }, b: { k: 2, j: 2 }, m: { k: 1, j: 2 } }],
    ["a merge key merges the aliased map", "a: &a {b: 1}\nc:\n  <<: *a\n  d: 2\n", { a: { b: 1 }, c: { b: 1, d: 2 } }],
  ])("%s", (_name, text, want) => {
    expect(yaml(text)).toEqual({ body: want });
  });

  it.each([
    ["an alias of an anchor never defined is the parser's failf", "a: *nope\n", "yaml: unknown anchor 'nope' referenced"],
    ["an alias inside the node its anchor names is the decoder's failf", "a: &x\n  b: *x\n", "yaml: anchor 'x' value contains itself"],
    ["!!binary of text that is no base64", "a: !!binary ==\n", "yaml: !!binary value contains invalid base64 data"],
    ["an explicit !!int resolve() does not agree with", "a: !!int abc\n", "yaml: cannot decode !!str `abc` as a !!int"],
    ["a merge key of a list of scalars", "a: &x [1]\n<<: *x\n", "yaml: map merge requires map or sequence of maps as the value"],
    ["a merge key of an alias of a list of maps (decoder.merge takes an alias of a map only)", "s: &s [{a: 1}]\nm:\n  <<: *s\n", "yaml: map merge requires map or sequence of maps as the value"],
    ["a merge key of a list holding an alias of a scalar", "x: &x 1\nm:\n  <<: [{a: 1}, *x]\n", "yaml: map merge requires map or sequence of maps as the value"],
    ["a null key with a string value", "~: x\n", 'Unsupported map key of type: %!s(<nil>), key: <nil>, value: "x"'],
    ["an empty key with a list value", "? \n: [1, ~]\n", "Unsupported map key of type: %!s(<nil>), key: <nil>, value: []interface {}{1, interface {}(nil)}"],
    ["+Inf, which json.Marshal refuses", "a: .inf\n", "json: unsupported value: +Inf"],
    ["-Inf", "a: [-.Inf]\n", "json: unsupported value: -Inf"],
    ["NaN", "a: {b: .NaN}\n", "json: unsupported value: NaN"],
    ["a %YAML directive of another version than 1.1, on the first line", "%YAML 1.2\n---\na: 1\n", "yaml: found incompatible YAML document"],
    ["a %YAML directive after a comment, at its 0-based line as a parser error is", "# c\n%YAML 2.0\n---\na: 1\n", "yaml: line 1: found incompatible YAML document"],
  ])("%s is refused", (_name, text, error) => {
    expect(yaml(text)).toEqual(refused(text, error));
  });

  // decoder.unmarshal: past 100 aliased decodes of over 1,000, the aliased share may not pass 99%
  // (allowedAliasRatio); the yaml library's own guard (100 alias uses) is not go-yaml's
  it("500 aliases of one scalar decode; 9 levels of 9 aliases each (billion laughs) are excessive aliasing", () => {
    const many = `a: &x v\nb: [${Array.from({ length: 500 }, () => "*x").join(", ")}]\n`;
    expect(yaml(many)).toEqual({ body: { a: "v", b: Array.from({ length: 500 }, () => "v") } });
    const levels = "abcdefghi";
    let bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n";
    for (let i = 1; i < levels.length; i++) bomb += `${levels[i]}: &${levels[i]} [${Array.from({ length: 9 }, () => `*${levels[i - 1]}`).join(",")}]\n`;
    expect(yaml(bomb)).toEqual(refused(bomb, "yaml: document contains excessive aliasing"));
  });

  it("an alias's expansion is counted where it is decoded: a map of 2,000 keys aliased twice is within the ratio", () => {
    const keys = Array.from({ length: 2_000 }, (_, i) => `k${i}: ${i}`).join(", ");
    const text = `a: &m {${keys}}\nb: *m\nc: *m\n`;
    const got = yaml(text) as { body: any };
    expect(Object.keys(got.body.c)).toHaveLength(2_000);
    // 2,000 maps of 2,000 keys: 8 million decodes of which ~99.9% aliased
    const wide = `a: &m {${keys}}\nb: [${Array.from({ length: 2_000 }, () => "*m").join(", ")}]\n`;
    expect(yaml(wide)).toEqual(refused(wide, "yaml: document contains excessive aliasing"));
  });

  it("the same holds for a body too deep for the yaml library on this stack, composed in the worker", () => {
    const deep = (tail: string) => `${Array.from({ length: 1_500 }, (_, i) => `${" ".repeat(i)}a:\n`).join("")}${" ".repeat(1_500)}${tail}`;
    const got = yaml(deep("b: yes\n"));
    let v: any = "body" in got ? got.body : undefined;
    for (let i = 0; i < 1_500; i++) v = v?.a;
    expect(v).toEqual({ b: true });
    expect(yaml(deep("b: .inf\n"))).toEqual(refused(deep("b: .inf\n"), "json: unsupported value: +Inf"));
    expect(yaml(deep("b: *q\n"))).toEqual(refused(deep("b: *q\n"), "yaml: unknown anchor 'q' referenced"));
  });
});

// readerc.go checks every character before the scanner sees it; its errors name no line
describe("YAML bytes as go-yaml's reader reads them", () => {
  const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));
  const refusedBytes = (raw: Buffer, error: string) => ({ status: expect.objectContaining({ code: 400, message: `the object provided is unrecognized (must be of type ConfigMap): ${error} (${summarizeData(raw)})` }) });
  it.each([
    ["a byte no UTF-8 sequence starts with", bytes("kind: ", [0xff], "A\n"), "yaml: invalid leading UTF-8 octet"],
    ["a sequence cut by the end of the body", bytes("kind: a", [0xc3]), "yaml: incomplete UTF-8 octet sequence"],
    ["a sequence whose second byte is no continuation", bytes("kind: ", [0xc3, 0x41], "\n"), "yaml: invalid trailing UTF-8 octet"],
    ["an overlong encoding of '/'", bytes("kind: ", [0xc0, 0xaf], "\n"), "yaml: invalid length of a UTF-8 sequence"],
    ["an encoded surrogate", bytes("kind: ", [0xed, 0xa0, 0x80], "\n"), "yaml: invalid Unicode character"],
    ["a C0 control", bytes("kind: a\u0001b\n"), "yaml: control characters are not allowed"],
    ["a NUL", bytes("kind: a", [0], "b\n"), "yaml: control characters are not allowed"],
    ["DEL", bytes("kind: a\u007fb\n"), "yaml: control characters are not allowed"],
    ["U+FFFE", bytes("kind: a\ufffeb\n"), "yaml: control characters are not allowed"],
    ["a control character inside a JSON string sent as YAML", bytes('{"kind": "a\u007f"}'), "yaml: control characters are not allowed"],
    ["UTF-16 with a lone low surrogate", bytes([0xff, 0xfe, 0x00, 0xdc]), "yaml: unexpected low surrogate area"],
    ["UTF-16 with an odd byte at the end", bytes([0xff, 0xfe, 0x41, 0x00, 0x42]), "yaml: incomplete UTF-16 character"],
  ])("%s is refused", (_n, raw, error) => {
    expect(decodeBody(raw, "application/yaml", "ConfigMap")).toEqual(refusedBytes(raw, error));
  });

  it("a UTF-16 body with its byte order mark is decoded, little and big endian; a UTF-8 mark is skipped", () => {
    const text = "kind: ConfigMap\ndata: {k: \u00e9\ud83d\ude00}\n";
    const want = { body: { kind: "ConfigMap", data: { k: "\u00e9\ud83d\ude00" } } };
    expect(decodeBody(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]), "application/yaml", "ConfigMap")).toEqual(want);
    expect(decodeBody(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, "utf16le").swap16()]), "application/yaml", "ConfigMap")).toEqual(want);
    expect(decodeBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), "application/yaml", "ConfigMap")).toEqual(want);
  });
});

describe("YAML bodies through podflow serve", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s.stop();
  });
  const post = (path: string, body: string, type = "application/yaml") => raw(s, "POST", path, { token: s.cluster.adminToken, body, headers: { "Content-Type": type } });
  const cms = "/api/v1/namespaces/default/configmaps";

  it("a ConfigMap whose data says yes is a bool where a string must be: 400, nothing stored", async () => {
    const r = await post(cms, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: norway\ndata:\n  country: no\n");
    expect([r.code, JSON.parse(r.body).message]).toEqual([400, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal bool into Go struct field ConfigMap.data of type string']);
    expect((await raw(s, "GET", `${cms}/norway`, { token: s.cluster.adminToken })).code).toBe(404);
  });

  it("immutable: on is true", async () => {
    const r = await post(cms, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: switched\nimmutable: on\n");
    expect(r.code).toBe(201);
    expect(JSON.parse(r.body).immutable).toBe(true);
  });

  it("an anchor that contains itself is refused by create and by apply, and nothing is stored", async () => {
    const text = "apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: loop\n  labels: *m\n";
    const created = await post(cms, text);
    expect([created.code, JSON.parse(created.body).message]).toEqual([400, `the object provided is unrecognized (must be of type ConfigMap): yaml: anchor 'm' value contains itself (${summarizeData(Buffer.from(text))})`]);
    const applied = await raw(s, "PATCH", `${cms}/loop?fieldManager=m`, { token: s.cluster.adminToken, body: text, headers: { "Content-Type": "application/apply-patch+yaml" } });
    expect([applied.code, JSON.parse(applied.body).message]).toEqual([400, "error decoding YAML: error converting YAML to JSON: yaml: anchor 'm' value contains itself"]);
    expect((await raw(s, "GET", `${cms}/loop`, { token: s.cluster.adminToken })).code).toBe(404);
  });
});

// etcd3's store.Create: "if version, err := s.versioner.ObjectResourceVersion(obj); err == nil &&
// version != 0" is a plain error (ErrorToAPIStatus: 500, no reason), after admission and validation
describe("a create whose body sets metadata.resourceVersion", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s.stop();
  });
  const cms = "/api/v1/namespaces/default/configmaps";
  const create = (name: string, resourceVersion: string, query = "", data: unknown = { a: "b" }) => raw(s, "POST", `${cms}${query}`, { token: s.cluster.adminToken, body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, resourceVersion }, data }) });
  const refusal = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "resourceVersion should not be set on objects to be created", code: 500 };

  it("a uint64 other than 0 is refused by storage and nothing is stored", async () => {
    for (const rv of ["5", "007", "18446744073709551615"]) {
      const r = await create("rv-set", rv);
      expect([r.code, JSON.parse(r.body)]).toEqual([500, refusal]);
    }
    expect((await raw(s, "GET", `${cms}/rv-set`, { token: s.cluster.adminToken })).code).toBe(404);
  });

  it("0, text, a negative number or one past uint64 are no version: the create goes on", async () => {
    for (const [name, rv] of [["rv-zero", "0"], ["rv-text", "abc"], ["rv-negative", "-1"], ["rv-huge", "18446744073709551616"]]) {
      const r = await create(name!, rv!);
      expect(r.code).toBe(201);
      expect(JSON.parse(r.body).metadata.resourceVersion).not.toBe(rv);
    }
  });

  it("validation comes first; the check comes before a taken name's AlreadyExists; a dry run's storage never makes it", async () => {
    const invalid = await create("rv-invalid", "5", "", { "bad key": "x" });
    expect([invalid.code, JSON.parse(invalid.body).reason]).toEqual([422, "Invalid"]);
    expect((await create("rv-zero", "5")).code).toBe(500);
    const dry = await create("rv-dry", "5", "?dryRun=All");
    expect(dry.code).toBe(201);
    expect((await raw(s, "GET", `${cms}/rv-dry`, { token: s.cluster.adminToken })).code).toBe(404);
  });
});

// structuredMergeManager.Apply refuses a patch whose GetManagedFields is non-nil; Unstructured's
// accessor reads null, a non-list, or entries FromUnstructured cannot read, as nil
describe("an apply configuration that carries metadata.managedFields", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s.stop();
  });
  const apply = (name: string, managedFields: unknown) =>
    raw(s, "PATCH", `/api/v1/namespaces/default/configmaps/${name}?fieldManager=m`, { token: s.cluster.adminToken, body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, managedFields }, data: { a: "b" } }), headers: { "Content-Type": "application/apply-patch+yaml" } });
  const stored = async (name: string) => (await raw(s, "GET", `/api/v1/namespaces/default/configmaps/${name}`, { token: s.cluster.adminToken })).code;

  it("an empty list, or entries that read as ManagedFieldsEntry, must be nil: 400", async () => {
    for (const [name, mf] of [["mf-empty", []], ["mf-entry", [{}]], ["mf-manager", [{ manager: "x", operation: "Apply" }]]] as const) {
      const r = await apply(name, mf);
      expect([r.code, JSON.parse(r.body).message]).toEqual([400, "metadata.managedFields must be nil"]);
      expect(await stored(name)).toBe(404);
    }
  });

  it("null is no managedFields: the apply creates the object", async () => {
    const r = await apply("mf-null", null);
    expect(r.code).toBe(201);
    expect(JSON.parse(r.body).metadata.managedFields.map((m: any) => m.manager)).toEqual(["m"]);
  });

  it("a string, a map or a list of numbers passes the check and is the typed patch's error, storing nothing", async () => {
    for (const [name, mf, path] of [["mf-string", "x", ".metadata.managedFields: expected list"], ["mf-map", {}, ".metadata.managedFields: expected list"], ["mf-number", [1], ".metadata.managedFields[0]: expected map"]] as const) {
      const r = await apply(name, mf);
      expect(r.code).toBe(500);
      expect(JSON.parse(r.body).message.startsWith(`failed to create typed patch object (/${name}; /v1, Kind=ConfigMap): ${path}`)).toBe(true);
      expect(await stored(name)).toBe(404);
    }
  });
});

describe("a service account token past its expiry or its objects' deletion, as pkg/serviceaccount's validator judges it", () => {
  const now = Date.parse("2026-01-01T00:10:00Z");
  const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  const sa = (deletionTimestamp?: string) => ({ metadata: { name: "robot", namespace: "default", uid: "sa-uid", ...(deletionTimestamp ? { deletionTimestamp } : {}) } });
  const pod = (deletionTimestamp?: string) => ({ metadata: { name: "p", namespace: "default", uid: "pod-uid", ...(deletionTimestamp ? { deletionTimestamp } : {}) } });
  const token = (expires: number): IssuedToken => ({ namespace: "default", serviceAccount: "robot", serviceAccountUid: "sa-uid", expires, jti: "j", forAPI: true, bound: { kind: "Pod", name: "p", uid: "pod-uid" } });
  const user = (t: IssuedToken, account: unknown, bound: unknown) => serviceAccountUser(t, now, (resource) => (resource === "serviceaccounts" ? account : bound))?.name;
  const name = "system:serviceaccount:default:robot";

  // Claims.Validate allows jwt.DefaultLeeway (a minute): expired once now less a minute is after exp
  it.each([
    ["expired 59 s ago: still within the leeway", now - 59_000, name],
    ["expired exactly a minute ago: not yet after it", now - 60_000, name],
    ["expired a minute and a second ago", now - 61_000, undefined],
  ])("a token %s", (_n, expires, want) => {
    expect(user(token(expires), sa(), pod())).toBe(want);
  });

  // invalidIfDeletedBefore = now - DefaultLeeway: a graceful deletion's future deletionTimestamp keeps the token
  it.each([
    ["being deleted gracefully (its deletionTimestamp 30 s ahead)", sa(), pod(at(now + 30_000)), name],
    ["deleted 59 s ago, held by a finalizer", sa(), pod(at(now - 59_000)), name],
    ["deleted 61 s ago", sa(), pod(at(now - 61_000)), undefined],
    ["whose account was deleted 59 s ago", sa(at(now - 59_000)), pod(), name],
    ["whose account was deleted 61 s ago", sa(at(now - 61_000)), pod(), undefined],
    ["whose pod is gone", sa(), undefined, undefined],
  ])("a pod-bound token %s", (_n, account, bound, want) => {
    expect(user(token(now + 3_600_000), account, bound)).toBe(want);
  });

  it("on a cluster: a pod-bound token authenticates right after its pod's deletion starts", async () => {
    const cluster = createCluster({ nodes: 1, seed: 5 });
    try {
      await cluster.settle();
      await cluster.apply({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "robot", namespace: "default" } });
      await cluster.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "held", namespace: "default", finalizers: ["example.com/hold"] }, spec: { serviceAccountName: "robot", containers: [{ name: "c", image: "nginx" }] } });
      await cluster.settle();
      const p: any = (await cluster.request({ verb: "get", group: "", resource: "pods", namespace: "default", name: "held" })) as any;
      const r: any = await cluster.request({ verb: "create", group: "", resource: "serviceaccounts", subresource: "token", namespace: "default", name: "robot", body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { boundObjectRef: { kind: "Pod", apiVersion: "v1", name: "held", uid: p.object.metadata.uid } } } });
      expect(r.code).toBe(201);
      const whoami = () => cluster.request({ token: r.object.status.token, verb: "create", group: "authentication.k8s.io", resource: "selfsubjectreviews", body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" } }) as Promise<any>;
      expect((await whoami()).code).toBe(201);
      const deleted: any = await cluster.request({ verb: "delete", group: "", resource: "pods", namespace: "default", name: "held", body: { gracePeriodSeconds: 0 } });
      expect(deleted.object.metadata.deletionTimestamp).toBeDefined();
      const who = await whoami();
      expect([who.code, who.object?.status?.userInfo?.username]).toEqual([201, "system:serviceaccount:default:robot"]);
    } finally {
      await cluster.stop();
    }
  });
});
