import { describe, expect, it } from "vitest";
import { createCluster, ApiError } from "../index.js";

const pod = `apiVersion: v1
kind: Pod
metadata:
  name: web-0
spec:
  containers:
  - name: nginx
    image: nginx:1.27
`;

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe("createCluster: a pod applied, settled and read back", () => {
  it("is stored with uid, resourceVersion, creationTimestamp and every default the API server sets", async () => {
    const c = createCluster({ nodes: 2, seed: 7, clock: "simulated" });
    const [res] = await c.apply(pod);
    expect(res!.action).toBe("created");
    await c.settle();
    const p = c.get("Pod", "web-0", "default");
    expect(p.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(p.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(p.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(p.metadata.namespace).toBe("default");
    expect(p.spec).toMatchObject({
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      dnsPolicy: "ClusterFirst",
      schedulerName: "default-scheduler",
      serviceAccountName: "default",
      priority: 0,
      enableServiceLinks: true,
    });
    expect(p.spec.containers[0].imagePullPolicy).toBe("IfNotPresent");
    expect(p.spec.tolerations).toEqual([
      { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
    ]);
    expect(p.status.qosClass).toBe("BestEffort");
    await c.stop();
  });

  it("defaults imagePullPolicy to Always for :latest and for an image without a tag", async () => {
    const c = createCluster({ nodes: 1, seed: 1 });
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "a", image: "nginx" }, { name: "b", image: "nginx:latest" }, { name: "c", image: "nginx:1.27" }] } });
    const p = c.get("Pod", "p");
    expect(p.spec.containers.map((x: any) => x.imagePullPolicy)).toEqual(["Always", "Always", "IfNotPresent"]);
  });
});

describe("bad input is refused with a Status and nothing is stored", () => {
  const cases: Array<[string, string | object, number, string | RegExp]> = [
    ["malformed YAML", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n", 400, /error converting YAML to JSON/],
    ["an unknown kind", { apiVersion: "v1", kind: "Pot", metadata: { name: "x" } }, 404, /no matches for kind "Pot" in version "v1"/],
    ["a pod with no name", { apiVersion: "v1", kind: "Pod", metadata: {}, spec: { containers: [{ name: "a", image: "nginx" }] } }, 400, /resource name may not be empty/],
    ["a pod named Bad_Name", { apiVersion: "v1", kind: "Pod", metadata: { name: "Bad_Name" }, spec: { containers: [{ name: "a", image: "nginx" }] } }, 422, 'Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')'],
    ["a pod without containers", { apiVersion: "v1", kind: "Pod", metadata: { name: "empty" }, spec: { containers: [] } }, 422, /spec.containers: Required value/],
    ["a pod in a namespace that does not exist", { apiVersion: "v1", kind: "Pod", metadata: { name: "x", namespace: "nope" }, spec: { containers: [{ name: "a", image: "nginx" }] } }, 404, 'namespaces "nope" not found'],
  ];
  for (const [what, input, code, message] of cases) {
    it(`refuses ${what}`, async () => {
      const c = createCluster({ nodes: 1, seed: 3 });
      const keys = () => [...c.runtime.snapshot("etcd").context.kv.keys()].filter((k: string) => !k.startsWith("/registry/leases/") && !k.startsWith("/registry/events/") && !k.startsWith("/registry/minions/"));
      await c.settle();
      const before = keys();
      const e = await refusal(c.apply(input as any));
      expect(e.status.kind).toBe("Status");
      expect(e.status.status).toBe("Failure");
      expect(e.status.code).toBe(code);
      if (typeof message === "string") expect(e.status.message).toBe(message);
      else expect(e.status.message).toMatch(message);
      await c.settle();
      expect(c.list("Pod")).toEqual([]);
      expect(keys()).toEqual(before);
    });
  }

  it("gives validation errors field causes", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    const e = await refusal(c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "Bad_Name" }, spec: { containers: [{ name: "a", image: "nginx" }] } }));
    expect(e.status.reason).toBe("Invalid");
    expect(e.status.details?.causes?.[0]).toMatchObject({ reason: "FieldValueInvalid", field: "metadata.name" });
  });

  it("answers a second create of the same name with AlreadyExists", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.apply(pod);
    const res = c.requestSync({ verb: "create", group: "", resource: "pods", namespace: "default", body: { apiVersion: "v1", kind: "Pod", metadata: { name: "web-0" }, spec: { containers: [{ name: "a", image: "nginx" }] } } });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.status).toMatchObject({ code: 409, reason: "AlreadyExists", message: 'pods "web-0" already exists' });
  });

  it("finds a taken name only after validation and admission, as storage does (store.go Create)", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.apply(pod);
    const create = (spec: object, dryRun?: boolean) => c.requestSync({ verb: "create", group: "", resource: "pods", namespace: "default", ...(dryRun ? { dryRun } : {}), body: { apiVersion: "v1", kind: "Pod", metadata: { name: "web-0" }, spec } });
    // an invalid object under a taken name is refused as invalid, not as taken
    const invalid = create({ containers: [{ name: "A_B", image: "nginx" }] });
    expect(!invalid.ok && invalid.status).toMatchObject({ code: 422, reason: "Invalid" });
    // a dry run finds the name taken, as the real create would
    const dry = create({ containers: [{ name: "a", image: "nginx" }] }, true);
    expect(!dry.ok && dry.status).toMatchObject({ code: 409, reason: "AlreadyExists", message: 'pods "web-0" already exists' });
    // the holder being deleted is named in the message
    c.requestSync({ verb: "patch", group: "", resource: "pods", namespace: "default", name: "web-0", patchType: "merge", body: { metadata: { finalizers: ["example.com/hold"] } } });
    c.requestSync({ verb: "delete", group: "", resource: "pods", namespace: "default", name: "web-0", gracePeriodSeconds: 0 });
    expect(c.get("Pod", "web-0").metadata.deletionTimestamp).toBeDefined();
    const deleting = create({ containers: [{ name: "a", image: "nginx" }] });
    expect(!deleting.ok && deleting.status).toMatchObject({ code: 409, reason: "AlreadyExists", message: 'object is being deleted: pods "web-0" already exists' });
  });

  it("sends the strategy's warnings with the AlreadyExists of a taken name", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.apply(pod);
    const res = c.requestSync({ verb: "create", group: "", resource: "pods", namespace: "default", body: { apiVersion: "v1", kind: "Pod", metadata: { name: "web-0" }, spec: { nodeSelector: { "beta.kubernetes.io/os": "linux" }, containers: [{ name: "a", image: "nginx" }] } } });
    expect(!res.ok && res.status).toMatchObject({ code: 409, reason: "AlreadyExists", message: 'pods "web-0" already exists' });
    expect(res.warnings).toEqual(['spec.nodeSelector[beta.kubernetes.io/os]: deprecated since v1.14; use "kubernetes.io/os" instead']);
  });

  it("keeps no allocation of a refused Service create: the next Service gets what it would have got without it", async () => {
    const service = (name: string) => ({ apiVersion: "v1", kind: "Service", metadata: { name }, spec: { type: "NodePort", selector: { app: name }, ports: [{ port: 80 }] } });
    const create = (c: ReturnType<typeof createCluster>, name: string) => c.requestSync({ verb: "create", group: "", resource: "services", namespace: "default", body: service(name) });
    const addresses = (res: ReturnType<typeof create>) => (res.ok ? { clusterIP: res.object.spec.clusterIP, nodePort: res.object.spec.ports[0].nodePort } : res.status);
    // the same seed, the same requests but the refused ones
    const plain = createCluster({ nodes: 1, seed: 5 });
    const refused = createCluster({ nodes: 1, seed: 5 });
    expect(addresses(create(refused, "a"))).toEqual(addresses(create(plain, "a")));
    // a taken name, found by storage once the addresses were allocated (store.go Create, txn.Revert)
    expect(!create(refused, "a").ok).toBe(true);
    // refused by quota admission, after the allocation too (default holds the kubernetes Service and a)
    await refused.apply({ apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "svc" }, spec: { hard: { services: "1" } } });
    // the quota controller writes its status.used, which admission charges against
    await refused.settle();
    const overQuota = create(refused, "b");
    expect(!overQuota.ok && overQuota.status).toMatchObject({ code: 403, reason: "Forbidden", message: 'services "b" is forbidden: exceeded quota: svc, requested: services=1, used: services=2, limited: services=1' });
    refused.requestSync({ verb: "delete", group: "", resource: "resourcequotas", namespace: "default", name: "svc" });
    const next = addresses(create(plain, "b"));
    expect(next).toMatchObject({ clusterIP: expect.stringMatching(/^10\.(9[6-9]|10[0-9]|11[01])\./), nodePort: expect.any(Number) });
    expect(addresses(create(refused, "b"))).toEqual(next);
  });

  it("answers an update with a stale resourceVersion with Conflict", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg" }, data: { a: "1" } });
    const cm = c.get("ConfigMap", "cfg");
    const ok = c.requestSync({ verb: "update", group: "", resource: "configmaps", namespace: "default", name: "cfg", body: { ...cm, data: { a: "2" } } });
    expect(ok.ok).toBe(true);
    const stale = c.requestSync({ verb: "update", group: "", resource: "configmaps", namespace: "default", name: "cfg", body: { ...cm, data: { a: "3" } } });
    expect(stale.ok).toBe(false);
    if (!stale.ok) expect(stale.status.message).toBe('Operation cannot be fulfilled on configmaps "cfg": the object has been modified; please apply your changes to the latest version and try again');
    expect(c.get("ConfigMap", "cfg").data).toEqual({ a: "2" });
  });
});

describe("determinism", () => {
  async function traceOf(seed: number): Promise<string> {
    const c = createCluster({ nodes: 3, seed });
    for (let i = 0; i < 5; i++) await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: `p-${i}` }, spec: { containers: [{ name: "a", image: "nginx:1.27" }] } });
    await c.settle();
    const t = c.runtime.traceJsonl();
    await c.stop();
    return t;
  }

  it("two runs with the same seed give the same trace, byte for byte", async () => {
    expect(await traceOf(11)).toBe(await traceOf(11));
  });

  it("runs with different seeds may differ", async () => {
    const traces = new Set<string>();
    for (const s of [1, 2, 3, 4]) traces.add(await traceOf(s));
    expect(traces.size).toBeGreaterThan(1);
  });
});
