// Round twelve's escapes and the checks added for them: each check below holds on the correct code
// and fails with its mutant on. The expectations are Kubernetes' rules, not the code's output:
// TaintToleration's PreScore keeps a toleration with an empty effect (it matches every effect, so
// PreferNoSchedule too); the restricted runAsNonRoot check lets the pod-level runAsNonRoot=true stand
// for containers that leave it unset; PodSecurity's isSignificantPodUpdate compares the init
// containers' images as well; proportional scaling hands the leftover to the first ReplicaSet in
// scaling order (sync_test.go TestScale "leftover distribution: 3 -> 4" and "3 -> 2");
// newVersionedStatefulSetPod counts the partition from spec.ordinals.start.
// The same expectations sit beside the behaviour: machines/scheduler/plugins/scores.test.ts,
// machines/apiserver/admission/podsecurity.test.ts, machines/deployment/deployment.logic.test.ts,
// machines/statefulset/statefulset.logic.test.ts.
import { afterEach, describe, expect, it } from "vitest";
import type { Deployment, ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1";
import { setMutants } from "../../machines/common/mutation.js";
import { evaluatePod, podSecurityPod } from "../../machines/apiserver/admission/podsecurity.js";
import { proportionalScale } from "../../machines/deployment/deployment.logic.js";
import { newNodeInfo } from "../../machines/scheduler/framework.js";
import { TaintToleration } from "../../machines/scheduler/plugins/TaintToleration/index.js";
import { makeNode, makePod } from "../../machines/scheduler/plugins/testing.js";
import { newVersionedStatefulSetPod, podRevision } from "../../machines/statefulset/statefulset.logic.js";

afterEach(() => setMutants([]));

/** A toleration without an effect lifts a matching PreferNoSchedule taint's penalty: 100 for that node, 0 for the other. */
function emptyEffectToleratesPreferNoSchedule(): boolean {
  const pod = makePod("p", undefined, { tolerations: [{ key: "foo", operator: "Equal", value: "bar" }] });
  const nodes = [makeNode("nodeA", {}, {}, { taints: [{ key: "foo", value: "bar", effect: "PreferNoSchedule" }] }), makeNode("nodeB", {}, {}, { taints: [{ key: "foo", value: "blah", effect: "PreferNoSchedule" }] })];
  const infos = nodes.map((n) => newNodeInfo(n, []));
  const state = new Map();
  TaintToleration.preScore(state, pod);
  const scores = infos.map((ni) => ({ name: ni.node.metadata!.name!, score: TaintToleration.score(state, pod, ni) }));
  TaintToleration.normalize(state, pod, scores);
  return scores[0]!.score === 100 && scores[1]!.score === 0;
}

/** A restricted pod setting runAsNonRoot=true at pod level only passes the runAsNonRoot check. */
function podLevelRunAsNonRootStands(): boolean {
  const spec = { securityContext: { runAsNonRoot: true }, containers: [{ name: "a", image: "nginx" }, { name: "b", image: "nginx", securityContext: {} }] };
  return !evaluatePod({ level: "restricted", minor: Number.MAX_SAFE_INTEGER }, {}, spec).some((r) => r.reason === "runAsNonRoot != true");
}

/** An update that changes only an init container's image is evaluated, and refused under restricted. */
function initImageUpdateEvaluated(): boolean {
  const old = { apiVersion: "v1", kind: "Pod", metadata: { name: "nginx" }, spec: { initContainers: [{ name: "setup", image: "busybox" }], containers: [{ name: "nginx", image: "nginx" }] } };
  const pod = { ...old, spec: { ...old.spec, initContainers: [{ name: "setup", image: "busybox:1.37" }] } };
  return podSecurityPod(pod, old, { "pod-security.kubernetes.io/enforce": "restricted" }, undefined).refused !== undefined;
}

const T0 = Date.parse("2026-01-01T00:00:00Z");
const template = { metadata: { labels: { app: "nginx" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] } };
const deploy = (replicas: number): Deployment => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "nginx", namespace: "default", uid: "d-uid", generation: 1 }, spec: { replicas, selector: { matchLabels: { app: "nginx" } }, template, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } } });
const rset = (name: string, created: number): ReplicaSet => ({
  metadata: { name, namespace: "default", uid: `${name}-uid`, creationTimestamp: new Date(T0 + created * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"), annotations: { "deployment.kubernetes.io/desired-replicas": "3", "deployment.kubernetes.io/max-replicas": "3" }, generation: 1 },
  spec: { replicas: 1, selector: { matchLabels: { app: "nginx" } }, template },
  status: { replicas: 1, availableReplicas: 1, readyReplicas: 1, observedGeneration: 1 },
});

/** Three ReplicaSets of one pod each: 3 -> 4 gives the pod to the newest, 3 -> 2 takes it from the oldest. */
function leftoverToFirstInScalingOrder(): boolean {
  const sizes = (replicas: number) => Object.fromEntries(proportionalScale(deploy(replicas), rset("v3", 20), [rset("v2", 10), rset("v1", 0)]).map((a) => [a.rs, a.replicas]));
  const up = sizes(4);
  const down = sizes(2);
  return up.v3 === 2 && up.v2 === 1 && up.v1 === 1 && down.v3 === 1 && down.v2 === 1 && down.v1 === 0;
}

/** With ordinals.start 5 and partition 2, ordinals 5 and 6 stay at the current revision. */
function partitionCountsFromStartOrdinal(): boolean {
  const set: StatefulSet = {
    apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "web", namespace: "default", uid: "u" },
    spec: { replicas: 4, ordinals: { start: 5 }, serviceName: "web", selector: { matchLabels: { app: "web" } }, updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 2 } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
  };
  const revisions = [5, 6, 7, 8].map((o) => podRevision(newVersionedStatefulSetPod(set, set, "current", "update", o)));
  return revisions.join(",") === "current,current,update,update";
}

const rows: Array<[string, () => boolean]> = [
  ["scheduler.prefer-no-schedule-ignores-empty-effect", emptyEffectToleratesPreferNoSchedule],
  ["podsecurity.run-as-non-root-ignores-pod-level", podLevelRunAsNonRootStands],
  ["podsecurity.init-image-update-not-significant", initImageUpdateEvaluated],
  ["deployment.proportional-leftover-to-smallest", leftoverToFirstInScalingOrder],
  ["statefulset.partition-ignores-start-ordinal", partitionCountsFromStartOrdinal],
];

describe("round 12: the checks added for the mutants that escaped", () => {
  for (const [name, holds] of rows) {
    it(`${holds.name} holds on the correct code and fails with the mutant ${name}`, () => {
      expect(holds()).toBe(true);
      setMutants([name]);
      expect(holds()).toBe(false);
    });
  }
});
