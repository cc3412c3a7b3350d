// The twenty-seventh hostile round, each answer checked against Kubernetes 1.35's source.
// A container's shell runs in podflow's own process: a word that splits into 400,000 fields was
// spread into one call's arguments, past V8's limit, and the CRI threw in the middle of the exec,
// which then never ended. A CRD's pattern was compiled as a JavaScript regexp: Go's regexp (RE2)
// refuses backreferences, so apiextensions' validateValueValidation refuses the CRD, where podflow
// stored it and then backtracked exponentially on every custom resource's string. A request with
// the same Content-Length twice is net/http's to read (fixLength keeps one); Node's parser refused it.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { findKubectl, kubectl, raw, serve, until, type Served, rawBytes } from "./serve-helpers.js";

let s: Served;
const bin = findKubectl();
const send = (method: string, path: string, body?: unknown) => {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return raw(s, method, path, { token: s.cluster.adminToken, ...(text !== undefined ? { body: text } : {}), headers: text !== undefined ? { "Content-Type": "application/json" } : {} });
};
const json = (r: { body: string }) => JSON.parse(r.body);

beforeAll(async () => {
  s = await serve({ nodes: 1, speed: 10 });
  await s.cluster.apply(`
apiVersion: v1
kind: Pod
metadata:
  name: box
spec:
  containers:
  - name: box
    image: busybox
    command: ["sleep", "3600"]
`);
  const up = await until(async () => s.cluster.get("Pod", "box", "default")?.status?.containerStatuses?.[0]?.state?.running, 20_000);
  expect(up, "box should be running").toBeTruthy();
}, 40_000);
afterAll(async () => {
  await s?.stop();
});

describe.runIf(bin)("a shell word that splits into hundreds of thousands of fields, through kubectl exec", () => {
  it("echo $(seq ...) of 399,996 fields prints them all (sh's echo is a builtin: no ARG_MAX), and the next exec runs", async () => {
    // 4 x (488,889 digits + 99,999 separators), less the last separator, plus the newline
    const r = await kubectl(bin!, s.kubeconfigPath, ["exec", "box", "--", "sh", "-c", "echo $(seq 1 99999; seq 1 99999; seq 1 99999; seq 1 99999) | wc -c"], { timeoutMs: 90_000 });
    expect(r.err).toBe("");
    expect(r.out.trim()).toBe("2355552");
    const after = await kubectl(bin!, s.kubeconfigPath, ["exec", "box", "--", "echo", "hi"], { timeoutMs: 30_000 });
    expect(after.out).toBe("hi\n");
  }, 120_000);

  it("pkill -- given 160,000 patterns reads them all and shows its usage (pgrep.c takes one pattern): status 1", async () => {
    const r = await kubectl(bin!, s.kubeconfigPath, ["exec", "box", "--", "sh", "-c", "pkill -- $(seq 1 99999; seq 1 60000) 2>&1 | head -n 1; pkill -- $(seq 1 99999; seq 1 60000) 2>/dev/null; echo $?"], { timeoutMs: 90_000 });
    expect(r.out).toBe("BusyBox v1.37.0 multi-call binary.\n1\n");
  }, 120_000);
});

const crd = (name: string, pattern: string) => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `${name}s.h27.example.com` },
  spec: {
    group: "h27.example.com",
    scope: "Namespaced",
    names: { plural: `${name}s`, singular: name, kind: name[0]!.toUpperCase() + name.slice(1) },
    versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { s: { type: "string", pattern } } } } } } }],
  },
});

describe("a CRD's pattern compiled as Go's regexp compiles it (apiextensions' validateValueValidation)", () => {
  it("a backreference is regexp's invalid escape sequence: 422 naming the pattern, and no CRD is stored", async () => {
    const r = await send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd("backref", "^(a+)+\\1$"));
    expect(r.code).toBe(422);
    const st = json(r);
    expect(st.reason).toBe("Invalid");
    expect(st.message).toBe(
      'CustomResourceDefinition.apiextensions.k8s.io "backrefs.h27.example.com" is invalid: spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[s].pattern: Invalid value: "^(a+)+\\\\1$": must be a valid regular expression, but isn\'t: error parsing regexp: invalid escape sequence: `\\1`',
    );
    expect((await send("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/backrefs.h27.example.com")).code).toBe(404);
  });

  it("a lookahead is regexp's invalid or unsupported Perl syntax", async () => {
    const r = await send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd("ahead", "^(?=a)a$"));
    expect(r.code).toBe(422);
    expect(json(r).message).toContain("pattern: Invalid value: \"^(?=a)a$\": must be a valid regular expression, but isn't: error parsing regexp: invalid or unsupported Perl syntax: `(?=`");
  });

  it("a pattern RE2 takes that a backtracking engine would take for ever: a custom resource of 5,000 a's is refused at once", async () => {
    expect((await send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd("nested", "^(a+)+b$"))).code).toBe(201);
    const path = "/apis/h27.example.com/v1/namespaces/default/nesteds";
    const served = await until(async () => (await send("GET", path)).code === 200, 20_000);
    expect(served).toBe(true);
    const v = `${"a".repeat(5_000)}c`;
    const r = await send("POST", path, { apiVersion: "h27.example.com/v1", kind: "Nested", metadata: { name: "n" }, spec: { s: v } });
    expect(r.code).toBe(422);
    expect(json(r).message).toBe(`Nested.h27.example.com "n" is invalid: spec.s: Invalid value: "${v}": spec.s in body should match '^(a+)+b$'`);
    const ok = await send("POST", path, { apiVersion: "h27.example.com/v1", kind: "Nested", metadata: { name: "m" }, spec: { s: "aaab" } });
    expect(ok.code).toBe(201);
  }, 60_000);
});


const post = (version: string, lines: string[], body: string) => [`POST /api/v1/namespaces/default/configmaps HTTP/1.${version}`, "Host: x", `Authorization: Bearer ${s.cluster.adminToken}`, "Content-Type: application/json", "Connection: close", ...lines, "", body].join("\r\n");
const cm = (name: string) => JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { k: "v" } });
const stored = async (name: string) => (await send("GET", `/api/v1/namespaces/default/configmaps/${name}`)).code;

// net/http's fixLength (Go issue 16490): more than one Content-Length is taken when every value is
// the same once textproto.TrimString trims it, and is readRequest's plain 400 when they differ
describe("a request with Content-Length repeated, read as net/http's fixLength reads it", () => {
  it("the same length twice, or with white space around one, is read once: the ConfigMap is created", async () => {
    for (const [version, name, second] of [["1", "twice", "Content-Length: N"], ["1", "spaced", "Content-Length:   N  "], ["0", "twice-http10", "content-length: N"]] as const) {
      const body = cm(name);
      const n = String(Buffer.byteLength(body));
      const got = await rawBytes(s, post(version, [`Content-Length: ${n}`, second.replace("N", n)], body));
      expect(got.split("\r\n")[0]).toBe(`HTTP/1.${version} 201 Created`);
      expect(await stored(name)).toBe(200);
    }
  });

  it("two lengths that differ are 400 Bad Request on the connection, and nothing is stored", async () => {
    const body = cm("differ");
    const n = Buffer.byteLength(body);
    const got = await rawBytes(s, post("1", [`Content-Length: ${n}`, `Content-Length: ${n + 1}`], body));
    expect(got).toBe("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request");
    expect(await stored("differ")).toBe(404);
  });
});
