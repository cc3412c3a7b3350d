import { describe, expect, it } from "vitest";
import { applyConfig, capUpdateManagers, conflictStatus, decodeManagedFields, managerId, managerOrUserAgent, trackUpdate, type ApplyContext, type ManagerEntry } from "./fieldmanager.js";
import { fromFieldsV1, pathString, setOf, toFieldsV1 } from "./fieldset.js";
import { deepFreeze } from "../../common/equal.js";


const T0 = "2026-01-01T00:00:00Z", T1 = "2026-01-01T00:01:00Z", T2 = "2026-01-01T00:02:00Z";
const deployCtx = (manager: string, now = T1, force = false): ApplyContext => ({
  kind: "Deployment", type: "apps/v1.Deployment", apiVersion: "apps/v1", manager, subresource: "", now, force,
  reset: setOf([["f:status"]]),
});
const cmCtx = (manager: string, now = T1, force = false): ApplyContext => ({ kind: "ConfigMap", type: "core/v1.ConfigMap", apiVersion: "v1", manager, subresource: "", now, force });

const deployment = (replicas: number | undefined, containers: any[], labels: Record<string, string> = { app: "nginx" }) => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default", labels },
  spec: {
    ...(replicas !== undefined ? { replicas } : {}),
    selector: { matchLabels: { app: "nginx" } },
    template: { metadata: { labels: { app: "nginx" } }, spec: { containers } },
  },
});

function apply(live: any, config: any, ctx: ApplyContext): any {
  const res = applyConfig(live === undefined ? undefined : deepFreeze(structuredClone(live)), deepFreeze(structuredClone(config)), ctx);
  if (!res.ok) throw new Error(res.status.message);
  return res.object;
}

const fieldsOf = (obj: any, manager: string, operation = "Apply") => obj.metadata.managedFields.find((e: any) => e.manager === manager && e.operation === operation)?.fieldsV1;
const managers = (obj: any) => (obj.metadata.managedFields ?? []).map((e: any) => `${e.manager}/${e.operation}${e.subresource ? `/${e.subresource}` : ""}`);

describe("conflict errors (k8s.io/apimachinery managedfields/internal conflict_test.go)", () => {
  it("one conflict names its manager, version and time, and the field", () => {
    const st = conflictStatus([{ managerId: `{"manager":"foo","operation":"Update","apiVersion":"v1","time":"2001-02-03T04:05:06Z"}`, path: ["f:spec", "f:replicas"] }]);
    expect(st).toMatchObject({
      code: 409, reason: "Conflict", status: "Failure",
      message: `Apply failed with 1 conflict: conflict with "foo" using v1 at 2001-02-03T04:05:06Z: .spec.replicas`,
      details: { causes: [{ reason: "FieldManagerConflict", message: `conflict with "foo" using v1 at 2001-02-03T04:05:06Z`, field: ".spec.replicas" }] },
    });
  });
  it("several conflicts are grouped by manager, managers sorted", () => {
    const st = conflictStatus([
      { managerId: `{"manager":"foo","operation":"Update","apiVersion":"v1","time":"2001-02-03T04:05:06Z"}`, path: ["f:spec", "f:replicas"] },
      { managerId: `{"manager":"bar","operation":"Apply"}`, path: ["f:metadata", "f:labels", "f:app"] },
    ]);
    expect(st.message).toBe(`Apply failed with 2 conflicts: conflicts with "bar":\n- .metadata.labels.app\nconflicts with "foo" using v1 at 2001-02-03T04:05:06Z:\n- .spec.replicas`);
    expect(st.details!.causes!.map((c) => c.message)).toEqual([`conflict with "foo" using v1 at 2001-02-03T04:05:06Z`, `conflict with "bar"`]);
  });
  it("a subresource's manager is named with it", () => {
    const st = conflictStatus([{ managerId: `{"manager":"foo","operation":"Update","subresource":"scale","apiVersion":"v1","time":"2001-02-03T04:05:06Z"}`, path: ["f:spec", "f:replicas"] }]);
    expect(st.message).toBe(`Apply failed with 1 conflict: conflict with "foo" with subresource "scale" using v1 at 2001-02-03T04:05:06Z: .spec.replicas`);
  });
});

describe("field paths and FieldsV1", () => {
  it("prints keys, values and indexes as fieldpath.Path.String does", () => {
    expect(pathString(["f:spec", "f:containers", 'k:{"name":"app"}', "f:image"])).toBe('.spec.containers[name="app"].image');
    expect(pathString(["f:spec", "f:ports", 'k:{"containerPort":80,"protocol":"TCP"}'])).toBe('.spec.ports[containerPort=80,protocol="TCP"]');
    expect(pathString(["f:metadata", "f:finalizers", 'v:"a"'])).toBe('.metadata.finalizers[="a"]');
  });
  it("reads the docs' ConfigMap entry and writes it back with '.' for a member that has children", () => {
    const v1 = { "f:metadata": { "f:labels": { "f:test-label": {} } }, "f:data": { "f:key": {} } };
    expect(toFieldsV1(fromFieldsV1(v1))).toEqual({ "f:data": { "f:key": {} }, "f:metadata": { "f:labels": { "f:test-label": {} } } });
    const item = { "f:spec": { "f:containers": { 'k:{"name":"a"}': { ".": {}, "f:image": {} } } } };
    expect(toFieldsV1(fromFieldsV1(item))).toEqual(item);
  });
  it("refuses a path element of no known kind", () => {
    expect(() => fromFieldsV1({ "x:y": {} })).toThrow();
    expect(() => fromFieldsV1({ 'k:{"name":': {} })).toThrow();
    expect(() => fromFieldsV1("garbage")).toThrow();
  });
});

describe("managedFields entries (managedfields.go)", () => {
  it("refuses an unknown operation, a missing apiVersion and a fieldsType other than FieldsV1", () => {
    expect(() => decodeManagedFields([{ manager: "m", operation: "Patch", apiVersion: "v1", fieldsType: "FieldsV1" }])).toThrow("operation must be `Apply` or `Update`");
    expect(() => decodeManagedFields([{ manager: "m", operation: "Update", fieldsType: "FieldsV1" }])).toThrow("apiVersion must not be empty");
    expect(() => decodeManagedFields([{ manager: "m", operation: "Update", apiVersion: "v1" }])).toThrow("missing fieldsType in managed fields entry 0");
    expect(() => decodeManagedFields([{ manager: "m", operation: "Update", apiVersion: "v1", fieldsType: "FieldsV2" }])).toThrow('invalid fieldsType "FieldsV2" in managed fields entry 0');
  });
  it("identifies an applier without its apiVersion and an updater with it (BuildManagerIdentifier)", () => {
    expect(managerId({ manager: "kubectl", operation: "Apply", apiVersion: "apps/v1" })).toBe('{"manager":"kubectl","operation":"Apply"}');
    expect(managerId({ manager: "kubelet", operation: "Update", apiVersion: "v1", subresource: "status" })).toBe('{"manager":"kubelet","operation":"Update","apiVersion":"v1","subresource":"status"}');
  });
  it("names a manager by the product of the User-Agent when the request names none (prefixFromUserAgent)", () => {
    expect(managerOrUserAgent("", "kubectl/v1.32.4 (linux/amd64) kubernetes/abc")).toBe("kubectl");
    expect(managerOrUserAgent(undefined, "kube-controller-manager/v1.35.0 (linux/amd64) kubernetes/abc/deployment-controller")).toBe("kube-controller-manager");
    expect(managerOrUserAgent("kubectl-edit", "kubectl/v1.32.4")).toBe("kubectl-edit");
    expect(managerOrUserAgent(undefined, "a\u0007b/1")).toBe("ab");
    expect(managerOrUserAgent(undefined, "x".repeat(300)).length).toBe(128);
  });
  it("merges the oldest of more than ten Update managers into ancient-changes (capmanagers_test.go)", () => {
    const m = new Map<string, ManagerEntry>();
    for (let i = 0; i < 12; i++) {
      const e: ManagerEntry = { manager: `m${i}`, operation: "Update", apiVersion: "v1", time: `2026-01-01T00:00:${String(i).padStart(2, "0")}Z`, set: setOf([["f:data", `f:k${i}`]]) };
      m.set(managerId(e), e);
    }
    const capped = capUpdateManagers(m);
    expect(capped.size).toBe(10);
    const ancient = [...capped.values()].find((e) => e.manager === "ancient-changes")!;
    expect(toFieldsV1(ancient.set)).toEqual({ "f:data": { "f:k0": {}, "f:k1": {}, "f:k2": {} } });
    expect(ancient.time).toBe("2026-01-01T00:00:02Z");
    expect([...capped.values()].some((e) => e.manager === "m0" || e.manager === "m2")).toBe(false);
  });
});

describe("Update: every write records what it changed for its manager", () => {
  const cm = (data: Record<string, string>, managedFields?: unknown) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "default", ...(managedFields !== undefined ? { managedFields } : {}) }, data });
  const wc = (manager: string, now: string) => ({ type: "core/v1.ConfigMap", apiVersion: "v1", manager, subresource: "", now });

  it("a create records every field the object sets, a map it creates with '.'; an update moves the fields it changed to its manager without conflict", () => {
    const created = cm({ a: "1", b: "2" });
    const mf1 = trackUpdate(undefined, created, wc("kubectl-create", T0))!;
    expect(mf1).toEqual([{ manager: "kubectl-create", operation: "Update", apiVersion: "v1", time: T0, fieldsType: "FieldsV1", fieldsV1: { "f:data": { ".": {}, "f:a": {}, "f:b": {} } } }]);
    const stored = { ...created, metadata: { ...created.metadata, managedFields: mf1 } };
    const mf2 = trackUpdate(stored, cm({ a: "changed", b: "2", c: "3" }), wc("kubectl-edit", T1))!;
    expect(mf2).toEqual([
      { manager: "kubectl-create", operation: "Update", apiVersion: "v1", time: T0, fieldsType: "FieldsV1", fieldsV1: { "f:data": { ".": {}, "f:b": {} } } },
      { manager: "kubectl-edit", operation: "Update", apiVersion: "v1", time: T1, fieldsType: "FieldsV1", fieldsV1: { "f:data": { "f:a": {}, "f:c": {} } } },
    ]);
  });
  it("a removed field leaves its owners; a write that changes nothing changes no entry", () => {
    const stored = { ...cm({ a: "1", b: "2" }), metadata: { name: "c", namespace: "default", managedFields: trackUpdate(undefined, cm({ a: "1", b: "2" }), wc("x", T0)) } };
    expect(trackUpdate(stored, cm({ a: "1" }), wc("y", T1))).toEqual([{ manager: "x", operation: "Update", apiVersion: "v1", time: T0, fieldsType: "FieldsV1", fieldsV1: { "f:data": { ".": {}, "f:a": {} } } }]);
    expect(trackUpdate(stored, cm({ a: "1", b: "2" }), wc("y", T1))).toEqual(stored.metadata.managedFields);
  });
  it("managedFields a client sends are kept when valid, reset by [] and ignored when malformed (decodeLiveOrNew)", () => {
    const stored = { ...cm({ a: "1" }), metadata: { name: "c", namespace: "default", managedFields: trackUpdate(undefined, cm({ a: "1" }), wc("x", T0)) } };
    const mine = [{ manager: "mine", operation: "Apply", apiVersion: "v1", fieldsType: "FieldsV1", fieldsV1: { "f:data": { "f:a": {} } } }];
    expect(trackUpdate(stored, cm({ a: "1" }, mine), wc("y", T1))).toEqual(mine);
    expect(trackUpdate(stored, cm({ a: "1" }, []), wc("y", T1))).toEqual([]);
    for (const garbage of ["garbage", [{ operation: "Nope" }], [{ manager: "m", operation: "Update", apiVersion: "v1", fieldsType: "FieldsV1", fieldsV1: { "bad": {} } }], [null], 7]) {
      expect(trackUpdate(stored, cm({ a: "1" }, garbage), wc("y", T1))).toEqual(stored.metadata.managedFields);
    }
  });
});

describe("Apply (structured-merge-diff merge tests, on the Kubernetes types)", () => {
  const c1 = { name: "nginx", image: "nginx:1.14.2", ports: [{ containerPort: 80 }] };

  it("records the applied fields, keying containers by name and ports by containerPort and the defaulted protocol", () => {
    const obj = apply(undefined, deployment(3, [c1]), deployCtx("kubectl", T0));
    expect(obj.metadata.managedFields).toEqual([{
      manager: "kubectl", operation: "Apply", apiVersion: "apps/v1", time: T0, fieldsType: "FieldsV1",
      fieldsV1: {
        "f:metadata": { "f:labels": { "f:app": {} } },
        "f:spec": {
          "f:replicas": {}, "f:selector": {},
          "f:template": {
            "f:metadata": { "f:labels": { "f:app": {} } },
            "f:spec": { "f:containers": { 'k:{"name":"nginx"}': { ".": {}, "f:image": {}, "f:name": {}, "f:ports": { 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} } } } } },
          },
        },
      },
    }]);
  });

  it("two appliers of the same value share it; a different value conflicts; forcing takes it", () => {
    const a = apply(undefined, deployment(3, [c1]), deployCtx("a", T0));
    const shared = apply(a, deployment(3, [c1]), deployCtx("b", T1));
    expect(fieldsOf(shared, "a")["f:spec"]["f:replicas"]).toEqual({});
    expect(fieldsOf(shared, "b")["f:spec"]["f:replicas"]).toEqual({});
    const refused = applyConfig(shared, deployment(5, [c1]), deployCtx("b", T2));
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.status.message).toBe(`Apply failed with 1 conflict: conflict with "a": .spec.replicas`);
    expect(!refused.ok && refused.status.code).toBe(409);
    const forced = apply(shared, deployment(5, [c1]), deployCtx("b", T2, true));
    expect(forced.spec.replicas).toBe(5);
    expect(fieldsOf(forced, "a")["f:spec"]["f:replicas"]).toBeUndefined();
    expect(fieldsOf(forced, "b")["f:spec"]["f:replicas"]).toEqual({});
  });

  it("a manifest's status applied to the main resource neither conflicts with the status writer nor takes its fields (Updater: compare.ExcludeFields(IgnoredFields))", () => {
    // `kubectl get deploy -o yaml` re-applied server-side: the status it carries is reset by the
    // strategy, so only .spec.replicas (another manager's) conflicts (reset_fields_test.go's premise)
    const a = apply(undefined, deployment(2, [c1]), deployCtx("a", T0));
    const withStatus = { ...a, status: { replicas: 2, readyReplicas: 2 } };
    const statusCtx = { type: "apps/v1.Deployment", apiVersion: "apps/v1", manager: "kube-controller-manager", subresource: "status", now: T1, reset: setOf([["f:spec"]]) };
    const live = { ...withStatus, metadata: { ...withStatus.metadata, managedFields: trackUpdate(a, withStatus, statusCtx) } };
    expect(managers(live)).toEqual(["a/Apply", "kube-controller-manager/Update/status"]);
    const manifest = { ...deployment(3, [c1]), status: { replicas: 5, readyReplicas: 1 } };
    const refused = applyConfig(deepFreeze(structuredClone(live)), manifest, deployCtx("b", T2));
    expect(!refused.ok && refused.status.message).toBe(`Apply failed with 1 conflict: conflict with "a": .spec.replicas`);
    const forced = apply(live, manifest, deployCtx("b", T2, true));
    expect(fieldsOf(forced, "kube-controller-manager", "Update")).toEqual({ "f:status": { ".": {}, "f:readyReplicas": {}, "f:replicas": {} } });
    expect(fieldsOf(forced, "b")["f:status"]).toBeUndefined();
  });

  it("a controller's Update of replicas makes the next apply of another value conflict with it (the docs' HPA case)", () => {
    const a = apply(undefined, deployment(3, [c1]), deployCtx("kubectl", T0));
    const scaled = { ...a, spec: { ...a.spec, replicas: 7 } };
    const mf = trackUpdate(a, scaled, { type: "apps/v1.Deployment", apiVersion: "apps/v1", manager: "kubectl-client-side-apply", subresource: "", now: T1 });
    const live = { ...scaled, metadata: { ...scaled.metadata, managedFields: mf } };
    expect(managers(live)).toEqual(["kubectl/Apply", "kubectl-client-side-apply/Update"]);
    const res = applyConfig(live, deployment(3, [c1]), deployCtx("kubectl", T2));
    expect(!res.ok && res.status.message).toBe(`Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas`);
    // leaving replicas out of the configuration gives it up instead: no conflict, the controller keeps it
    const given = apply(live, deployment(undefined, [c1]), deployCtx("kubectl", T2));
    expect(given.spec.replicas).toBe(7);
    expect(fieldsOf(given, "kubectl")["f:spec"]["f:replicas"]).toBeUndefined();
  });

  it("a field the applier owned alone and no longer applies is removed; one another applier shares stays", () => {
    const a = apply(undefined, deployment(3, [c1], { app: "nginx", tier: "web" }), deployCtx("a", T0));
    const dropped = apply(a, deployment(3, [c1], { app: "nginx" }), deployCtx("a", T1));
    expect(dropped.metadata.labels).toEqual({ app: "nginx" });
    const b = apply(a, deployment(3, [c1], { app: "nginx", tier: "web" }), deployCtx("b", T1));
    const kept = apply(b, deployment(3, [c1], { app: "nginx" }), deployCtx("a", T2));
    expect(kept.metadata.labels).toEqual({ app: "nginx", tier: "web" });
    // replicas the applier stops applying goes (the API server then defaults it)
    const noReplicas = apply(a, deployment(undefined, [c1]), deployCtx("a", T1));
    expect(noReplicas.spec.replicas).toBeUndefined();
  });

  it("list-map items merge by key: two appliers' containers both stay, the live one first", () => {
    const a = apply(undefined, deployment(1, [c1]), deployCtx("a", T0));
    const sidecar = { name: "sidecar", image: "busybox" };
    const b = apply(a, deployment(1, [sidecar]), deployCtx("b", T1));
    expect(b.spec.template.spec.containers.map((c: any) => c.name)).toEqual(["nginx", "sidecar"]);
    // each owns its own item
    expect(Object.keys(fieldsOf(b, "b")["f:spec"]["f:template"]["f:spec"]["f:containers"])).toEqual(['k:{"name":"sidecar"}']);
    // a stops applying its container: only its item goes
    const c = apply(b, deployment(1, []), deployCtx("a", T2));
    expect(c.spec.template.spec.containers.map((x: any) => x.name)).toEqual(["sidecar"]);
  });

  it("an atomic list is owned whole: another value conflicts on the list itself", () => {
    const withArgs = { ...c1, args: ["-a", "-b"] };
    const a = apply(undefined, deployment(1, [withArgs]), deployCtx("a", T0));
    expect(fieldsOf(a, "a")["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"nginx"}']["f:args"]).toEqual({});
    const res = applyConfig(a, deployment(1, [{ ...c1, args: ["-c"] }]), deployCtx("b", T1));
    expect(!res.ok && res.status.message).toBe(`Apply failed with 1 conflict: conflict with "a": .spec.template.spec.containers[name="nginx"].args`);
  });

  it("a set list (finalizers) merges by value", () => {
    const base = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", finalizers: ["a/x"] } };
    const a = apply(undefined, base, cmCtx("a", T0));
    const b = apply(a, { ...base, metadata: { name: "c", finalizers: ["b/y"] } }, cmCtx("b", T1));
    expect(b.metadata.finalizers).toEqual(["a/x", "b/y"]);
    expect(fieldsOf(b, "b")).toEqual({ "f:metadata": { "f:finalizers": { 'v:"b/y"': {} } } });
  });

  it("an unchanged re-apply keeps the applier's time; a changed one moves it", () => {
    const a = apply(undefined, deployment(3, [c1]), deployCtx("a", T0));
    expect(apply(a, deployment(3, [c1]), deployCtx("a", T1)).metadata.managedFields[0].time).toBe(T0);
    expect(apply(a, deployment(4, [c1]), deployCtx("a", T1)).metadata.managedFields[0].time).toBe(T1);
  });

  it("kubectl's server-side apply takes over what client-side apply last applied, unchanged since (lastAppliedManager)", () => {
    const lastApplied = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { k: "v1" } };
    const live = {
      ...lastApplied, metadata: { name: "c", annotations: { "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify(lastApplied) } },
    };
    const stored = { ...live, metadata: { ...live.metadata, managedFields: trackUpdate(undefined, live, { type: "core/v1.ConfigMap", apiVersion: "v1", manager: "kubectl-client-side-apply", subresource: "", now: T0 }) } };
    const next = apply(stored, { ...lastApplied, data: { k: "v2" } }, cmCtx("kubectl", T1));
    expect(next.data).toEqual({ k: "v2" });
    expect(JSON.parse(next.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]).data).toEqual({ k: "v2" });
    // another manager gets the conflict
    expect(applyConfig(stored, { ...lastApplied, data: { k: "v2" } }, cmCtx("other", T1)).ok).toBe(false);
  });

  it("a status apply through the main resource records no status field (reset fields)", () => {
    const obj = apply(undefined, { ...deployment(1, [c1]), status: { replicas: 9 } }, deployCtx("a", T0));
    expect(fieldsOf(obj, "a")["f:status"]).toBeUndefined();
  });
});

describe("hostile apply bodies are refused with the field manager's errors", () => {
  it("wrong types, unknown fields, duplicate keys, managedFields and a wrong version", () => {
    const bad = (config: any) => {
      const res = applyConfig(undefined, config, deployCtx("x", T0));
      expect(res.ok).toBe(false);
      return !res.ok ? `${res.status.code} ${res.status.message}` : "";
    };
    expect(bad({ ...deployment(1, [{ name: "a" }]), spec: { replicas: "three" } })).toBe("500 failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.replicas: expected numeric (int or float), got string");
    expect(bad({ ...deployment(1, []), spec: { bogus: 1 } })).toBe("500 failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.bogus: field not declared in schema");
    expect(bad(deployment(1, [{ name: "a" }, { name: "a" }]))).toBe(`500 failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name="a"]`);
    expect(bad({ ...deployment(1, []), metadata: { name: "web", managedFields: [] } })).toBe("400 metadata.managedFields must be nil");
    expect(bad({ ...deployment(1, []), apiVersion: "v1" })).toBe("400 invalid object type: /v1, Kind=Deployment");
    expect(bad("text")).toMatch(/^400 /);
  });
  it("deep nesting and a huge configuration end in an error or a result, never a crash", () => {
    let deep: any = "x";
    for (let i = 0; i < 5000; i++) deep = { a: deep };
    expect(applyConfig(undefined, { ...deployment(1, []), spec: deep }, deployCtx("x", T0)).ok).toBe(false);
    const labels = Object.fromEntries(Array.from({ length: 20000 }, (_, i) => [`k${i}`, "v"]));
    const res = applyConfig(undefined, deployment(1, [], labels), deployCtx("x", T0));
    expect(res.ok && Object.keys(res.object.metadata.labels).length).toBe(20000);
    const proto = applyConfig(undefined, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: JSON.parse('{"__proto__": "x", "constructor": "y"}') }, cmCtx("x", T0));
    expect(proto.ok && Object.keys(proto.object.data)).toEqual(["__proto__", "constructor"]);
  });
});
