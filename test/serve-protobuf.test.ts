// Protobuf bodies (application/vnd.kubernetes.protobuf), as kubectl create and every client-go
// typed client send them: "k8s\0", then runtime.Unknown {typeMeta = 1 {apiVersion = 1, kind = 2},
// raw = 2, contentEncoding = 3, contentType = 4}, raw holding the object with the field numbers of
// k8s.io/api's generated.proto. The bodies here are written field by field with those numbers;
// what they decode to is the JSON encoding/json gives the same Go object (omitempty fields left
// out, structs always present, a zero metav1.Time as null).

import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { decodeBody } from "../runtime/server/decode.js";
import { encodeProtobufObject, prefersProtobuf } from "../runtime/server/protobuf/encode.js";
import { findKubectl, kubectl, raw, serve, until, type Served } from "./serve-helpers.js";

const PB = "application/vnd.kubernetes.protobuf";
const magic = [0x6b, 0x38, 0x73, 0x00];

type Build = (w: BinaryWriter) => void;
const msg = (no: number, build: Build): Build => (w) => {
  w.tag(no, WireType.LengthDelimited).fork();
  build(w);
  w.join();
};
const str = (no: number, s: string): Build => (w) => void w.tag(no, WireType.LengthDelimited).string(s);
const bytes = (no: number, b: Uint8Array): Build => (w) => void w.tag(no, WireType.LengthDelimited).bytes(b);
const int32 = (no: number, n: number): Build => (w) => void w.tag(no, WireType.Varint).int32(n);
const int64 = (no: number, n: bigint): Build => (w) => void w.tag(no, WireType.Varint).int64(n);
const all = (...parts: Build[]): Build => (w) => parts.forEach((p) => p(w));
const encode = (build: Build) => {
  const w = new BinaryWriter();
  build(w);
  return w.finish();
};
/** map<string, V> entry: a nested message {key = 1, value = 2} */
const entry = (no: number, key: string, value: Build): Build => msg(no, all(str(1, key), value));

/** The envelope around an object's bytes. */
function envelope(apiVersion: string, kind: string, object: Uint8Array): Buffer {
  const unknown = encode(all(msg(1, all(str(1, apiVersion), str(2, kind))), bytes(2, object), str(3, ""), str(4, "")));
  return Buffer.concat([Buffer.from(magic), unknown]);
}

/** ObjectMeta as gogo-protobuf's Marshal writes it for a new object: every non-pointer field, zero or not. */
const objectMeta = (name: string, extra: Build = () => {}) =>
  msg(1, all(str(1, name), str(2, ""), str(3, ""), str(4, ""), str(5, ""), str(6, ""), int64(7, 0n), msg(8, () => {}), extra));

const decode = (body: Buffer, kind: string) => decodeBody(body, PB, kind);

describe("a protobuf body decodes to the object JSON would carry", () => {
  it("a Namespace as kubectl create namespace sends it", () => {
    const ns = encode(all(objectMeta("x"), msg(2, () => {}), msg(3, str(1, ""))));
    expect(decode(envelope("v1", "Namespace", ns), "Namespace")).toEqual({
      body: { kind: "Namespace", apiVersion: "v1", metadata: { name: "x", creationTimestamp: null }, spec: {}, status: {} },
    });
  });

  it("a Secret's data (map<string, bytes>) is base64 in JSON; stringData and type keep their values", () => {
    const secret = encode(all(objectMeta("s"), entry(2, "p", bytes(2, Buffer.from("q"))), str(3, "Opaque"), entry(4, "k", str(2, "v"))));
    expect(decode(envelope("v1", "Secret", secret), "Secret")).toEqual({
      body: { kind: "Secret", apiVersion: "v1", metadata: { name: "s", creationTimestamp: null }, data: { p: "cQ==" }, stringData: { k: "v" }, type: "Opaque" },
    });
  });

  it("a Deployment: *int32 replicas kept even when 0, IntOrString and Time in their JSON forms, empty structs present", () => {
    const container = all(str(1, "nginx"), str(2, "nginx"), msg(6, all(str(1, ""), int32(2, 0), int32(3, 80), str(4, "TCP"), str(5, ""))), msg(8, () => {}));
    const template = msg(3, all(objectMeta("", entry(11, "app", str(2, "web"))), msg(2, msg(2, container))));
    const selector = msg(2, entry(1, "app", str(2, "web")));
    const strategy = msg(4, all(str(1, "RollingUpdate"), msg(2, all(msg(1, all(int64(1, 0n), int32(2, 1), str(3, ""))), msg(2, all(int64(1, 1n), int32(2, 0), str(3, "25%")))))));
    const created = msg(8, all(int64(1, 1_800_000_000n), int32(2, 5)));
    const d = encode(all(msg(1, all(str(1, "web"), str(3, "default"), created)), msg(2, all(int32(1, 0), selector, template, strategy)), msg(3, () => {})));
    expect(decode(envelope("apps/v1", "Deployment", d), "Deployment")).toEqual({
      body: {
        kind: "Deployment", apiVersion: "apps/v1",
        metadata: { name: "web", namespace: "default", creationTimestamp: "2027-01-15T08:00:00Z" },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: { creationTimestamp: null, labels: { app: "web" } },
            spec: { containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80, protocol: "TCP" }], resources: {} }] },
          },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: "25%" } },
        },
        status: {},
      },
    });
  });

  it("a Probe's inline ProbeHandler and an IntOrString port", () => {
    // Container.livenessProbe = 10; Probe.handler = 1 (inline); ProbeHandler.httpGet = 2; HTTPGetAction.path = 1, port = 2
    const probe = msg(10, all(msg(1, msg(2, all(str(1, "/healthz"), msg(2, all(int64(1, 1n), int32(2, 0), str(3, "http")))))), int32(2, 3)));
    const pod = encode(all(objectMeta("p"), msg(2, msg(2, all(str(1, "c"), str(2, "nginx"), probe)))));
    const r = decode(envelope("v1", "Pod", pod), "Pod");
    expect("body" in r && r.body.spec.containers[0].livenessProbe).toEqual({ httpGet: { path: "/healthz", port: "http" }, initialDelaySeconds: 3 });
  });

  it("the envelope's kind and apiVersion default to the endpoint's when it leaves them out", () => {
    const unknown = encode(bytes(2, encode(objectMeta("y"))));
    const r = decode(Buffer.concat([Buffer.from(magic), unknown]), "ConfigMap");
    expect(r).toEqual({ body: { kind: "ConfigMap", apiVersion: "v1", metadata: { name: "y", creationTimestamp: null } } });
  });
});

describe("a response in protobuf, for a client that prefers it", () => {
  it("a Secret: metadata (1) with name (1), namespace (3), creationTimestamp (8) as seconds; data (2) as map entries of bytes; type (3), in field-number order", () => {
    const secret = { kind: "Secret", apiVersion: "v1", metadata: { name: "s", namespace: "default", creationTimestamp: "2027-01-15T08:00:00Z" }, immutable: true, data: { p: "cQ==" }, type: "Opaque" };
    const raw = encode(all(msg(1, all(str(1, "s"), str(3, "default"), msg(8, all(int64(1, 1_800_000_000n), int32(2, 0))))), entry(2, "p", bytes(2, Buffer.from("q"))), str(3, "Opaque"), (w) => void w.tag(5, WireType.Varint).bool(true)));
    expect(encodeProtobufObject(secret)).toEqual(envelope("v1", "Secret", raw));
  });

  it("a Status travels as meta/v1 Status: status (2), message (3), reason (4), details (5), code (6)", () => {
    const st = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: 'namespaces "x" already exists', reason: "AlreadyExists", details: { name: "x", kind: "namespaces" }, code: 409 };
    const raw = encode(all(msg(1, () => {}), str(2, "Failure"), str(3, 'namespaces "x" already exists'), str(4, "AlreadyExists"), msg(5, all(str(1, "x"), str(3, "namespaces"))), int32(6, 409)));
    expect(encodeProtobufObject(st)).toEqual(envelope("v1", "Status", raw));
  });

  it("an IntOrString is its type (1) and intVal (2) or strVal (3); a kind the table lacks goes as JSON", () => {
    const svc = { kind: "Service", apiVersion: "v1", spec: { ports: [{ port: 80, targetPort: "http" }] } };
    const raw = encode(msg(2, msg(1, all(int32(3, 80), msg(4, all(int64(1, 1n), str(3, "http")))))));
    expect(encodeProtobufObject(svc)).toEqual(envelope("v1", "Service", raw));
    expect(encodeProtobufObject({ kind: "Table", apiVersion: "meta.k8s.io/v1", rows: [] })).toBeUndefined();
  });

  it.each([
    ["application/vnd.kubernetes.protobuf,application/json", true],
    ["application/json, application/vnd.kubernetes.protobuf", false],
    ["application/json;q=0.5, application/vnd.kubernetes.protobuf", true],
    ["application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,application/json", false],
    [undefined, false],
  ])("Accept %s prefers protobuf: %s", (accept, expected) => {
    expect(prefersProtobuf(accept)).toBe(expected);
  });
});

describe("a malformed protobuf body is a 400 Status, worded as the protobuf serializer and transformDecodeError word it", () => {
  const status = (message: string) => ({ status: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "BadRequest", code: 400 } });
  const prefixError = "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]";
  it.each([
    ["JSON sent as protobuf (wrong magic)", Buffer.from('{"kind":"Namespace"}'), `the object provided is unrecognized (must be of type Namespace): ${prefixError} ({"kind":"Namespace"})`],
    ["a wrong magic", Buffer.from([0x6b, 0x38, 0x73, 0x01, 0x0a]), `the object provided is unrecognized (must be of type Namespace): ${prefixError} (6b3873010a)`],
    ["a body shorter than the magic", Buffer.from([0x6b, 0x38]), `the object provided is unrecognized (must be of type Namespace): ${prefixError} (6b38)`],
    ["the magic alone", Buffer.from(magic), "the object provided is unrecognized (must be of type Namespace): empty body (6b387300)"],
    ["an envelope cut inside a varint", Buffer.from([...magic, 0x0a, 0xff]), "the object provided is unrecognized (must be of type Namespace): unexpected EOF (6b3873000aff)"],
    ["a length of 2 GiB with 3 bytes after it", Buffer.from([...magic, 0x12, 0x80, 0x80, 0x80, 0x80, 0x08, 1, 2, 3]), "the object provided is unrecognized (must be of type Namespace): unexpected EOF (6b387300128080808008010203)"],
    ["a varint of 11 bytes", Buffer.from([...magic, 0x08, ...Array(10).fill(0xff), 0x01]), "the object provided is unrecognized (must be of type Namespace): proto: integer overflow (6b38730008ffffffffffffffffffff01)"],
  ])("%s", (_name, body, message) => {
    expect(decode(body, "Namespace")).toEqual(status(message));
  });

  it("an object cut short inside the envelope names the kind the envelope gave", () => {
    const truncated = encode(objectMeta("x")).subarray(0, 5);
    expect(decode(envelope("v1", "Namespace", truncated), "Namespace")).toEqual(status('Namespace in version "v1" cannot be handled as a Namespace: unexpected EOF'));
  });

  it("a kind the scheme does not know is not registered", () => {
    expect(decode(envelope("v1", "Foo", new Uint8Array()), "Namespace")).toEqual(
      status('Foo in version "v1" cannot be handled as a Namespace: no kind "Foo" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"'),
    );
  });

  it("100,000 nested groups of unknown fields end in an error, not a stack overflow", () => {
    const deep = Buffer.concat([Buffer.from(magic), Buffer.alloc(100_000, 0x0b)]);
    const r = decode(deep, "Namespace");
    expect("status" in r && r.status.code).toBe(400);
  });
});

const bin = findKubectl();
describe.runIf(bin)("kubectl create sends protobuf and the objects are made", () => {
  let s: Served;
  const k = (args: string[], timeoutMs = 20_000) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs });
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it.each([
    [["create", "namespace", "team"], "namespace/team created\n"],
    [["create", "deployment", "web", "--image=nginx", "--replicas=3"], "deployment.apps/web created\n"],
    [["create", "configmap", "cfg", "--from-literal=a=b"], "configmap/cfg created\n"],
    [["create", "secret", "generic", "pw", "--from-literal=p=q"], "secret/pw created\n"],
    [["create", "service", "clusterip", "web", "--tcp=80:8080"], "service/web created\n"],
  ])("kubectl %j", async (args, out) => {
    const r = await k(args);
    expect(r.err).toBe("");
    expect(r.out).toBe(out);
  });

  it("the Deployment runs 3 ready replicas", async () => {
    const ready = await until(async () => (await k(["get", "deployment", "web", "-o", "jsonpath={.status.readyReplicas}"])).out === "3", 30_000);
    expect(ready).toBe(true);
    expect((await k(["get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image} {.spec.selector.matchLabels.app}"])).out).toBe("nginx web");
  }, 40_000);

  it("the ConfigMap, Secret and Service hold what kubectl sent", async () => {
    expect((await k(["get", "configmap", "cfg", "-o", "jsonpath={.data.a}"])).out).toBe("b");
    expect((await k(["get", "secret", "pw", "-o", "jsonpath={.data.p} {.type}"])).out).toBe("cQ== Opaque");
    expect((await k(["get", "service", "web", "-o", "jsonpath={.spec.type} {.spec.ports[0].port} {.spec.ports[0].targetPort} {.spec.ports[0].name}"])).out).toBe("ClusterIP 80 8080 80-8080");
  });

  it("a protobuf object goes through validation as JSON does: an invalid name is 422", async () => {
    const r = await k(["create", "configmap", "Bad_Name", "--from-literal=a=b"]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'error: failed to create configmap: ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')\n',
    );
  });

  it("kubectl gets protobuf back, and a refusal as a protobuf Status", async () => {
    const r = await k(["create", "namespace", "pb", "-v=8"]);
    expect(r.out).toBe("namespace/pb created\n");
    expect(r.err).toMatch(/Response Status: 201 Created[\s\S]*Content-Type: application\/vnd\.kubernetes\.protobuf/);
    const again = await k(["create", "namespace", "pb"]);
    expect(again.code).toBe(1);
    expect(again.err).toBe('Error from server (AlreadyExists): namespaces "pb" already exists\n');
  });

  it("hostile protobuf bodies over HTTPS are 400s and the server keeps serving", async () => {
    const unrecognized = (m: string) => `the object provided is unrecognized (must be of type ConfigMap): ${m}`;
    for (const [body, message] of [
      // a truncated envelope, a 4 GiB length field, JSON under the protobuf type, 200,000 nested groups
      [Buffer.from([...magic, 0x0a, 0xff]), unrecognized("unexpected EOF (6b3873000aff)")],
      [Buffer.from([...magic, 0x12, 0xff, 0xff, 0xff, 0xff, 0x0f]), unrecognized("unexpected EOF (6b38730012ffffffff0f)")],
      [Buffer.from('{"kind":"ConfigMap"}'), unrecognized('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({"kind":"ConfigMap"})')],
      [Buffer.concat([Buffer.from(magic), Buffer.alloc(200_000, 0x0b)]), undefined],
    ] as const) {
      const r = await raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: s.cluster.adminToken, body, headers: { "Content-Type": PB } });
      expect(r.code).toBe(400);
      expect(JSON.parse(r.body)).toMatchObject({ kind: "Status", reason: "BadRequest", code: 400, ...(message ? { message } : {}) });
    }
    expect((await k(["get", "configmap", "cfg", "-o", "name"])).out).toBe("configmap/cfg\n");
  });
});
