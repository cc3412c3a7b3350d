// Bodies of the wrong type through `podflow serve`: decoded by schema before anything reads them,
// answered as kube-apiserver answers them, the server still serving and nothing stored.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { raw, serve, type Served } from "./serve-helpers.js";

let s: Served;
beforeAll(async () => {
  s = await serve({ nodes: 1, speed: 10 });
});
afterAll(async () => {
  await s?.stop();
});

const admin = () => ({ token: s.cluster.adminToken });
const pod = (name: string, spec: object = {}, metadata: object = {}) => ({
  apiVersion: "v1", kind: "Pod", metadata: { name, ...metadata }, spec: { containers: [{ name: "c", image: "nginx" }], ...spec },
});
const deploy = (name: string, replicas: unknown) => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
});
const pods = "/api/v1/namespaces/default/pods";
const deployments = "/apis/apps/v1/namespaces/default/deployments";
const services = "/api/v1/namespaces/default/services";

async function expectNotStored(path: string): Promise<void> {
  const got = await raw(s, "GET", path, admin());
  expect(got.code, `${path} was stored`).toBe(404);
}

describe("a create whose body has a field of the wrong type is a 400 decoding error, and the server serves on", () => {
  // Each of these reached admission or validation code that assumed types, and stopped the server.
  const cases: [string, string, string, object, string][] = [
    ["tolerations given an object", pods, "d-tol", pod("d-tol", { tolerations: {} }),
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal object into Go struct field PodSpec.spec.tolerations of type []v1.Toleration'],
    ["finalizers given a number", pods, "d-fin", pod("d-fin", {}, { finalizers: 5 }),
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.finalizers of type []string'],
    ["a label value given a number", pods, "d-lab", pod("d-lab", {}, { labels: { a: 1 } }),
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string'],
    ["annotations given an array", pods, "d-ann", pod("d-ann", {}, { annotations: ["a"] }),
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal array into Go struct field ObjectMeta.metadata.annotations of type map[string]string'],
    ["containers given an object", pods, "d-cobj", { ...pod("d-cobj"), spec: { containers: { name: "c", image: "nginx" } } },
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container'],
    ["a containerPort given a string", pods, "d-port", { ...pod("d-port"), spec: { containers: [{ name: "c", image: "nginx", ports: [{ containerPort: "80" }] }] } },
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32'],
    ["restartPolicy given a number", pods, "d-rp", pod("d-rp", { restartPolicy: 5 }),
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field PodSpec.spec.restartPolicy of type v1.RestartPolicy'],
    ["terminationGracePeriodSeconds given 1.5", pods, "d-tgps", pod("d-tgps", { terminationGracePeriodSeconds: 1.5 }),
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number 1.5 into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64'],
    ["nodeSelector given an array", pods, "d-ns", pod("d-ns", { nodeSelector: ["a"] }),
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal array into Go struct field PodSpec.spec.nodeSelector of type map[string]string'],
    ["a Deployment's replicas given a string", deployments, "d-rs", deploy("d-rs", "3"),
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'],
    ["a Deployment's replicas past int32", deployments, "d-big", deploy("d-big", 2147483648),
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number 2147483648 into Go struct field DeploymentSpec.spec.replicas of type int32'],
    ["a Service's ports given an object", services, "d-svc", { apiVersion: "v1", kind: "Service", metadata: { name: "d-svc" }, spec: { ports: { port: 80 } } },
      'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal object into Go struct field ServiceSpec.spec.ports of type []v1.ServicePort'],
  ];
  for (const [name, path, objName, body, message] of cases) {
    it(`${name}: ${message}`, async () => {
      const got = await raw(s, "POST", path, { ...admin(), body: JSON.stringify(body) });
      expect(got.code).toBe(400);
      expect(JSON.parse(got.body)).toMatchObject({ kind: "Status", status: "Failure", reason: "BadRequest", code: 400, message });
      expect((await raw(s, "GET", "/version")).code).toBe(200);
      await expectNotStored(`${path}/${objName}`);
    });
  }

  it("authorization comes first: an anonymous wrong-typed create is Forbidden, not a decoding error", async () => {
    const got = await raw(s, "POST", pods, { body: JSON.stringify(pod("d-anon", { tolerations: {} })) });
    expect(got.code).toBe(403);
    expect(JSON.parse(got.body).message).toBe('pods is forbidden: User "system:anonymous" cannot create resource "pods" in API group "" in the namespace "default"');
    const strict = await raw(s, "POST", `${pods}?fieldValidation=Loose`, { body: JSON.stringify(pod("d-anon")) });
    expect(strict.code).toBe(403);
  });

  it("containers: [null] decodes to one empty container, which validation refuses (422), not the decoder", async () => {
    const got = await raw(s, "POST", pods, { ...admin(), body: JSON.stringify({ ...pod("d-null"), spec: { containers: [null] } }) });
    expect(got.code).toBe(422);
    expect(JSON.parse(got.body).message).toContain("spec.containers[0].name: Required value");
    expect((await raw(s, "GET", "/version")).code).toBe(200);
    await expectNotStored(`${pods}/d-null`);
  });

  it("a YAML body is decoded the same way", async () => {
    const yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: d-yaml\nspec:\n  containers:\n  - name: c\n    image: nginx\n  tolerations: {}\n";
    const got = await raw(s, "POST", pods, { ...admin(), body: yaml, headers: { "Content-Type": "application/yaml" } });
    expect(got.code).toBe(400);
    expect(JSON.parse(got.body).message).toBe('Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal object into Go struct field PodSpec.spec.tolerations of type []v1.Toleration');
  });

  it("a number written 3.0 is no int32, as Go reads the literal", async () => {
    const body = JSON.stringify(deploy("d-lit", 7)).replace('"replicas":7', '"replicas":3.0');
    const got = await raw(s, "POST", deployments, { ...admin(), body });
    expect(JSON.parse(got.body).message).toBe('Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number 3.0 into Go struct field DeploymentSpec.spec.replicas of type int32');
  });

  it("a body that is no object fails in Interpret, before the typed decode", async () => {
    const got = await raw(s, "POST", pods, { ...admin(), body: "[1]" });
    expect(got.code).toBe(400);
    expect(JSON.parse(got.body).message).toBe(
      'the object provided is unrecognized (must be of type Pod): couldn\'t get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" } (5b315d)');
  });

  it("an update (PUT) of the wrong type is refused the same way and leaves the object as it was", async () => {
    expect((await raw(s, "POST", pods, { ...admin(), body: JSON.stringify(pod("d-put")) })).code).toBe(201);
    const got = await raw(s, "PUT", `${pods}/d-put`, { ...admin(), body: JSON.stringify(pod("d-put", { activeDeadlineSeconds: "10" })) });
    expect(got.code).toBe(400);
    expect(JSON.parse(got.body).message).toBe('Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.activeDeadlineSeconds of type int64');
    const stored = JSON.parse((await raw(s, "GET", `${pods}/d-put`, admin())).body);
    expect(stored.spec.activeDeadlineSeconds).toBeUndefined();
  });

  it("a Scale body of the wrong type is a Scale decoding error", async () => {
    expect((await raw(s, "POST", deployments, { ...admin(), body: JSON.stringify(deploy("d-scale", 1)) })).code).toBe(201);
    const got = await raw(s, "PUT", `${deployments}/d-scale/scale`, { ...admin(), body: JSON.stringify({ apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "d-scale" }, spec: { replicas: 2147483648 } }) });
    expect(got.code).toBe(400);
    expect(JSON.parse(got.body).message).toBe('Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal number 2147483648 into Go struct field ScaleSpec.spec.replicas of type int32');
  });

  it("a DeleteOptions body of the wrong type is the delete handler's unwrapped error (500, no reason)", async () => {
    expect((await raw(s, "POST", pods, { ...admin(), body: JSON.stringify(pod("d-del")) })).code).toBe(201);
    const body = JSON.stringify({ gracePeriodSeconds: "0" });
    const got = await raw(s, "DELETE", `${pods}/d-del`, { ...admin(), body, headers: { "Content-Length": String(body.length) } });
    expect(got.code).toBe(500);
    const st = JSON.parse(got.body);
    expect(st).toMatchObject({ kind: "Status", status: "Failure", code: 500, message: "json: cannot unmarshal string into Go struct field DeleteOptions.gracePeriodSeconds of type int64" });
    expect(st.reason).toBeUndefined();
    expect((await raw(s, "GET", `${pods}/d-del`, admin())).code).toBe(200);
  });
});

describe("unknown fields follow fieldValidation", () => {
  it("Strict refuses them with the strict decoding error", async () => {
    const body = JSON.stringify({ ...pod("f-strict"), spec: { containers: [{ name: "c", image: "nginx", foo: 1 }], bar: true } });
    const got = await raw(s, "POST", `${pods}?fieldValidation=Strict`, { ...admin(), body });
    expect(got.code).toBe(400);
    expect(JSON.parse(got.body).message).toBe('Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].foo", unknown field "spec.bar"');
    await expectNotStored(`${pods}/f-strict`);
  });

  it("Warn (the default) stores the object without them and says so in Warning headers", async () => {
    const body = JSON.stringify({ ...pod("f-warn"), spec: { containers: [{ name: "c", image: "nginx" }], bar: true } });
    const got = await raw(s, "POST", pods, { ...admin(), body });
    expect(got.code).toBe(201);
    expect(got.headers.warning).toBe('299 - "unknown field \\"spec.bar\\""');
    expect(JSON.parse(got.body).spec.bar).toBeUndefined();
  });

  it("Ignore drops them silently", async () => {
    const body = JSON.stringify({ ...pod("f-ignore"), spec: { containers: [{ name: "c", image: "nginx" }], bar: true } });
    const got = await raw(s, "POST", `${pods}?fieldValidation=Ignore`, { ...admin(), body });
    expect(got.code).toBe(201);
    expect(got.headers.warning).toBeUndefined();
    expect(JSON.parse(got.body).spec.bar).toBeUndefined();
  });

  it("any other value is a 422 of the options", async () => {
    const got = await raw(s, "POST", `${pods}?fieldValidation=Loose`, { ...admin(), body: JSON.stringify(pod("f-bad")) });
    expect(got.code).toBe(422);
    expect(JSON.parse(got.body).message).toBe('CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loose": supported values: "", "Ignore", "Strict", "Warn"');
  });
});

// A YAML body goes through sigs.k8s.io/yaml's YAMLToJSON (go-yaml's lenient decoding: a repeated key
// keeps its last value); the json serializer's strict unmarshal then runs YAMLToJSONStrict on the
// original bytes and puts its yaml.TypeError before the JSON decoder's strict errors, and the create
// handler's addStrictDecodingWarnings makes one warning of each of the TypeError's lines.
describe("a YAML body that repeats a key follows fieldValidation as kube-apiserver's serializer does", () => {
  const yaml = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  name: ${name}-last\ndata:\n  a: "1"\nbogus: 1\n`;
  const configmaps = "/api/v1/namespaces/default/configmaps";
  const headers = { "Content-Type": "application/yaml" };

  it("Warn (the default) stores it with the last value and warns of the repeated key, then of the unknown field", async () => {
    const got = await raw(s, "POST", configmaps, { ...admin(), body: yaml("y-warn"), headers });
    expect(got.code).toBe(201);
    expect(JSON.parse(got.body).metadata.name).toBe("y-warn-last");
    expect(got.headers.warning).toBe('299 - "line 5: key \\"name\\" already set in map", 299 - "unknown field \\"bogus\\""');
  });

  it("Strict refuses it with the YAML error first, nothing stored", async () => {
    const got = await raw(s, "POST", `${configmaps}?fieldValidation=Strict`, { ...admin(), body: yaml("y-strict"), headers });
    expect(got.code).toBe(400);
    expect(JSON.parse(got.body)).toMatchObject({
      reason: "BadRequest",
      message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: yaml: unmarshal errors:\n  line 5: key "name" already set in map, unknown field "bogus"',
    });
    await expectNotStored(`${configmaps}/y-strict-last`);
    await expectNotStored(`${configmaps}/y-strict`);
  });

  it("Ignore stores it with the last value, silently", async () => {
    const got = await raw(s, "POST", `${configmaps}?fieldValidation=Ignore`, { ...admin(), body: yaml("y-ignore"), headers });
    expect(got.code).toBe(201);
    expect(JSON.parse(got.body).metadata.name).toBe("y-ignore-last");
    expect(got.headers.warning).toBeUndefined();
  });

  it("an update (PUT) is judged the same way", async () => {
    const body = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y-warn-last\ndata:\n  a: "1"\n  a: "2"\n`;
    const got = await raw(s, "PUT", `${configmaps}/y-warn-last?fieldValidation=Strict`, { ...admin(), body, headers });
    expect(got.code).toBe(400);
    expect(JSON.parse(got.body).message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: yaml: unmarshal errors:\n  line 7: key "a" already set in map');
    const kept = await raw(s, "PUT", `${configmaps}/y-warn-last`, { ...admin(), body, headers });
    expect(kept.code).toBe(200);
    expect(JSON.parse(kept.body).data).toEqual({ a: "2" });
  });
});

describe("a patch whose result has a field of the wrong type is a 422 of the patch, and the server serves on", () => {
  beforeAll(async () => {
    expect((await raw(s, "POST", deployments, { ...admin(), body: JSON.stringify(deploy("p-dep", 1)) })).code).toBe(201);
    expect((await raw(s, "POST", pods, { ...admin(), body: JSON.stringify(pod("p-pod")) })).code).toBe(201);
  });
  const patch = (path: string, type: string, body: unknown, query = "") =>
    raw(s, "PATCH", `${path}${query}`, { ...admin(), body: JSON.stringify(body), headers: { "Content-Type": `application/${type}+json` } });

  it("a strategic merge patch is converted from maps: tolerations given an object", async () => {
    const got = await patch(`${pods}/p-pod`, "strategic-merge-patch", { spec: { tolerations: {} } });
    expect(got.code).toBe(422);
    expect(JSON.parse(got.body)).toMatchObject({
      reason: "Invalid",
      message: ' "" is invalid: patch: Invalid value: "map[spec:map[tolerations:map[]]]": cannot restore slice from map',
      details: { causes: [{ reason: "FieldValueInvalid", field: "patch" }] },
    });
    expect((await raw(s, "GET", `${pods}/p-pod`, admin())).code).toBe(200);
  });

  it("a strategic merge patch: replicas given a string is an unrecognized int32", async () => {
    const got = await patch(`${deployments}/p-dep`, "strategic-merge-patch", { spec: { replicas: "3" } });
    expect(got.code).toBe(422);
    expect(JSON.parse(got.body).message).toBe(' "" is invalid: patch: Invalid value: "map[spec:map[replicas:3]]": unrecognized type: int32');
  });

  it("a merge patch re-decodes the patched JSON with the JSON decoder's message", async () => {
    const got = await patch(`${deployments}/p-dep`, "merge-patch", { spec: { replicas: "3" } });
    expect(got.code).toBe(422);
    const message: string = JSON.parse(got.body).message;
    expect(message.startsWith(' "" is invalid: patch: Invalid value: "{')).toBe(true);
    expect(message.endsWith('": json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32')).toBe(true);
  });

  it("a JSON patch too, and the object is unchanged afterwards", async () => {
    const got = await patch(`${pods}/p-pod`, "json-patch", [{ op: "add", path: "/metadata/labels", value: { a: 1 } }]);
    expect(got.code).toBe(422);
    expect(JSON.parse(got.body).message).toMatch(/": json: cannot unmarshal number into Go struct field ObjectMeta\.metadata\.labels of type string$/);
    const stored = JSON.parse((await raw(s, "GET", `${pods}/p-pod`, admin())).body);
    expect(stored.metadata.labels).toBeUndefined();
  });

  it("a patch adding an unknown field: Strict refuses it, Warn drops it with a warning", async () => {
    const strict = await patch(`${pods}/p-pod`, "merge-patch", { spec: { foo: 1 } }, "?fieldValidation=Strict");
    expect(strict.code).toBe(422);
    expect(JSON.parse(strict.body).message).toMatch(/": strict decoding error: unknown field "spec\.foo"$/);
    const warn = await patch(`${pods}/p-pod`, "merge-patch", { metadata: { labels: { a: "b" } }, spec: { foo: 1 } });
    expect(warn.code).toBe(200);
    expect(warn.headers.warning).toBe('299 - "unknown field \\"spec.foo\\""');
    const stored = JSON.parse(warn.body);
    expect(stored.metadata.labels).toEqual({ a: "b" });
    expect(stored.spec.foo).toBeUndefined();
  });
});

// handlers/patch.go applyPatch runs checkName (handlers/rest.go) on the patched object: a patch that
// leaves no name is "the name of the object (<URL name> based on URL) was undeterminable", with
// errEmptyName's "name must be provided"; podflow put the old name back and stored the rest.
describe("a patch that takes the object's name away is checkName's 400, and the object is unchanged", () => {
  const cm = "/api/v1/namespaces/default/configmaps";
  it.each([
    ["a strategic merge patch {$patch: delete}", "application/strategic-merge-patch+json", '{"$patch":"delete"}'],
    ["a strategic merge patch {$patch: replace}", "application/strategic-merge-patch+json", '{"$patch":"replace","data":{"b":"2"}}'],
    ["a strategic merge patch deleting metadata", "application/strategic-merge-patch+json", '{"metadata":{"$patch":"delete"}}'],
    ["a merge patch of metadata: null", "application/merge-patch+json", '{"metadata":null}'],
    ["a merge patch of an empty name", "application/merge-patch+json", '{"metadata":{"name":""}}'],
    ["a JSON patch removing /metadata", "application/json-patch+json", '[{"op":"remove","path":"/metadata"}]'],
    ["a JSON patch replacing the whole object", "application/json-patch+json", '[{"op":"replace","path":"","value":{"data":{"b":"2"}}}]'],
  ])("%s", async (_n, type, patch) => {
    const name = `noname-${type.split("/")[1]!.split("-")[0]}-${patch.length}`;
    expect((await raw(s, "POST", cm, { ...admin(), body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { a: "1" } }) })).code).toBe(201);
    const before = JSON.parse((await raw(s, "GET", `${cm}/${name}`, admin())).body);
    const got = await raw(s, "PATCH", `${cm}/${name}`, { ...admin(), body: patch, headers: { "Content-Type": type } });
    expect([got.code, JSON.parse(got.body)]).toEqual([400, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `the name of the object (${name} based on URL) was undeterminable: name must be provided`, reason: "BadRequest", code: 400 }]);
    expect(JSON.parse((await raw(s, "GET", `${cm}/${name}`, admin())).body)).toEqual(before);
  });
});

describe("a subresource serves only the verbs its REST storage implements: any other method is 405 before the body is read", () => {
  const notAllowed = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server does not allow this method on the requested resource", reason: "MethodNotAllowed", details: {}, code: 405 };
  it.each([
    ["PUT", `${pods}/web/binding`], ["DELETE", `${pods}/web/binding`], ["GET", `${pods}/web/binding`], ["PATCH", `${pods}/web/binding`],
    ["PUT", `${pods}/web/eviction`], ["GET", `${pods}/web/eviction`],
    ["POST", `${pods}/web/status`], ["DELETE", `${pods}/web/status`],
    ["POST", `${deployments}/web/scale`], ["DELETE", `${deployments}/web/scale`],
    ["POST", `${pods}/web/ephemeralcontainers`], ["DELETE", `${pods}/web/ephemeralcontainers`],
    ["GET", "/api/v1/namespaces/default/finalize"], ["POST", "/api/v1/namespaces/default/finalize"],
  ])("%s %s is 405 MethodNotAllowed, with a body that would not even decode", async (method, path) => {
    const r = await raw(s, method, path, { ...admin(), body: '{"a":', headers: { "Content-Type": "application/json", "Content-Length": "5" } });
    expect({ code: r.code, body: r.body ? JSON.parse(r.body) : r.body }).toEqual({ code: 405, body: notAllowed });
  });

  it("the verbs a subresource does serve still decode the body: a malformed binding is 400", async () => {
    const r = await raw(s, "POST", `${pods}/web/binding`, { ...admin(), body: '{"a":', headers: { "Content-Type": "application/json" } });
    expect(r.code).toBe(400);
  });
});
