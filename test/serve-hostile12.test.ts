// The twelfth hostile round, each fault checked through podflow serve against kube-apiserver
// 1.35's answer: merge and JSON patches keep a number literal as json-patch keeps it (raw JSON),
// so the patched object's decoding refuses 1e3 or 2.0 for an int32 and a test operation compares
// numbers by their text; an apply names a wrong group, version or kind as versionCheckManager does.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { jsonPatch, PatchError } from "../machines/apiserver/patch.js";
import { NumberLiteral, parseJsonKeepingLiterals } from "../machines/apiserver/schema/decode.js";
import { serve, raw, until, type Served } from "./serve-helpers.js";

let s: Served;
const admin = (method: string, path: string, body?: unknown, contentType = "application/json") =>
  raw(s, method, path, { token: s.cluster.adminToken, ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}), headers: { "Content-Type": contentType } });
const cm = "/api/v1/namespaces/default/configmaps";
const deployments = "/apis/apps/v1/namespaces/default/deployments";
const deployment = (name: string) => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "i" }] } } },
});

beforeAll(async () => {
  s = await serve({ nodes: 1 });
}, 60_000);
afterAll(async () => {
  await s?.stop();
});

describe("merge and JSON patches keep number literals as json-patch's raw nodes do: an int32 given 1e3 or 2.0 is refused", () => {
  const merge = "application/merge-patch+json";
  beforeAll(async () => {
    expect((await admin("POST", deployments, deployment("literal"))).code).toBe(201);
  });

  // patch.go decodes the patched JSON into the Deployment: strconv.ParseInt of the literal fails,
  // the 422 Invalid of field "patch" quotes the patched JSON with the literal as the patch wrote it
  it("a merge patch of replicas 1e3: json's cannot unmarshal number 1e3, the literal kept in the quoted JSON, nothing stored", async () => {
    const r = await admin("PATCH", `${deployments}/literal`, '{"spec":{"replicas":1e3}}', merge);
    expect(r.code).toBe(422);
    const st = JSON.parse(r.body);
    expect(st.reason).toBe("Invalid");
    expect(st.message.startsWith(' "" is invalid: patch: Invalid value: "{\\"apiVersion\\":\\"apps/v1\\",\\"kind\\":\\"Deployment\\",')).toBe(true);
    expect(st.message).toContain('\\"replicas\\":1e3,');
    expect(st.message.endsWith('": json: cannot unmarshal number 1e3 into Go struct field DeploymentSpec.spec.replicas of type int32')).toBe(true);
    expect(st.details.causes[0].field).toBe("patch");
    expect(JSON.parse((await admin("GET", `${deployments}/literal`)).body).spec.replicas).toBe(1);
  });

  it("2.0 and an int64 given 6e1 are refused the same way, by merge and by JSON patch", async () => {
    const two = await admin("PATCH", `${deployments}/literal`, '{"spec":{"replicas":2.0}}', merge);
    expect(two.code).toBe(422);
    expect(JSON.parse(two.body).message.endsWith("json: cannot unmarshal number 2.0 into Go struct field DeploymentSpec.spec.replicas of type int32")).toBe(true);
    const jp = await admin("PATCH", `${deployments}/literal`, '[{"op":"replace","path":"/spec/template/spec/terminationGracePeriodSeconds","value":6e1}]', "application/json-patch+json");
    expect(jp.code).toBe(422);
    const msg = JSON.parse(jp.body).message;
    expect(msg).toContain('\\"terminationGracePeriodSeconds\\":6e1}');
    expect(msg.endsWith("json: cannot unmarshal number 6e1 into Go struct field PodSpec.spec.template.spec.terminationGracePeriodSeconds of type int64")).toBe(true);
  });

  it("the same values written as integers are taken", async () => {
    const r = await admin("PATCH", `${deployments}/literal`, '{"spec":{"replicas":2,"template":{"spec":{"terminationGracePeriodSeconds":60}}}}', merge);
    expect(r.code, r.body).toBe(200);
    expect(JSON.parse(r.body).spec.replicas).toBe(2);
  });

  it("a strategic merge patch reads numbers into Go maps: 3.0 is float64 3, which the unstructured converter takes for an int32", async () => {
    const r = await admin("PATCH", `${deployments}/literal`, '{"spec":{"replicas":3.0}}', "application/strategic-merge-patch+json");
    expect(r.code, r.body).toBe(200);
    expect(JSON.parse(r.body).spec.replicas).toBe(3);
  });
});

describe("json-patch v4's test operation compares a scalar by its JSON text (lazyNode.equal)", () => {
  const lit = (text: string) => parseJsonKeepingLiterals(text);

  it("1.0 or 1e0 is not 1; 1 is; objects and arrays compare member by member", () => {
    const doc = { a: 1, b: [1, { c: 2 }] };
    expect(() => jsonPatch(doc, lit('[{"op":"test","path":"/a","value":1.0}]'))).toThrow(PatchError);
    expect(() => jsonPatch(doc, lit('[{"op":"test","path":"/a","value":1e0}]'))).toThrow(PatchError);
    expect(jsonPatch(doc, lit('[{"op":"test","path":"/a","value":1}]'))).toEqual(doc);
    expect(jsonPatch(doc, lit('[{"op":"test","path":"/b","value":[1,{"c":2}]}]'))).toEqual(doc);
    expect(() => jsonPatch(doc, lit('[{"op":"test","path":"/b","value":[1,{"c":2.0}]}]'))).toThrow(PatchError);
    // a literal an earlier operation added compares by its own text
    expect(jsonPatch(doc, lit('[{"op":"add","path":"/d","value":2.50},{"op":"test","path":"/d","value":2.50}]'))).toEqual({ ...doc, d: new NumberLiteral("2.50") });
  });

  it("a string compares by its bytes: the stored object's as Go's encoder escapes them (<, >, & as \\u003c...), the test value's as written", () => {
    const doc = { a: "x&y", b: "a", c: ["<"] };
    expect(() => jsonPatch(doc, lit('[{"op":"test","path":"/a","value":"x&y"}]'))).toThrow(PatchError);
    expect(jsonPatch(doc, lit('[{"op":"test","path":"/a","value":"x\\u0026y"}]'))).toEqual(doc);
    expect(() => jsonPatch(doc, lit('[{"op":"test","path":"/b","value":"\\u0061"}]'))).toThrow(PatchError);
    expect(jsonPatch(doc, lit('[{"op":"test","path":"/b","value":"a"}]'))).toEqual(doc);
    expect(() => jsonPatch(doc, lit('[{"op":"test","path":"/c","value":["<"]}]'))).toThrow(PatchError);
    expect(jsonPatch(doc, lit('[{"op":"test","path":"/c","value":["\\u003c"]}]'))).toEqual(doc);
    // a string an earlier operation wrote is compared by the bytes it was written as
    expect(jsonPatch(doc, lit('[{"op":"add","path":"/d","value":"p&q"},{"op":"test","path":"/d","value":"p&q"}]'))).toEqual({ ...doc, d: "p&q" });
    expect(() => jsonPatch(doc, lit('[{"op":"add","path":"/d","value":"p&q"},{"op":"test","path":"/d","value":"p\\u0026q"}]'))).toThrow(PatchError);
  });

  it("through podflow serve: a test of an annotation holding & fails unless the value is written \\u0026", async () => {
    const url = "https://example.com/?a=1&b=2";
    expect((await admin("POST", cm, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "amp", annotations: { link: url } } })).code).toBe(201);
    const jp = "application/json-patch+json";
    const plain = await admin("PATCH", `${cm}/amp`, `[{"op":"test","path":"/metadata/annotations/link","value":${JSON.stringify(url)}},{"op":"add","path":"/data","value":{"k":"v"}}]`, jp);
    expect(plain.code).toBe(422);
    const escaped = await admin("PATCH", `${cm}/amp`, `[{"op":"test","path":"/metadata/annotations/link","value":"https://example.com/?a=1\\u0026b=2"},{"op":"add","path":"/data","value":{"k":"v"}}]`, jp);
    expect(escaped.code, escaped.body).toBe(200);
    expect(JSON.parse(escaped.body).data).toEqual({ k: "v" });
  });

  it("through podflow serve: a test of replicas 1.0 fails (422), of 1 passes", async () => {
    expect((await admin("POST", deployments, deployment("tested"))).code).toBe(201);
    const jp = "application/json-patch+json";
    const bad = await admin("PATCH", `${deployments}/tested`, '[{"op":"test","path":"/spec/replicas","value":1.0},{"op":"replace","path":"/spec/replicas","value":4}]', jp);
    expect([bad.code, JSON.parse(bad.body).message]).toEqual([422, "the server rejected our request due to an error in our request"]);
    const good = await admin("PATCH", `${deployments}/tested`, '[{"op":"test","path":"/spec/replicas","value":1},{"op":"replace","path":"/spec/replicas","value":4}]', jp);
    expect(good.code, good.body).toBe(200);
    expect(JSON.parse(good.body).spec.replicas).toBe(4);
  });
});

describe("a custom resource patched with a number literal stores the number (its unstructured decoding reads it as float64)", () => {
  it("a merge patch of 2.50 and of 1e1 into a CR is stored as 2.5 and 10", async () => {
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "gauges.h12.example.com" },
      spec: {
        group: "h12.example.com", scope: "Namespaced", names: { plural: "gauges", singular: "gauge", kind: "Gauge" },
        versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { ratio: { type: "number" }, count: { type: "integer" } } } } } } }],
      },
    };
    expect((await admin("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)).code).toBe(201);
    const gauges = "/apis/h12.example.com/v1/namespaces/default/gauges";
    const created = await until(async () => (await admin("POST", gauges, { apiVersion: "h12.example.com/v1", kind: "Gauge", metadata: { name: "g" }, spec: { ratio: 1, count: 1 } })).code === 201, 20_000);
    expect(created).toBe(true);
    const r = await admin("PATCH", `${gauges}/g`, '{"spec":{"ratio":2.50,"count":1e1}}', "application/merge-patch+json");
    expect(r.code, r.body).toBe(200);
    expect(JSON.parse(r.body).spec).toEqual({ ratio: 2.5, count: 10 });
    expect(JSON.parse((await admin("GET", `${gauges}/g`)).body).spec).toEqual({ ratio: 2.5, count: 10 });
  }, 30_000);
});

describe("an apply whose group, version or kind is not the endpoint's: versionCheckManager's invalid object type", () => {
  const apply = (path: string, body: string) => admin("PATCH", `${path}?fieldManager=m`, body, "application/apply-patch+yaml");

  it("no apiVersion, no kind, a kind alone, a version alone and another kind are each named as a GroupVersionKind", async () => {
    const cases: Array<[string, string]> = [
      ["metadata:\n  name: x\n", "invalid object type: /, Kind="],
      ["kind: ConfigMap\nmetadata:\n  name: x\n", "invalid object type: /, Kind=ConfigMap"],
      ["apiVersion: v1\nmetadata:\n  name: x\n", "invalid object type: /v1, Kind="],
      ["apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n", "invalid object type: /v1, Kind=Secret"],
      ["apiVersion: a/b/c\nkind: ConfigMap\nmetadata:\n  name: x\n", "invalid object type: /, Kind=ConfigMap"],
      ["apiVersion: apps/v1\nkind: ConfigMap\nmetadata:\n  name: x\n", "invalid object type: apps/v1, Kind=ConfigMap"],
    ];
    for (const [body, message] of cases) {
      const r = await apply(`${cm}/x`, body);
      expect([r.code, JSON.parse(r.body).message]).toEqual([400, message]);
    }
    // nothing was created on the way
    expect((await admin("GET", `${cm}/x`)).code).toBe(404);
  });

  it("a Deployment applied as extensions/v1beta1 names the group and version it was given", async () => {
    const r = await apply(`${deployments}/gv`, "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: gv\n");
    expect([r.code, JSON.parse(r.body).message]).toEqual([400, "invalid object type: extensions/v1beta1, Kind=Deployment"]);
  });
});

// kube's test/integration/apiserver/field_validation_test.go (testFieldValidationPatchTyped and
// testFieldValidationSMP): the patch's own strict errors first, then the patched object's
describe("a patch's own bytes decoded strictly under Strict and Warn: repeated keys, and a JSON patch's unknown and repeated operation fields", () => {
  const mergePatchBody = `{"spec": {"unknown1": "val1", "unknownDupe": "valDupe", "unknownDupe": "valDupe2", "paused": true, "paused": false,
    "template": {"spec": {"containers": [{"name": "c", "image": "nginx:latest", "unknownNested": "val1", "imagePullPolicy": "Always", "imagePullPolicy": "Never"}]}}}}`;
  const jsonPatchBody = `[
    {"op": "add", "path": "/spec/unknown1", "value": "val1", "foo":"bar"},
    {"op": "add", "path": "/spec/unknown2", "path": "/spec/unknown3", "value": "val1"},
    {"op": "add", "path": "/spec/unknownDupe", "value": "valDupe"},
    {"op": "add", "path": "/spec/unknownDupe", "value": "valDupe2"},
    {"op": "add", "path": "/spec/paused", "value": true},
    {"op": "add", "path": "/spec/paused", "value": false},
    {"op": "add", "path": "/spec/template/spec/containers/0/unknownNested", "value": "val1"},
    {"op": "add", "path": "/spec/template/spec/containers/0/imagePullPolicy", "value": "Always"},
    {"op": "add", "path": "/spec/template/spec/containers/0/imagePullPolicy", "value": "Never"}]`;
  const smpBody = `{"spec": {"unknown1": "val1", "unknownDupe": "valDupe", "unknownDupe": "valDupe2", "paused": true, "paused": false,
    "template": {"spec": {"containers": [{"name": "c", "unknownNested": "val1", "imagePullPolicy": "Always", "imagePullPolicy": "Never"}]}}}}`;
  const mergeErrors = ['duplicate field "spec.unknownDupe"', 'duplicate field "spec.paused"', 'duplicate field "spec.template.spec.containers[0].imagePullPolicy"', 'unknown field "spec.template.spec.containers[0].unknownNested"', 'unknown field "spec.unknown1"', 'unknown field "spec.unknownDupe"'];
  const jsonErrors = ['json patch unknown field "[0].foo"', 'json patch duplicate field "[1].path"', 'unknown field "spec.template.spec.containers[0].unknownNested"', 'unknown field "spec.unknown1"', 'unknown field "spec.unknown3"', 'unknown field "spec.unknownDupe"'];
  const cases: Array<[string, string, string, string[]]> = [
    ["merge", "application/merge-patch+json", mergePatchBody, mergeErrors],
    ["json", "application/json-patch+json", jsonPatchBody, jsonErrors],
    ["strategic", "application/strategic-merge-patch+json", smpBody, mergeErrors],
  ];
  const warnings = (h: unknown) => [...String(h ?? "").matchAll(/299 - "((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`));

  beforeAll(async () => {
    expect((await admin("POST", deployments, deployment("strict"))).code).toBe(201);
  });

  for (const [name, type, body, errors] of cases) {
    it(`a ${name} patch: Strict is the 422 listing them all, Warn (and no fieldValidation) a warning each, Ignore neither`, async () => {
      const strict = await admin("PATCH", `${deployments}/strict?fieldValidation=Strict`, body, type);
      expect(strict.code).toBe(422);
      expect(JSON.parse(strict.body).message.endsWith(`: strict decoding error: ${errors.join(", ")}`)).toBe(true);
      for (const q of ["?fieldValidation=Warn", ""]) {
        const warn = await admin("PATCH", `${deployments}/strict${q}`, body, type);
        expect(warn.code, warn.body).toBe(200);
        expect(warnings(warn.headers.warning)).toEqual(errors);
      }
      const ignore = await admin("PATCH", `${deployments}/strict?fieldValidation=Ignore`, body, type);
      expect([ignore.code, ignore.headers.warning]).toEqual([200, undefined]);
      expect(JSON.parse(ignore.body).spec.template.spec.containers[0].imagePullPolicy).toBe("Never");
    });
  }

  it("a merge patch that repeats known fields only: the patch's own repeated keys refuse it under Strict", async () => {
    const r = await admin("PATCH", `${deployments}/strict?fieldValidation=Strict`, '{"spec":{"paused":true,"paused":false,"template":{"metadata":{"labels":{"app":"strict","x":"1","x":"2"}}}}}', "application/merge-patch+json");
    expect(r.code).toBe(422);
    expect(JSON.parse(r.body).message.endsWith(': strict decoding error: duplicate field "spec.paused", duplicate field "spec.template.metadata.labels.x"')).toBe(true);
  });

  it("a JSON patch whose operations do not decode as []jsonPatchOp is a 400 under Strict and Warn, the 422 of its apply under Ignore", async () => {
    const jp = "application/json-patch+json";
    const typed = await admin("PATCH", `${deployments}/strict?fieldValidation=Strict`, '[{"op":1,"path":"/spec/paused","value":true}]', jp);
    expect([typed.code, JSON.parse(typed.body).message]).toEqual([400, "error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string"]);
    const notList = await admin("PATCH", `${deployments}/strict`, '{"op":"add"}', jp);
    expect([notList.code, JSON.parse(notList.body).message]).toEqual([400, "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp"]);
    const ignored = await admin("PATCH", `${deployments}/strict?fieldValidation=Ignore`, '[{"op":1,"path":"/spec/paused","value":true}]', jp);
    expect([ignored.code, JSON.parse(ignored.body).message]).toEqual([422, "the server rejected our request due to an error in our request"]);
    // the object is read first: a patch of a missing one is its 404
    const missing = await admin("PATCH", `${deployments}/nope?fieldValidation=Strict`, '[{"op":1}]', jp);
    expect(missing.code).toBe(404);
  });
});

describe("an apply's repeated keys under Strict: applyPatcher's 'error strict decoding YAML', judged after the field manager applied it", () => {
  const twice = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yamltwice\ndata:\n  a: b\n  a: c\n";
  it("the 400 wraps sigs.k8s.io/yaml's error as kube's field validation tests expect", async () => {
    const r = await admin("PATCH", `${cm}/yamltwice?fieldManager=m&fieldValidation=Strict`, twice, "application/apply-patch+yaml");
    expect([r.code, JSON.parse(r.body).message]).toEqual([400, 'error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  line 7: key "a" already set in map']);
    expect((await admin("GET", `${cm}/yamltwice`)).code).toBe(404);
  });

  it("an apply the field manager refuses answers with that refusal, not the strict one", async () => {
    const r = await admin("PATCH", `${cm}/yamltwice?fieldManager=m&fieldValidation=Strict`, twice.replace("kind: ConfigMap", "kind: Secret"), "application/apply-patch+yaml");
    expect([r.code, JSON.parse(r.body).message]).toEqual([400, "invalid object type: /v1, Kind=Secret"]);
  });
});
