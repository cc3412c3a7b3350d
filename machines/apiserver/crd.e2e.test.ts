// CustomResourceDefinitions through createCluster, as kube-apiserver with apiextensions-apiserver
// serves them: the CRD validated and defaulted, its status written by the naming and establishing
// controllers, its custom resources served with their schema (pruning, defaulting, validation),
// status and scale subresources, a controller-style watch, and the CRD's deletion through its
// cleanup finalizer. Expectations come from Kubernetes' source and documentation
// (apiextensions-apiserver validation.go, the naming/establishing/finalizer controllers,
// tasks/extend-kubernetes/custom-resources/custom-resource-definitions.md).

import { describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";

const crontabCRD = (extra: { versions?: object[]; names?: object; metadataName?: string; group?: string; scope?: string } = {}) => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: extra.metadataName ?? "crontabs.stable.example.com" },
  spec: {
    group: extra.group ?? "stable.example.com",
    scope: extra.scope ?? "Namespaced",
    names: extra.names ?? { plural: "crontabs", singular: "crontab", kind: "CronTab", shortNames: ["ct"] },
    versions: extra.versions ?? [
      {
        name: "v1", served: true, storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                properties: {
                  cronSpec: { type: "string", pattern: "^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$" },
                  image: { type: "string" },
                  replicas: { type: "integer", minimum: 1, maximum: 10, default: 1 },
                  mode: { type: "string", enum: ["a", "b"] },
                  tags: { type: "array", maxItems: 2, items: { type: "string", minLength: 2 } },
                  anything: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
                  port: { "x-kubernetes-int-or-string": true },
                },
                required: ["cronSpec"],
              },
              status: { type: "object", properties: { replicas: { type: "integer" }, labelSelector: { type: "string" } } },
            },
          },
        },
        subresources: { status: {}, scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", labelSelectorPath: ".status.labelSelector" } },
      },
    ],
  },
});

async function withCRD(): Promise<Cluster> {
  const c = createCluster({ nodes: 1, seed: 7, clock: "simulated" });
  await c.apply(crontabCRD());
  await c.settle();
  return c;
}

async function failure(p: Promise<unknown>): Promise<{ code: number; message: string; reason: string }> {
  try {
    await p;
  } catch (e: any) {
    return { code: e.status?.code, message: e.status?.message, reason: e.status?.reason };
  }
  throw new Error("the request succeeded");
}

describe("a CustomResourceDefinition", () => {
  it("is defaulted (singular, listKind, conversion None) and its status says its names are accepted and it is established", async () => {
    const c = await withCRD();
    const crd = c.get("CustomResourceDefinition", "crontabs.stable.example.com");
    expect(crd.spec.names.listKind).toBe("CronTabList");
    expect(crd.spec.conversion).toEqual({ strategy: "None" });
    expect(crd.metadata.generation).toBe(1);
    expect(crd.status.acceptedNames).toEqual({ plural: "crontabs", singular: "crontab", shortNames: ["ct"], kind: "CronTab", listKind: "CronTabList" });
    expect(crd.status.storedVersions).toEqual(["v1"]);
    const conds = crd.status.conditions.map((x: any) => [x.type, x.status, x.reason, x.message]);
    expect(conds).toEqual([
      ["NamesAccepted", "True", "NoConflicts", "no conflicts found"],
      ["Established", "True", "InitialNamesAccepted", "the initial names have been accepted"],
    ]);
    await c.stop();
  });

  it("is refused when its name is not <plural>.<group>, with kube's message", async () => {
    const c = createCluster({ nodes: 1, seed: 7, clock: "simulated" });
    const f = await failure(c.apply(crontabCRD({ metadataName: "crontab.stable.example.com" })));
    expect(f.code).toBe(422);
    expect(f.message).toBe(`CustomResourceDefinition.apiextensions.k8s.io "crontab.stable.example.com" is invalid: metadata.name: Invalid value: "crontab.stable.example.com": must be spec.names.plural+"."+spec.group`);
    await c.stop();
  });

  it("needs a schema for each v1 version, exactly one storage version, a group with a dot and a known scope", async () => {
    const c = createCluster({ nodes: 1, seed: 7, clock: "simulated" });
    const noSchema = await failure(c.apply(crontabCRD({ versions: [{ name: "v1", served: true, storage: true }] })));
    expect(noSchema.message).toBe(`CustomResourceDefinition.apiextensions.k8s.io "crontabs.stable.example.com" is invalid: spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required`);
    const schema = { openAPIV3Schema: { type: "object" } };
    const twoStorage = await failure(c.apply(crontabCRD({ versions: [{ name: "v1", served: true, storage: true, schema }, { name: "v2", served: true, storage: true, schema }] })));
    expect(twoStorage.message).toContain("spec.versions: Invalid value: ");
    expect(twoStorage.message).toContain(": must have exactly one version marked as storage version");
    const dotless = await failure(c.apply(crontabCRD({ group: "example", metadataName: "crontabs.example" })));
    expect(dotless.message).toContain(`spec.group: Invalid value: "example": should be a domain with at least one dot`);
    const scope = await failure(c.apply(crontabCRD({ scope: "Global" })));
    expect(scope.message).toContain(`spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"`);
    const untyped = await failure(c.apply(crontabCRD({ versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: {} } } } }] })));
    expect(untyped.message).toContain("spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields");
    await c.stop();
  });

  it("whose kind another CRD of the group accepted is not established, and its kind is not served", async () => {
    const c = await withCRD();
    // another plural, the kind the first CRD of the group accepted
    await c.apply(crontabCRD({ metadataName: "crons.stable.example.com", names: { plural: "crons", singular: "cron", kind: "CronTab" } }));
    await c.settle();
    const crd = c.get("CustomResourceDefinition", "crons.stable.example.com");
    const byType = Object.fromEntries(crd.status.conditions.map((x: any) => [x.type, x]));
    expect(byType.NamesAccepted.status).toBe("False");
    expect(byType.NamesAccepted).toMatchObject({ reason: "KindConflict", message: `"CronTab" is already in use` });
    expect(byType.Established).toMatchObject({ status: "False", reason: "NotAccepted", message: "not all names are accepted" });
    expect(c.resourceFor("stable.example.com", "crons")).toBeUndefined();
    await c.stop();
  });
});

describe("custom resources", () => {
  it("are pruned of unknown fields, defaulted, and listed with their listKind", async () => {
    const c = await withCRD();
    await c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "my-new-cron-object" }, spec: { cronSpec: "* * * * */5", image: "my-awesome-cron-image", someRandomField: 42, anything: { kept: { deep: 1 } }, port: "http" } });
    const ct = c.get("CronTab", "my-new-cron-object", "default");
    expect(ct.spec).toEqual({ cronSpec: "* * * * */5", image: "my-awesome-cron-image", replicas: 1, anything: { kept: { deep: 1 } }, port: "http" });
    expect(ct.metadata.generation).toBe(1);
    const list = await c.request({ verb: "list", group: "stable.example.com", resource: "crontabs", namespace: "default" });
    expect(list.ok && list.object.kind).toBe("CronTabList");
    expect(list.ok && list.object.apiVersion).toBe("stable.example.com/v1");
    await c.stop();
  });

  it("are validated against the openAPIV3Schema with kube-openapi's messages", async () => {
    const c = await withCRD();
    const f = await failure(c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "bad" }, spec: { cronSpec: "* * * *", replicas: 20, mode: "c", tags: ["x", "yy", "zz"] } }));
    expect(f.code).toBe(422);
    expect(f.message).toBe(
      `CronTab.stable.example.com "bad" is invalid: [spec.cronSpec: Invalid value: "* * * *": spec.cronSpec in body should match '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$', ` +
        `spec.replicas: Invalid value: 20: spec.replicas in body should be less than or equal to 10, ` +
        `spec.mode: Unsupported value: "c": supported values: "a", "b", ` +
        `spec.tags: Too many: 3: must have at most 2 items, ` +
        `spec.tags[0]: Invalid value: "x": spec.tags[0] in body should be at least 2 chars long]`,
    );
    const typed = await failure(c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "typed" }, spec: { cronSpec: "* * * * *", replicas: "three" } }));
    expect(typed.message).toBe(`CronTab.stable.example.com "typed" is invalid: spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"`);
    const missing = await failure(c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "missing" }, spec: { image: "x" } }));
    expect(missing.message).toBe(`CronTab.stable.example.com "missing" is invalid: spec.cronSpec: Required value`);
    await c.stop();
  });

  it("keep status for the status subresource, move generation on spec changes only, and take no strategic merge patch", async () => {
    const c = await withCRD();
    await c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "x" }, spec: { cronSpec: "* * * * *" }, status: { replicas: 9 } });
    expect(c.get("CronTab", "x", "default").status).toBeUndefined();
    const base = { group: "stable.example.com", resource: "crontabs", namespace: "default", name: "x" };
    const st = await c.request({ ...base, verb: "patch", subresource: "status", patchType: "merge", body: { status: { replicas: 3, labelSelector: "app=x" }, spec: { image: "ignored" } } });
    expect(st.ok).toBe(true);
    const afterStatus = c.get("CronTab", "x", "default");
    expect(afterStatus.status).toEqual({ replicas: 3, labelSelector: "app=x" });
    expect(afterStatus.spec.image).toBeUndefined();
    expect(afterStatus.metadata.generation).toBe(1);
    await c.request({ ...base, verb: "patch", patchType: "merge", body: { metadata: { labels: { a: "b" } } } });
    expect(c.get("CronTab", "x", "default").metadata.generation).toBe(1);
    await c.request({ ...base, verb: "patch", patchType: "json", body: [{ op: "add", path: "/spec/image", value: "nginx" }] });
    expect(c.get("CronTab", "x", "default").metadata.generation).toBe(2);
    const smp = await c.request({ ...base, verb: "patch", patchType: "strategic", body: { spec: { image: "y" } } });
    expect(smp.ok).toBe(false);
    expect(!smp.ok && smp.status).toMatchObject({ code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml" });
    await c.stop();
  });

  it("scale through their scale subresource at the CRD's paths, within the schema's bounds", async () => {
    const c = await withCRD();
    await c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "s" }, spec: { cronSpec: "* * * * *", replicas: 2 } });
    const base = { group: "stable.example.com", resource: "crontabs", namespace: "default", name: "s", subresource: "scale" };
    const got = await c.request({ ...base, verb: "get" });
    expect(got.ok && got.object).toMatchObject({ kind: "Scale", apiVersion: "autoscaling/v1", spec: { replicas: 2 }, status: { replicas: 0 } });
    const up = await c.request({ ...base, verb: "patch", patchType: "merge", body: { spec: { replicas: 5 } } });
    expect(up.ok && up.object.spec.replicas).toBe(5);
    expect(c.get("CronTab", "s", "default").spec.replicas).toBe(5);
    const over = await c.request({ ...base, verb: "patch", patchType: "merge", body: { spec: { replicas: 20 } } });
    expect(!over.ok && over.status.message).toBe(`CronTab.stable.example.com "s" is invalid: spec.replicas: Invalid value: 20: spec.replicas in body should be less than or equal to 10`);
    await c.stop();
  });

  it("are watched as a controller watches them: ADDED, MODIFIED, DELETED in order, selected by label", async () => {
    const c = await withCRD();
    const seen: string[] = [];
    const stop = c.watch({ group: "stable.example.com", resource: "crontabs", namespace: "default", labelSelector: "team=a" }, (ev) => seen.push(`${ev.eventType} ${ev.object.metadata.name} ${ev.object.spec?.image ?? ""}`));
    await c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "w", labels: { team: "a" } }, spec: { cronSpec: "* * * * *", image: "one" } });
    await c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "other", labels: { team: "b" } }, spec: { cronSpec: "* * * * *" } });
    await c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "w", labels: { team: "a" } }, spec: { cronSpec: "* * * * *", image: "two" } });
    await c.delete("CronTab", "w", "default");
    await c.settle();
    stop();
    expect(seen).toEqual(["ADDED w one", "MODIFIED w two", "DELETED w two"]);
    const byName = await c.request({ verb: "list", group: "stable.example.com", resource: "crontabs", namespace: "default", fieldSelector: "metadata.name=other" });
    expect(byName.ok && byName.object.items.map((o: any) => o.metadata.name)).toEqual(["other"]);
    await c.stop();
  });
});

describe("deleting a CustomResourceDefinition", () => {
  it("deletes its custom resources first (held by their finalizers), then itself; meanwhile it takes no new ones", async () => {
    const c = await withCRD();
    for (const name of ["a", "b"]) await c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name }, spec: { cronSpec: "* * * * *" } });
    await c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "held", finalizers: ["example.com/hold"] }, spec: { cronSpec: "* * * * *" } });
    const first = await c.delete("CustomResourceDefinition", "crontabs.stable.example.com");
    expect(first.metadata.finalizers).toEqual(["customresourcecleanup.apiextensions.k8s.io"]);
    expect(first.status.conditions.find((x: any) => x.type === "Terminating")).toMatchObject({ status: "True", reason: "InstanceDeletionPending", message: "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon" });
    await c.settle();
    expect(c.list("CronTab").map((o) => o.metadata.name)).toEqual(["held"]);
    expect(c.get("CronTab", "held", "default").metadata.deletionTimestamp).toBeDefined();
    expect(c.get("CustomResourceDefinition", "crontabs.stable.example.com").status.conditions.find((x: any) => x.type === "Terminating")).toMatchObject({ reason: "InstanceDeletionInProgress", message: "CustomResource deletion is in progress" });
    const refused = await c.request({ verb: "create", group: "stable.example.com", resource: "crontabs", namespace: "default", body: { apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "late" }, spec: { cronSpec: "* * * * *" } } });
    expect(!refused.ok && refused.status).toMatchObject({ code: 405, reason: "MethodNotAllowed", message: "create not allowed while custom resource definition is terminating" });
    await c.request({ verb: "patch", group: "stable.example.com", resource: "crontabs", namespace: "default", name: "held", patchType: "merge", body: { metadata: { finalizers: null } } });
    await c.settle();
    expect(c.get("CustomResourceDefinition", "crontabs.stable.example.com")).toBeUndefined();
    expect(c.resourceFor("stable.example.com", "crontabs")).toBeUndefined();
    await c.stop();
  });
});

describe("deleting a namespace", () => {
  it("deletes the custom resources in it (the namespace controller discovers them from the CRDs) before the namespace goes", async () => {
    const c = await withCRD();
    await c.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "team" } });
    await c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "in-team", namespace: "team" }, spec: { cronSpec: "* * * * *" } });
    await c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "held", namespace: "team", finalizers: ["example.com/hold"] }, spec: { cronSpec: "* * * * *" } });
    await c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "elsewhere" }, spec: { cronSpec: "* * * * *" } });
    await c.delete("Namespace", "team");
    // the controller looks again every few seconds while content is left, so this runs for a while rather than to quiescence
    c.advance(3_000);
    // a custom resource its finalizer holds keeps the namespace Terminating
    expect(c.get("Namespace", "team")?.status.phase).toBe("Terminating");
    expect(c.list("CronTab", { namespace: "team" }).map((o) => o.metadata.name)).toEqual(["held"]);
    await c.request({ verb: "patch", group: "stable.example.com", resource: "crontabs", namespace: "team", name: "held", patchType: "merge", body: { metadata: { finalizers: null } } });
    c.advance(3_000);
    await c.settle();
    expect(c.get("Namespace", "team")).toBeUndefined();
    expect(c.list("CronTab").map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(["default/elsewhere"]);
    await c.stop();
  });
});

describe("deleting a namespace when discovery fails", () => {
  // namespaced_resources_deleter.go: a discovery error is not fatal to the round, but deleteAllContent
  // returns it, so the namespace is not finalized and is looked at again (its custom resources then go)
  it("keeps the namespace until a round whose discovery succeeds has deleted its custom resources", async () => {
    const c = await withCRD();
    await c.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "team" } });
    await c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "in-team", namespace: "team" }, spec: { cronSpec: "* * * * *" } });
    await c.settle();
    let failed = 0;
    c.runtime.sendHook = (from, to, msg: any) => {
      if (failed > 0 || from !== "namespace-controller" || msg.type !== "ApiRequest" || msg.verb !== "list" || msg.resource !== "customresourcedefinitions") return false;
      failed++;
      c.runtime.post(to, from, { type: "ApiResponse", id: msg.id, ok: false, code: 500, status: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "etcdserver: request timed out", reason: "InternalError", code: 500 } });
      return true;
    };
    await c.delete("Namespace", "team");
    c.advance(3_000);
    await c.settle();
    expect(failed).toBe(1);
    expect(c.get("Namespace", "team")).toBeUndefined();
    expect(c.list("CronTab").map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([]);
    await c.stop();
  });
});

describe("a custom kind named like a built-in one", () => {
  const eventCRD = (group: string) => ({
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `events.${group}` },
    spec: {
      group, scope: "Namespaced", names: { plural: "events", singular: "event", kind: "Event" },
      versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } } } }],
    },
  });

  it("is stored, listed and watched apart from core's Events and from another group's kind Event", async () => {
    const c = createCluster({ nodes: 1, seed: 7, clock: "simulated" });
    await c.apply([eventCRD("example.com"), eventCRD("other.example.org")]);
    await c.settle();
    const seen: string[] = [];
    const stop = c.watch({ group: "example.com", resource: "events", namespace: "default" }, (ev) => seen.push(`${ev.eventType} ${ev.object.apiVersion} ${ev.object.metadata.name}`));
    const coreSeen: string[] = [];
    const stopCore = c.watch({ group: "", resource: "events", namespace: "default" }, (ev) => coreSeen.push(`${ev.object.apiVersion} ${ev.object.metadata.name}`));
    await c.apply({ apiVersion: "example.com/v1", kind: "Event", metadata: { name: "custom" }, spec: { what: "x" } });
    await c.apply({ apiVersion: "other.example.org/v1", kind: "Event", metadata: { name: "theirs" }, spec: {} });
    // a core Event written beside them
    await c.apply({ apiVersion: "v1", kind: "Event", metadata: { name: "core" }, involvedObject: { kind: "Pod", name: "p", namespace: "default" }, reason: "Test", message: "m" });
    await c.settle();
    expect(c.list("Event.example.com").map((o) => o.metadata.name)).toEqual(["custom"]);
    expect(c.list("Event.other.example.org").map((o) => o.metadata.name)).toEqual(["theirs"]);
    expect(c.list("Event", { namespace: "default" }).map((o) => o.metadata.name)).toContain("core");
    expect(c.list("Event", { namespace: "default" }).map((o) => o.metadata.name)).not.toContain("custom");
    const listed = await c.request({ verb: "list", group: "example.com", resource: "events", namespace: "default" });
    expect(listed.ok && listed.object.items.map((o: any) => o.metadata.name)).toEqual(["custom"]);
    const core = await c.request({ verb: "list", group: "", resource: "events", namespace: "default" });
    expect(core.ok && core.object.items.map((o: any) => o.apiVersion)).not.toContain("example.com/v1");
    // a watch resumed from an old resourceVersion replays only its own kind's history
    const resumed: string[] = [];
    const stopResumed = c.watch({ group: "other.example.org", resource: "events", namespace: "default", resourceVersion: "1" }, (ev) => resumed.push(`${ev.eventType} ${ev.object.metadata.name}`));
    await c.delete("Event.example.com", "custom", "default");
    await c.settle();
    stop();
    stopCore();
    stopResumed();
    expect(seen).toEqual(["ADDED example.com/v1 custom", "DELETED example.com/v1 custom"]);
    // core's watch sees the node's own Events and the core one, never a custom one
    expect(coreSeen).toContain("v1 core");
    expect(coreSeen.filter((x) => !x.startsWith("v1 "))).toEqual([]);
    expect(resumed).toEqual(["ADDED theirs"]);
    expect(c.get("Event", "core", "default")).toBeDefined();
    await c.stop();
  });
});

describe("a CRD with several versions (conversion strategy None)", () => {
  const schema = { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { cronSpec: { type: "string" }, image: { type: "string" } } } } } };
  const versioned = (storage: "v1beta1" | "v1") => crontabCRD({
    versions: [
      { name: "v1beta1", served: true, storage: storage === "v1beta1", schema, ...(storage === "v1" ? { deprecated: true } : {}) },
      { name: "v1", served: true, storage: storage === "v1", schema },
      { name: "v1alpha1", served: false, storage: false, schema },
    ],
  });
  const at = (version: string) => ({ group: "stable.example.com", version, resource: "crontabs", namespace: "default" });

  it("serves every served version, stores at the storage version with apiVersion rewritten, and records storedVersions", async () => {
    const c = createCluster({ nodes: 1, seed: 7, clock: "simulated" });
    await c.apply(versioned("v1beta1"));
    await c.settle();
    const seen: string[] = [];
    const stop = c.watch(at("v1"), (ev) => seen.push(`${ev.eventType} ${ev.object.apiVersion} ${ev.object.spec.image}`));
    const made = await c.request({ ...at("v1"), verb: "create", body: { apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "x" }, spec: { cronSpec: "* * * * *", image: "one" } } });
    expect(made.ok && made.object.apiVersion).toBe("stable.example.com/v1");
    // stored at the storage version, every field as written
    expect(c.get("CronTab", "x", "default")).toMatchObject({ apiVersion: "stable.example.com/v1beta1", spec: { cronSpec: "* * * * *", image: "one" } });
    const beta = await c.request({ ...at("v1beta1"), verb: "get", name: "x" });
    expect(beta.ok && beta.object).toMatchObject({ apiVersion: "stable.example.com/v1beta1", kind: "CronTab", spec: { cronSpec: "* * * * *", image: "one" } });
    const list = await c.request({ ...at("v1"), verb: "list" });
    expect(list.ok && [list.object.apiVersion, ...list.object.items.map((o: any) => o.apiVersion)]).toEqual(["stable.example.com/v1", "stable.example.com/v1"]);
    // an unserved version is not found
    const alpha = await c.request({ ...at("v1alpha1"), verb: "get", name: "x" });
    expect(!alpha.ok && alpha.code).toBe(404);
    // the storage version moves to v1: storedVersions keeps both until objects are migrated
    await c.apply(versioned("v1"));
    await c.settle();
    expect(c.get("CustomResourceDefinition", "crontabs.stable.example.com").status.storedVersions).toEqual(["v1beta1", "v1"]);
    // an update written at v1beta1 is stored at v1 now, and the v1 watch sees it at v1
    const upd = await c.request({ ...at("v1beta1"), verb: "patch", name: "x", patchType: "merge", body: { spec: { image: "two" } } });
    expect(upd.ok && upd.object.apiVersion).toBe("stable.example.com/v1beta1");
    expect(c.get("CronTab", "x", "default").apiVersion).toBe("stable.example.com/v1");
    // the generation did not move for the version change alone: only spec changed once
    expect(c.get("CronTab", "x", "default").metadata.generation).toBe(2);
    await c.settle();
    stop();
    expect(seen).toEqual(["ADDED stable.example.com/v1 one", "MODIFIED stable.example.com/v1 two"]);
    await c.stop();
  });

  it("says a deprecated version is deprecated: its own deprecationWarning, or the crdHandler's default naming the newest served version", async () => {
    const c = createCluster({ nodes: 1, seed: 7, clock: "simulated" });
    await c.apply(crontabCRD({
      versions: [
        { name: "v1beta1", served: true, storage: false, deprecated: true, schema },
        { name: "v1alpha1", served: true, storage: false, deprecated: true, deprecationWarning: "v1alpha1 goes away in 2027", schema },
        { name: "v1", served: true, storage: true, schema },
        { name: "v2alpha1", served: true, storage: false, schema },
      ],
    }));
    await c.settle();
    expect(c.resourceFor("stable.example.com", "crontabs", "v1beta1")?.custom?.deprecationWarning).toBe("stable.example.com/v1beta1 CronTab is deprecated; use stable.example.com/v1 CronTab");
    expect(c.resourceFor("stable.example.com", "crontabs", "v1alpha1")?.custom?.deprecationWarning).toBe("v1alpha1 goes away in 2027");
    expect(c.resourceFor("stable.example.com", "crontabs", "v1")?.custom?.deprecationWarning).toBeUndefined();
    await c.stop();
  });
});

describe("selectableFields", () => {
  const schema = { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { color: { type: "string" }, size: { type: "integer" }, on: { type: "boolean" }, tags: { type: "array", items: { type: "string" } } } } } } };
  const withFields = (selectableFields: object[]) => crontabCRD({ versions: [{ name: "v1", served: true, storage: true, schema, selectableFields }] });

  it("select custom resources by those fields in lists and watches; any other field label is refused", async () => {
    const c = createCluster({ nodes: 1, seed: 7, clock: "simulated" });
    await c.apply(withFields([{ jsonPath: ".spec.color" }, { jsonPath: ".spec.size" }, { jsonPath: ".spec.on" }]));
    await c.settle();
    const base = { group: "stable.example.com", resource: "crontabs", namespace: "default" };
    const seen: string[] = [];
    const stop = c.watch({ ...base, fieldSelector: "spec.color=blue" }, (ev) => seen.push(`${ev.eventType} ${ev.object.metadata.name}`));
    await c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "a" }, spec: { color: "blue", size: 3, on: true } });
    await c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "b" }, spec: { color: "red", size: 4 } });
    await c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "c" }, spec: {} });
    await c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "a" }, spec: { color: "green", size: 3, on: true } });
    await c.settle();
    stop();
    // leaving the selection is a DELETED event
    expect(seen).toEqual(["ADDED a", "DELETED a"]);
    const names = async (fieldSelector: string) => {
      const res = await c.request({ ...base, verb: "list", fieldSelector });
      return res.ok ? res.object.items.map((o: any) => o.metadata.name) : res.status.message;
    };
    expect(await names("spec.size=4")).toEqual(["b"]);
    expect(await names("spec.on=true")).toEqual(["a"]);
    // an absent field is the empty string
    expect(await names("spec.color=")).toEqual(["c"]);
    expect(await names("spec.color!=red,metadata.name!=c")).toEqual(["a"]);
    expect(await names("spec.tags=x")).toBe("field label not supported: spec.tags");
    expect(await names("status.phase=Running")).toBe("field label not supported: status.phase");
    await c.stop();
  });

  it("are validated in the CRD: a simple path to a string, boolean or integer outside metadata, once, eight at most", async () => {
    const c = createCluster({ nodes: 1, seed: 7, clock: "simulated" });
    const refused = await failure(c.apply(withFields([{ jsonPath: ".spec.tags" }, { jsonPath: ".spec.missing" }, { jsonPath: ".spec.color" }, { jsonPath: ".spec.color" }, { jsonPath: "" }])));
    expect(refused.code).toBe(422);
    expect(refused.message).toBe(
      'CustomResourceDefinition.apiextensions.k8s.io "crontabs.stable.example.com" is invalid: [' +
        'spec.versions[0].selectableFields[0].jsonPath: Invalid value: ".spec.tags": must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed., ' +
        'spec.versions[0].selectableFields[1].jsonPath: Invalid value: ".spec.missing": is an invalid path: does not refer to a valid field, ' +
        'spec.versions[0].selectableFields[3].jsonPath: Duplicate value: ".spec.color", ' +
        "spec.versions[0].selectableFields[4].jsonPath: Required value]",
    );
    await c.stop();
  });
});

describe("a ResourceQuota's count/<resource>.<group> of custom resources", () => {
  it("is counted by the quota controller and enforced by admission, and freed when one is deleted", async () => {
    const c = await withCRD();
    await c.apply({ apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "crons" }, spec: { hard: { "count/crontabs.stable.example.com": "2" } } });
    await c.settle();
    expect(c.get("ResourceQuota", "crons").status.used).toEqual({ "count/crontabs.stable.example.com": "0" });
    for (const name of ["a", "b"]) await c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name }, spec: { cronSpec: "* * * * *" } });
    await c.settle();
    expect(c.get("ResourceQuota", "crons").status.used).toEqual({ "count/crontabs.stable.example.com": "2" });
    const third = await failure(c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "c" }, spec: { cronSpec: "* * * * *" } }));
    expect(third).toMatchObject({ code: 403, reason: "Forbidden" });
    expect(third.message).toBe('crontabs.stable.example.com "c" is forbidden: exceeded quota: crons, requested: count/crontabs.stable.example.com=1, used: count/crontabs.stable.example.com=2, limited: count/crontabs.stable.example.com=2');
    await c.delete("CronTab", "a", "default");
    await c.settle();
    expect(c.get("ResourceQuota", "crons").status.used).toEqual({ "count/crontabs.stable.example.com": "1" });
    await c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "c" }, spec: { cronSpec: "* * * * *" } });
    expect(c.list("CronTab").map((o) => o.metadata.name)).toEqual(["b", "c"]);
    await c.stop();
  });

  it("counts a custom kind named Pod as its own resource, never as pods", async () => {
    const c = createCluster({ nodes: 1, seed: 7, clock: "simulated" });
    await c.apply(crontabCRD({ metadataName: "pods.example.com", group: "example.com", names: { plural: "pods", singular: "pod", kind: "Pod" } }));
    await c.apply({ apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "q" }, spec: { hard: { pods: "0", "count/pods.example.com": "1" } } });
    await c.settle();
    await c.apply({ apiVersion: "example.com/v1", kind: "Pod", metadata: { name: "p" }, spec: { cronSpec: "* * * * *" } });
    await c.settle();
    expect(c.get("ResourceQuota", "q").status.used).toEqual({ pods: "0", "count/pods.example.com": "1" });
    await c.stop();
  });
});

describe("garbage collection with custom resources", () => {
  const cron = (name: string, ownerReferences?: object[]) => ({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name, ...(ownerReferences ? { ownerReferences } : {}) }, spec: { cronSpec: "* * * * *" } });
  const ownedPod = (name: string, owner: any) => ({
    apiVersion: "v1", kind: "Pod",
    metadata: { name, ownerReferences: [{ apiVersion: "stable.example.com/v1", kind: "CronTab", name: owner.metadata.name, uid: owner.metadata.uid, blockOwnerDeletion: true }] },
    spec: { terminationGracePeriodSeconds: 0, containers: [{ name: "c", image: "nginx" }] },
  });
  const gone = (c: Cluster, kind: string, name: string) => c.get(kind, name, "default") === undefined || c.get(kind, name, "default").metadata.deletionTimestamp !== undefined;

  it("deletes a Pod whose owner is a deleted custom resource (background), once discovery maps the owner's kind", async () => {
    const c = await withCRD();
    await c.apply(cron("owner"));
    await c.apply(ownedPod("dep", c.get("CronTab", "owner", "default")));
    c.advance(5_000);
    await c.settle();
    // the owner lives: its dependent stays
    expect(gone(c, "Pod", "dep")).toBe(false);
    await c.delete("CronTab", "owner", "default");
    c.advance(5_000);
    await c.settle();
    expect(gone(c, "Pod", "dep")).toBe(true);
    await c.stop();
  });

  it("deletes dependents before a custom owner deleted in the foreground, and orphans them when asked", async () => {
    const c = await withCRD();
    await c.apply([cron("fg"), cron("orphaner")]);
    await c.apply(ownedPod("fg-dep", c.get("CronTab", "fg", "default")));
    await c.apply(ownedPod("kept", c.get("CronTab", "orphaner", "default")));
    c.advance(5_000);
    await c.settle();
    const fg = await c.delete("CronTab", "fg", "default", { propagationPolicy: "Foreground" });
    expect(fg.metadata.finalizers).toEqual(["foregroundDeletion"]);
    await c.delete("CronTab", "orphaner", "default", { propagationPolicy: "Orphan" });
    c.advance(10_000);
    await c.settle();
    expect(gone(c, "Pod", "fg-dep")).toBe(true);
    expect(c.get("CronTab", "fg", "default")).toBeUndefined();
    expect(c.get("CronTab", "orphaner", "default")).toBeUndefined();
    expect(c.get("Pod", "kept", "default").metadata.ownerReferences).toBeUndefined();
    await c.stop();
  });

  it("collects a custom resource whose built-in owner is deleted, through the monitors discovery started", async () => {
    const c = await withCRD();
    // a custom owner of a pod makes the collector discover the CRDs; it resyncs every 30 s after
    await c.apply(cron("first"));
    await c.apply(ownedPod("p", c.get("CronTab", "first", "default")));
    c.advance(5_000);
    await c.settle();
    await c.apply({ apiVersion: "v1", kind: "Service", metadata: { name: "svc" }, spec: { ports: [{ port: 80 }] } });
    const svc = c.get("Service", "svc", "default");
    await c.apply(cron("owned", [{ apiVersion: "v1", kind: "Service", name: "svc", uid: svc.metadata.uid }]));
    c.advance(5_000);
    await c.settle();
    expect(c.get("CronTab", "owned", "default")).toBeDefined();
    await c.delete("Service", "svc", "default");
    c.advance(5_000);
    await c.settle();
    expect(c.get("CronTab", "owned", "default")).toBeUndefined();
    await c.stop();
  });
});
