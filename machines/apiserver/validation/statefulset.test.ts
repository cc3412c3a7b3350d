// apps/v1 StatefulSet and v1 ReplicationController defaulting and validation: expectations from
// pkg/apis/apps/v1/defaults.go (TestSetDefaultStatefulSet), pkg/apis/core/v1/defaults.go
// (TestSetDefaultReplicationController*), pkg/apis/apps/validation/validation_test.go
// (TestValidateStatefulSet, TestValidateStatefulSetUpdate, TestValidateStatefulSetStatusUpdate) and
// pkg/apis/core/validation (TestValidateReplicationController), Kubernetes 1.35.

import { describe, expect, it } from "vitest";
import { mutate } from "../admission/index.js";
import { validateCreate, validateUpdate } from "./index.js";
import { messages } from "./testing.js";

const now = "2026-01-01T00:00:00Z";

// The docs' application/web/web.yaml StatefulSet, as the API server receives it.
function web(edit: (spec: any) => void = () => {}): any {
  const sts: any = {
    apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "web", namespace: "default" },
    spec: {
      serviceName: "nginx", replicas: 2, selector: { matchLabels: { app: "nginx" } },
      template: {
        metadata: { labels: { app: "nginx" } },
        spec: { containers: [{ name: "nginx", image: "registry.k8s.io/nginx-slim:0.21", ports: [{ containerPort: 80, name: "web" }], volumeMounts: [{ name: "www", mountPath: "/usr/share/nginx/html" }] }] },
      },
      volumeClaimTemplates: [{ metadata: { name: "www" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }],
    },
  };
  edit(sts.spec);
  return mutate(sts, { now, operation: "CREATE" });
}

const stored = (o: any) => ({ ...o, metadata: { ...o.metadata, uid: "u", resourceVersion: "1" } });

describe("a created StatefulSet's defaults (SetDefaults_StatefulSet, PrepareForCreate)", () => {
  it("gets OrderedReady, RollingUpdate with partition 0 and maxUnavailable 1 (MaxUnavailableStatefulSet is beta in 1.35), Retain/Retain, 10 revisions", () => {
    const s = web().spec;
    expect(s.podManagementPolicy).toBe("OrderedReady");
    expect(s.updateStrategy).toEqual({ type: "RollingUpdate", rollingUpdate: { partition: 0, maxUnavailable: 1 } });
    expect(s.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
    expect(s.revisionHistoryLimit).toBe(10);
    expect(s.template.spec.restartPolicy).toBe("Always");
  });
  it("defaults replicas to 1 and each claim template as a PersistentVolumeClaim (volumeMode Filesystem, phase Pending)", () => {
    const s = web((spec) => delete spec.replicas).spec;
    expect(s.replicas).toBe(1);
    expect(s.volumeClaimTemplates[0].spec.volumeMode).toBe("Filesystem");
    expect(s.volumeClaimTemplates[0].status).toEqual({ phase: "Pending" });
  });
  it("leaves an explicit RollingUpdate without rollingUpdate alone, and OnDelete without one", () => {
    expect(web((spec) => (spec.updateStrategy = { type: "RollingUpdate" })).spec.updateStrategy).toEqual({ type: "RollingUpdate" });
    expect(web((spec) => (spec.updateStrategy = { type: "OnDelete" })).spec.updateStrategy).toEqual({ type: "OnDelete" });
    expect(web((spec) => (spec.updateStrategy = { type: "RollingUpdate", rollingUpdate: { partition: 3 } })).spec.updateStrategy.rollingUpdate).toEqual({ partition: 3, maxUnavailable: 1 });
  });
  it("fills the missing half of a retention policy", () => {
    expect(web((spec) => (spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: "Delete" })).spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Delete", whenScaled: "Retain" });
  });
  it("starts at generation 1 with an empty status; a spec change bumps the generation", () => {
    const created = web();
    expect([created.metadata.generation, created.status]).toEqual([1, {}]);
    const next = structuredClone(created);
    next.spec.replicas = 3;
    expect(mutate(next, { now, operation: "UPDATE", old: created }).metadata.generation).toBe(2);
  });
});

describe("ValidateStatefulSet (TestValidateStatefulSet)", () => {
  it("accepts the docs' web StatefulSet, Parallel and OnDelete", () => {
    expect(messages(validateCreate(web()))).toEqual([]);
    expect(messages(validateCreate(web((s) => (s.podManagementPolicy = "Parallel"))))).toEqual([]);
    expect(messages(validateCreate(web((s) => (s.updateStrategy = { type: "OnDelete" }))))).toEqual([]);
  });
  const rows: [string, (spec: any) => void, string[]][] = [
    ["empty selector", (s) => (s.selector = {}), ["spec.selector: Invalid value: {}: empty selector is invalid for statefulset"]],
    // TestValidateStatefulSet's "empty selector" row: a nil selector converts to Nothing, so the template's labels do not match it either.
    ["missing selector", (s) => delete s.selector, ["spec.selector: Required value", "spec.template.metadata.labels: Invalid value: {\"app\":\"nginx\"}: `selector` does not match template `labels`"]],
    ["selector_doesnt_match", (s) => (s.selector = { matchLabels: { foo: "bar" } }),
      ["spec.template.metadata.labels: Invalid value: {\"app\":\"nginx\"}: `selector` does not match template `labels`"]],
    ["negative replicas", (s) => (s.replicas = -1), ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]],
    ["invalid restart policy", (s) => (s.template.spec.restartPolicy = "OnFailure"), ["spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\""]],
    ["activeDeadlineSeconds", (s) => (s.template.spec.activeDeadlineSeconds = 10), ["spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported"]],
    ["invalid podManagementPolicy", (s) => (s.podManagementPolicy = "Foo"), ["spec.podManagementPolicy: Invalid value: \"Foo\": must be 'OrderedReady' or 'Parallel'"]],
    ["negative partition", (s) => (s.updateStrategy = { type: "RollingUpdate", rollingUpdate: { partition: -1 } }),
      ["spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0"]],
    ["rollingUpdate with OnDelete", (s) => (s.updateStrategy = { type: "OnDelete", rollingUpdate: { partition: 1 } }),
      ["spec.updateStrategy.rollingUpdate: Invalid value: {\"partition\":1}: only allowed for updateStrategy 'RollingUpdate'"]],
    ["maxUnavailable 0", (s) => (s.updateStrategy = { type: "RollingUpdate", rollingUpdate: { partition: 0, maxUnavailable: 0 } }),
      ["spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0"]],
    ["maxUnavailable over 100%", (s) => (s.updateStrategy = { type: "RollingUpdate", rollingUpdate: { partition: 0, maxUnavailable: "101%" } }),
      ["spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: \"101%\": must not be greater than 100%"]],
    ["negative minReadySeconds", (s) => (s.minReadySeconds = -1), ["spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0"]],
    ["negative ordinals.start", (s) => (s.ordinals = { start: -2 }), ["spec.ordinals.start: Invalid value: -2: must be greater than or equal to 0"]],
    ["an unknown retention policy", (s) => (s.persistentVolumeClaimRetentionPolicy = { whenDeleted: "Keep", whenScaled: "Retain" }),
      ["spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: \"Keep\": supported values: \"Retain\", \"Delete\""]],
  ];
  for (const [name, edit, want] of rows) it(`refuses ${name}`, () => expect(messages(validateCreate(web(edit)))).toEqual(want));

  it("refuses a name that is no DNS label (its pods are <name>-<ordinal>)", () => {
    const sts = web();
    sts.metadata.name = "web.v1";
    expect(messages(validateCreate(sts))).toEqual(["metadata.name: Invalid value: \"web.v1\": must not contain dots"]);
  });
});

describe("ValidateStatefulSetUpdate (TestValidateStatefulSetUpdate)", () => {
  const forbidden = "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";
  it("accepts new replicas, template, update strategy, retention policy, minReadySeconds and history limit", () => {
    const old = stored(web());
    const next = structuredClone(old);
    next.spec.replicas = 5;
    next.spec.template.spec.containers[0].image = "registry.k8s.io/nginx-slim:0.24";
    next.spec.updateStrategy = { type: "RollingUpdate", rollingUpdate: { partition: 2, maxUnavailable: 1 } };
    next.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: "Delete", whenScaled: "Delete" };
    next.spec.minReadySeconds = 10;
    next.spec.revisionHistoryLimit = 3;
    expect(messages(validateUpdate(next, old))).toEqual([]);
  });
  const rows: [string, (spec: any) => void][] = [
    ["serviceName", (s) => (s.serviceName = "other")],
    ["podManagementPolicy", (s) => (s.podManagementPolicy = "Parallel")],
    ["volumeClaimTemplates", (s) => (s.volumeClaimTemplates[0].spec.resources.requests.storage = "2Gi")],
    ["selector", (s) => (s.selector = { matchLabels: { app: "nginx", tier: "web" } })],
  ];
  for (const [field, edit] of rows) {
    it(`refuses a changed ${field}`, () => {
      const old = stored(web());
      const next = structuredClone(old);
      edit(next.spec);
      if (field === "selector") next.spec.template.metadata.labels.tier = "web";
      expect(messages(validateUpdate(next, old))).toEqual([forbidden]);
    });
  }
});

describe("ValidateStatefulSetStatusUpdate", () => {
  it("refuses counts above status.replicas, available above ready, and a decremented collisionCount", () => {
    const old = stored(web());
    old.status = { replicas: 2, collisionCount: 2 };
    const next = structuredClone(old);
    next.status = { replicas: 1, readyReplicas: 2, availableReplicas: 2, currentReplicas: 1, updatedReplicas: 1, collisionCount: 1 };
    expect(messages(validateUpdate(next, old, "status"))).toEqual([
      "status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas",
      "status.availableReplicas: Invalid value: 2: cannot be greater than status.replicas",
      "status.collisionCount: Invalid value: 1: cannot be decremented",
    ]);
  });
});

// The docs' controllers/replication.yaml.
function replication(edit: (rc: any) => void = () => {}): any {
  const rc: any = {
    apiVersion: "v1", kind: "ReplicationController", metadata: { name: "nginx", namespace: "default" },
    spec: { replicas: 3, selector: { app: "nginx" }, template: { metadata: { name: "nginx", labels: { app: "nginx" } }, spec: { containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80 }] }] } } },
  };
  edit(rc);
  return mutate(rc, { now, operation: "CREATE" });
}

describe("ReplicationController defaults and validation", () => {
  it("takes its selector and labels from the template's labels when empty (SetDefaults_ReplicationController), 1 replica", () => {
    const rc = replication((o) => {
      delete o.spec.selector;
      delete o.spec.replicas;
    });
    expect([rc.spec.selector, rc.metadata.labels, rc.spec.replicas]).toEqual([{ app: "nginx" }, { app: "nginx" }, 1]);
    expect(rc.spec.template.spec.restartPolicy).toBe("Always");
  });
  it("accepts the docs' nginx ReplicationController", () => {
    expect(messages(validateCreate(replication()))).toEqual([]);
  });
  const rows: [string, (rc: any) => void, string[]][] = [
    ["a selector that does not match the template", (o) => (o.spec.selector = { app: "web" }),
      ["spec.template.metadata.labels: Invalid value: {\"app\":\"nginx\"}: `selector` does not match template `labels`"]],
    ["no template", (o) => delete o.spec.template, ["spec.template: Required value"]],
    ["no selector and no template labels", (o) => {
      delete o.spec.selector;
      delete o.spec.template.metadata.labels;
    }, ["spec.selector: Required value"]],
    ["negative replicas", (o) => (o.spec.replicas = -1), ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]],
    ["restartPolicy Never", (o) => (o.spec.template.spec.restartPolicy = "Never"), ["spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""]],
    ["activeDeadlineSeconds", (o) => (o.spec.template.spec.activeDeadlineSeconds = 5), ["spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicationController is not Supported"]],
  ];
  for (const [name, edit, want] of rows) it(`refuses ${name}`, () => expect(messages(validateCreate(replication(edit)))).toEqual(want));
  it("lets an update change the selector (core/v1 has no immutable selector)", () => {
    const old = stored(replication());
    const next = structuredClone(old);
    next.spec.selector = { app: "nginx", tier: "web" };
    next.spec.template.metadata.labels.tier = "web";
    expect(messages(validateUpdate(next, old))).toEqual([]);
  });
});
