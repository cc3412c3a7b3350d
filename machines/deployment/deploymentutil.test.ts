// Rows of pkg/controller/deployment/util/deployment_util_test.go (v1.35), case by case with the Go
// names; every expectation is the Go table's.
import { describe, it, expect } from "vitest";
import type { Deployment, DeploymentStatus, ReplicaSet } from "kubernetes-types/apps/v1";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import {
  deploymentComplete, deploymentProgressing, deploymentTimedOut, equalIgnoreHash, findNewReplicaSet,
  findOldReplicaSets, isSaturated, maxUnavailable, newRSNewReplicas, nonNegativeInt32FromAnnotation, sumSpec, sumStatus,
  replicaSetFraction, replicasAnnotationsNeedUpdate, resolveFenceposts, setDeploymentCondition, setNewReplicaSetAnnotations,
  MAX_REPLICAS_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, NewRSAvailableReason, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION,
} from "./deployment.logic.js";

const HASH = POD_TEMPLATE_HASH_LABEL;

// generateDeployment: one container named and imaged after the name, replicas 1.
function generateDeployment(image: string): Deployment {
  const podLabels = { name: image };
  return {
    metadata: { name: image, annotations: {} },
    spec: {
      replicas: 1,
      selector: { matchLabels: podLabels },
      template: {
        metadata: { labels: { ...podLabels } },
        spec: {
          containers: [{ name: image, image, imagePullPolicy: "Always", terminationMessagePath: "/dev/termination-log" }],
          dnsPolicy: "ClusterFirst", terminationGracePeriodSeconds: 30, restartPolicy: "Always", securityContext: {}, enableServiceLinks: true,
        },
      },
    },
  };
}

let uid = 0;
// generateRS: the Deployment's template, replicas 0, owned by it.
function generateRS(d: Deployment, extra: { name?: string; hash?: string; created?: string; replicas?: number } = {}): ReplicaSet {
  const template = structuredClone(d.spec!.template) as PodTemplateSpec;
  if (extra.hash !== undefined) template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [HASH]: extra.hash } };
  uid += 1;
  return {
    metadata: {
      uid: `uid-${uid}`, name: extra.name ?? `${d.metadata!.name}-${uid}`, labels: template.metadata?.labels,
      ...(extra.created ? { creationTimestamp: extra.created } : {}),
    },
    spec: { replicas: extra.replicas ?? 0, template, selector: { matchLabels: template.metadata?.labels } },
  };
}

function generatePodTemplateSpec(name: string, nodeName: string, annotations: Record<string, string>, labels: Record<string, string>): PodTemplateSpec {
  return { metadata: { name, annotations, labels }, spec: { nodeName, containers: [] } };
}

describe("equalIgnoreHash (TestEqualIgnoreHash)", () => {
  const rows: Array<[string, PodTemplateSpec, PodTemplateSpec, boolean]> = [
    ["Same spec, same labels",
      generatePodTemplateSpec("foo", "foo-node", {}, { [HASH]: "value-1", something: "else" }),
      generatePodTemplateSpec("foo", "foo-node", {}, { [HASH]: "value-1", something: "else" }), true],
    ["Same spec, only pod-template-hash label value is different",
      generatePodTemplateSpec("foo", "foo-node", {}, { [HASH]: "value-1", something: "else" }),
      generatePodTemplateSpec("foo", "foo-node", {}, { [HASH]: "value-2", something: "else" }), true],
    ["Same spec, the former doesn't have pod-template-hash label",
      generatePodTemplateSpec("foo", "foo-node", {}, { something: "else" }),
      generatePodTemplateSpec("foo", "foo-node", {}, { [HASH]: "value-2", something: "else" }), true],
    ["Same spec, the label is different, the former doesn't have pod-template-hash label, same number of labels",
      generatePodTemplateSpec("foo", "foo-node", {}, { something: "else" }),
      generatePodTemplateSpec("foo", "foo-node", {}, { [HASH]: "value-2" }), false],
    ["Same spec, the label is different, the latter doesn't have pod-template-hash label, same number of labels",
      generatePodTemplateSpec("foo", "foo-node", {}, { [HASH]: "value-1" }),
      generatePodTemplateSpec("foo", "foo-node", {}, { something: "else" }), false],
    ["Same spec, the label is different, and the pod-template-hash label value is the same",
      generatePodTemplateSpec("foo", "foo-node", {}, { [HASH]: "value-1" }),
      generatePodTemplateSpec("foo", "foo-node", {}, { [HASH]: "value-1", something: "else" }), false],
    ["Different spec, same labels",
      generatePodTemplateSpec("foo", "foo-node", { former: "value" }, { [HASH]: "value-1", something: "else" }),
      generatePodTemplateSpec("foo", "foo-node", { latter: "value" }, { [HASH]: "value-1", something: "else" }), false],
    ["Different spec, different pod-template-hash label value",
      generatePodTemplateSpec("foo-1", "foo-node", {}, { [HASH]: "value-1", something: "else" }),
      generatePodTemplateSpec("foo-2", "foo-node", {}, { [HASH]: "value-2", something: "else" }), false],
    ["Different spec, the former doesn't have pod-template-hash label",
      generatePodTemplateSpec("foo-1", "foo-node-1", {}, { something: "else" }),
      generatePodTemplateSpec("foo-2", "foo-node-2", {}, { [HASH]: "value-2", something: "else" }), false],
    ["Different spec, different labels",
      generatePodTemplateSpec("foo", "foo-node-1", {}, { something: "else" }),
      generatePodTemplateSpec("foo", "foo-node-2", {}, { nothing: "else" }), false],
  ];
  it.each(rows)("%s (both orders, the inputs' labels untouched)", (_n, former, latter, expected) => {
    const before = [structuredClone(former), structuredClone(latter)];
    expect(equalIgnoreHash(former, latter)).toBe(expected);
    expect(equalIgnoreHash(latter, former)).toBe(expected);
    expect([former, latter]).toEqual(before);
  });
});

const now = "2016-01-01T00:01:00Z", later = "2016-01-01T00:02:00Z", before = "2016-01-01T00:00:00Z";

describe("findNewReplicaSet (TestFindNewReplicaSet)", () => {
  const deployment = generateDeployment("nginx");
  const newRS = generateRS(deployment, { hash: "hash", created: later });
  const newRSDup = generateRS(deployment, { hash: "different-hash", created: now });
  const oldDeployment = generateDeployment("nginx");
  oldDeployment.spec!.template.spec!.containers[0]!.name = "nginx-old-1";
  const oldRS = generateRS(oldDeployment);
  it("Get new ReplicaSet with the same template as Deployment spec but different pod-template-hash value", () => {
    expect(findNewReplicaSet(deployment, [newRS, oldRS])).toBe(newRS);
  });
  it("Get the oldest new ReplicaSet when there are more than one ReplicaSet with the same template", () => {
    expect(findNewReplicaSet(deployment, [newRS, oldRS, newRSDup])).toBe(newRSDup);
  });
  it("Get nil new ReplicaSet", () => {
    expect(findNewReplicaSet(deployment, [oldRS])).toBeUndefined();
  });
});

describe("findOldReplicaSets (TestFindOldReplicaSets)", () => {
  const deployment = generateDeployment("nginx");
  const newRS = generateRS(deployment, { hash: "hash", created: later, replicas: 1 });
  const newRSDup = generateRS(deployment, { hash: "different-hash", created: now });
  const oldDeployment = generateDeployment("nginx");
  oldDeployment.spec!.template.spec!.containers[0]!.name = "nginx-old-1";
  const oldRS = generateRS(oldDeployment, { created: before });
  const byCreation = (l: ReplicaSet[]) => [...l].sort((a, b) => a.metadata!.creationTimestamp!.localeCompare(b.metadata!.creationTimestamp!));
  it.each([
    ["Get old ReplicaSets", [newRS, oldRS], [oldRS], []],
    ["Get old ReplicaSets with no new ReplicaSet", [oldRS], [oldRS], []],
    ["Get old ReplicaSets with two new ReplicaSets, only the oldest new ReplicaSet is seen as new ReplicaSet", [oldRS, newRS, newRSDup], [oldRS, newRS], [newRS]],
    ["Get empty old ReplicaSets", [newRS], [], []],
  ])("%s", (_n, rsList, expected, expectedRequire) => {
    const { requiredRSs, allRSs } = findOldReplicaSets(deployment, rsList);
    expect(byCreation(allRSs)).toEqual(byCreation(expected));
    expect(requiredRSs).toEqual(expectedRequire);
  });
});

describe("replica counts (TestGetReplicaCountForReplicaSets)", () => {
  const rs = (name: string, spec: number, status: number): ReplicaSet => ({ ...generateRS(generateDeployment(name), { replicas: spec }), status: { replicas: status } });
  const rs1 = rs("foo-rs", 1, 2), rs2 = rs("bar-rs", 2, 3), rs3 = rs("unsynced-rs", 3, 0), rs4 = rs("dropped-rs", 1, 1);
  it.each([
    ["scaling down rs1", [rs1], 1, 2],
    ["scaling down rs1 and rs2", [rs1, rs2], 3, 5],
    ["scaling up rs3", [rs3], 3, 0],
    ["scaling down rs1 and rs2 and scaling up rs3", [rs1, rs2, rs3], 6, 5],
    ["invalid/unknown terminating status for rs4", [rs4], 1, 1],
    ["invalid/unknown terminating status for rs4 with rs1, rs2 and rs3", [rs1, rs2, rs3, rs4], 7, 6],
  ])("%s", (_n, sets, count, actual) => {
    expect(sumSpec(sets)).toBe(count);
    expect(sumStatus(sets, "replicas")).toBe(actual);
  });
});

describe("resolveFenceposts (TestResolveFenceposts, the rows earlier rounds left)", () => {
  it.each([
    ["#1", "39%", "39%", 10, 4, 3],
    ["#4", undefined, "39%", 10, 0, 3],
    ["#5", "39%", undefined, 10, 4, 0],
    ["#6", undefined, undefined, 10, 0, 1],
  ])("%s", (_n, s, u, desired, surge, unavailable) => {
    expect(resolveFenceposts(s, u, desired)).toEqual({ surge, unavailable });
  });
  it("#3: an unparsable maxUnavailable is an error", () => {
    expect(() => resolveFenceposts("55%", "urg", 10)).toThrow();
  });
});

describe("newRSNewReplicas (TestNewRSNewReplicas)", () => {
  it.each([
    ["can not scale up - to newRSReplicas", "RollingUpdate", 1, 5, 1, 5],
    ["scale up - to depReplicas", "RollingUpdate", 6, 2, 10, 6],
    ["recreate - to depReplicas", "Recreate", 3, 1, 1, 3],
  ])("%s", (_n, type, depReplicas, newRSReplicas, surge, expected) => {
    const d = generateDeployment("nginx");
    d.spec!.replicas = depReplicas;
    d.spec!.strategy = { type, rollingUpdate: { maxUnavailable: 1, maxSurge: surge } };
    const newRC = generateRS(d, { replicas: newRSReplicas });
    const rs5 = generateRS(d, { replicas: 5 });
    expect(newRSNewReplicas(d, [rs5], newRC)).toBe(expected);
  });
});

describe("setDeploymentCondition (TestSetCondition)", () => {
  const condProgressing = { type: "Progressing", status: "False", reason: "ForSomeReason" };
  const condProgressing2 = { type: "Progressing", status: "True", reason: "BecauseItIs" };
  const condAvailable = { type: "Available", status: "True", reason: "AwesomeController" };
  it("set for the first time", () => {
    expect(setDeploymentCondition([], condAvailable)).toEqual([condAvailable]);
  });
  it("simple set", () => {
    expect(setDeploymentCondition([condProgressing], condAvailable)).toEqual([condProgressing, condAvailable]);
  });
  it("overwrite", () => {
    expect(setDeploymentCondition([condProgressing], condProgressing2)).toEqual([condProgressing2]);
  });
});

describe("deploymentComplete (TestDeploymentComplete)", () => {
  const deployment = (desired: number, current: number, updated: number, available: number, maxUnavailable: number, maxSurge: number): Deployment => ({
    spec: { replicas: desired, strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable, maxSurge } } } as Deployment["spec"],
    status: { replicas: current, updatedReplicas: updated, availableReplicas: available },
  });
  it.each([
    ["not complete: min but not all pods become available", deployment(5, 5, 5, 4, 1, 0), false],
    ["not complete: min availability is not honored", deployment(5, 5, 5, 3, 1, 0), false],
    ["complete", deployment(5, 5, 5, 5, 0, 0), true],
    ["not complete: all pods are available but not updated", deployment(5, 5, 4, 5, 0, 0), false],
    ["not complete: still running old pods", deployment(1, 2, 1, 1, 0, 1), false],
    ["not complete: one replica deployment never comes up", deployment(1, 1, 1, 0, 1, 1), false],
  ])("%s", (_n, d, expected) => {
    expect(deploymentComplete(d, d.status!)).toBe(expected);
  });
});

describe("deploymentProgressing (TestDeploymentProgressing)", () => {
  const st = (replicas: number, updatedReplicas: number, readyReplicas: number, availableReplicas: number): DeploymentStatus => ({ replicas, updatedReplicas, readyReplicas, availableReplicas });
  it.each([
    ["progressing: updated pods", st(10, 4, 4, 4), st(10, 6, 4, 4), true],
    ["not progressing", st(10, 4, 4, 4), st(10, 4, 4, 4), false],
    ["progressing: old pods removed", st(10, 4, 6, 6), st(8, 4, 6, 6), true],
    ["not progressing: less new pods", st(10, 7, 3, 3), st(10, 6, 3, 3), false],
    ["progressing: less overall but more new pods", st(10, 4, 7, 7), st(8, 8, 5, 5), true],
    ["progressing: more ready pods", st(10, 10, 9, 8), st(10, 10, 10, 8), true],
    ["progressing: more available pods", st(10, 10, 10, 9), st(10, 10, 10, 10), true],
  ])("%s", (_n, old, next, expected) => {
    expect(deploymentProgressing({ status: old }, next)).toBe(expected);
  });
});

describe("deploymentTimedOut (TestDeploymentTimedOut)", () => {
  const time = (min: number, sec: number) => Date.UTC(2016, 0, 1, 0, min, sec);
  const deployment = (reason: string, pds: number | undefined, fromMs: number | undefined): Deployment => ({
    spec: { ...(pds !== undefined ? { progressDeadlineSeconds: pds } : {}) } as Deployment["spec"],
    status: { conditions: [{ type: "Progressing", status: "True", reason, ...(fromMs !== undefined ? { lastUpdateTime: new Date(fromMs).toISOString().replace(".000Z", "Z") } : {}) }] },
  });
  it.each([
    ["nil progressDeadlineSeconds specified - no timeout", deployment("", undefined, time(1, 9)), time(1, 20), false],
    ["infinite progressDeadlineSeconds specified - no timeout", deployment("", 2147483647, time(1, 9)), time(1, 20), false],
    ["progressDeadlineSeconds: 10s, now - started => 00:01:20 - 00:01:09 => 11s", deployment("", 10, time(1, 9)), time(1, 20), true],
    ["progressDeadlineSeconds: 10s, now - started => 00:01:20 - 00:01:11 => 9s", deployment("", 10, time(1, 11)), time(1, 20), false],
    ["previous status was a complete deployment", deployment(NewRSAvailableReason, undefined, undefined), time(1, 20), false],
  ])("%s", (_n, d, nowMs, expected) => {
    expect(deploymentTimedOut(d, d.status!, nowMs)).toBe(expected);
  });
});

describe("maxUnavailable (TestMaxUnavailable)", () => {
  const deployment = (replicas: number, maxUnavailable: number | string): Deployment => ({
    spec: { replicas, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable } } } as Deployment["spec"],
  });
  it.each([
    ["maxUnavailable less than replicas", deployment(10, 5), 5],
    ["maxUnavailable equal replicas", deployment(10, 10), 10],
    ["maxUnavailable greater than replicas", deployment(5, 10), 5],
    ["maxUnavailable with replicas is 0", deployment(0, 10), 0],
    ["maxUnavailable with Recreate deployment strategy", { spec: { strategy: { type: "Recreate" } } } as Deployment, 0],
    ["maxUnavailable less than replicas with percents", deployment(10, "50%"), 5],
    ["maxUnavailable equal replicas with percents", deployment(10, "100%"), 10],
    ["maxUnavailable greater than replicas with percents", deployment(5, "100%"), 5],
  ])("%s", (_n, d, expected) => {
    expect(maxUnavailable(d)).toBe(expected);
  });
});

describe("nonNegativeInt32FromAnnotation (TestGetNonNegativeInt32FromAnnotation)", () => {
  const rsWith = (annotations?: Record<string, string>): ReplicaSet => ({ ...generateRS(generateDeployment("nginx")), metadata: { name: "rs", ...(annotations ? { annotations } : {}) } });
  it.each([
    ["invalid empty", undefined, 0, false, ""],
    ["invalid", { test: "invalid", foo: "2" }, 0, false, "invalid syntax"],
    ["invalid negative ", { test: "-1", foo: "2" }, 0, false, "invalid syntax"],
    ["valid zero", { test: "0", foo: "2" }, 0, true, ""],
    ["valid", { test: "13", foo: "2" }, 13, true, ""],
    ["valid max", { test: "2147483647", foo: "2" }, 2147483647, true, ""],
    ["invalid max out of range", { test: "2147483648", foo: "2" }, 0, false, "out of range"],
    ["invalid max out of range 2", { test: "4294967296", foo: "2" }, 0, false, "out of range"],
  ])("%s", (_n, annotations, value, ok, err) => {
    const got = nonNegativeInt32FromAnnotation(rsWith(annotations), "test");
    expect({ value: got.value, ok: got.ok }).toEqual({ value, ok });
    if (err === "") expect(got.error).toBeUndefined();
    else expect(got.error).toContain(err);
  });
});

describe("annotation helpers (TestAnnotationUtils)", () => {
  const d = generateDeployment("nginx");
  d.metadata!.annotations![REVISION_ANNOTATION] = "1";
  it("SetNewReplicaSetAnnotations: revisions 11 to 20 with a 5-character history limit, the history keeping the two before", () => {
    let rs = generateRS(d);
    for (let i = 10; i < 20; i++) {
      const next = String(i + 1);
      rs = { ...rs, metadata: { ...rs.metadata, annotations: setNewReplicaSetAnnotations(d, rs, BigInt(next), true, 5).annotations } };
      if (i >= 12) expect(rs.metadata!.annotations![REVISION_HISTORY_ANNOTATION]).toBe(`${i - 1},${i}`);
      expect(rs.metadata!.annotations![REVISION_ANNOTATION]).toBe(next);
    }
  });
  it("IsSaturated: desired-replicas 1, one replica asked for and available", () => {
    const rs: ReplicaSet = { ...generateRS(d, { replicas: 1 }), status: { replicas: 1, availableReplicas: 1 } };
    rs.metadata = { ...rs.metadata, annotations: { [DESIRED_REPLICAS_ANNOTATION]: "1" } };
    expect(isSaturated(d, rs)).toBe(true);
  });
});

describe("replicasAnnotationsNeedUpdate (TestReplicasAnnotationsNeedUpdate)", () => {
  const rs = (annotations?: Record<string, string>): ReplicaSet => ({
    metadata: { name: "hello", namespace: "test", ...(annotations ? { annotations } : {}) }, spec: { selector: { matchLabels: { foo: "bar" } } } as ReplicaSet["spec"],
  });
  it.each([
    ["test Annotations nil", rs(), true],
    ["test desiredReplicas update", rs({ [DESIRED_REPLICAS_ANNOTATION]: "8", [MAX_REPLICAS_ANNOTATION]: "20" }), true],
    ["test maxReplicas update", rs({ [DESIRED_REPLICAS_ANNOTATION]: "10", [MAX_REPLICAS_ANNOTATION]: "16" }), true],
    ["test needn't update", rs({ [DESIRED_REPLICAS_ANNOTATION]: "10", [MAX_REPLICAS_ANNOTATION]: "20" }), false],
  ])("%s", (_n, r, expected) => {
    expect(replicasAnnotationsNeedUpdate(r, 10, 20)).toBe(expected);
  });
});

describe("replicaSetFraction (TestGetReplicaSetFraction)", () => {
  it.each([
    ["empty deployment always scales to 0", 0, 0, 0, 10, undefined, -10],
    ["unsynced deployment does not scale when max-replicas annotation is missing (removed by a 3rd party)", 10, 0, 0, 5, undefined, 0],
    ["unsynced deployment does not scale when max-replicas annotation is incorrectly set to 0 (by a 3rd party)", 10, 0, 0, 5, { [MAX_REPLICAS_ANNOTATION]: "0" }, 0],
    ["scale up by 1/5 should increase RS replicas by 1/5 when max-replicas annotation is missing (removed by a 3rd party)", 120, 100, 0, 50, undefined, 10],
    ["scale up by 1/5 should increase RS replicas by 1/5 when max-replicas annotation is incorrectly set to 0 (by a 3rd party)", 120, 100, 0, 50, { [MAX_REPLICAS_ANNOTATION]: "0" }, 10],
    ["scale up by 1/5 should increase RS replicas by 1/5", 120, 0, 0, 50, { [MAX_REPLICAS_ANNOTATION]: "100" }, 10],
    ["scale up with maxSurge by 1/5 should increase RS replicas approximately by 1/5", 120, 0, 10, 50, { [MAX_REPLICAS_ANNOTATION]: "110" }, 9],
    ["scale down by 1/6 should decrease RS replicas by 1/6", 10, 0, 0, 6, { [MAX_REPLICAS_ANNOTATION]: "12" }, -1],
    ["scale down with maxSurge by 1/6 should decrease RS replicas approximately by 1/6", 100, 0, 10, 50, { [MAX_REPLICAS_ANNOTATION]: "130" }, -8],
  ])("%s", (_n, replicas, statusReplicas, surge, rsReplicas, annotations, expected) => {
    const d = generateDeployment("nginx");
    d.status = { replicas: statusReplicas };
    d.spec!.replicas = replicas;
    d.spec!.strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: surge, maxUnavailable: 1 } };
    const rs = generateRS(d, { replicas: rsReplicas });
    rs.metadata = { ...rs.metadata, ...(annotations ? { annotations } : {}) };
    expect(replicaSetFraction(rs, d)).toBe(expected);
  });
});
