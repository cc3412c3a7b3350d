// Round twenty-three's mutants and the checks that catch them: each rule below holds on the correct
// code and fails with its mutant on. The expectations are Kubernetes' rules, not the code's output:
// the ValidatingAdmissionPolicy status controller applies only an unobserved generation and checks
// messageExpression too (validatingadmissionpolicystatus controller.go, TypeChecker.Check); the ClusterIP
// repair loop rewrites an IPAddress with a wrong family label, reports an address two Services hold and
// never moves it, leaves other managers' IPAddresses alone and gives an orphan 60 s (repairip.go); the
// default ServiceCIDR controller leaves a ServiceCIDR being deleted alone and applies Ready over Unknown
// (defaultservicecidr syncStatus); CEL's containsCIDR wants the shorter prefix, URL equality compares the
// fragment, a prerelease ranks below its release and a numeric identifier below an alphanumeric one (cidr.go,
// urls.go, SemVer 2.0 item 11); a CronJob starts its most recent missed schedule and only more than 100
// missed are too many (mostRecentScheduleTime); an untolerated NoSchedule taint stops new daemon pods,
// not running ones, and a percentage maxSurge rounds up (NodeShouldRunDaemonPod, SurgeCount); the HPA's
// scale-down window includes its edge and its scale-up window takes the lowest recommendation
// (stabilizeRecommendation, stabilizeRecommendationWithBehaviors); publishNotReadyAddresses makes a not-ready
// pod a ready address (endpoints controller); a non-positive tolerationSeconds evicts at once
// (getMinTolerationTime); a Job's success resets its failure back-off (newBackoffRecord); a StatefulSet's
// claims are <template>-<set>-<ordinal> (getPersistentVolumeClaimName); PreBind waits for bind-completed
// (isPVCFullyBound); a negative grace period on a DELETE is 1 s (rest.BeforeDelete).
// Which of the component's own tests caught each mutant before these rows: properties/mutants/README.md,
// the twenty-fourth round.
import { afterEach, describe, expect, it } from "vitest";
import type { CronJob } from "kubernetes-types/batch/v1";
import type { DaemonSet, StatefulSet } from "kubernetes-types/apps/v1";
import type { Node, Pod, Service } from "kubernetes-types/core/v1";
import { setMutants } from "../../machines/common/mutation.js";
import { statusApply } from "../../machines/validatingadmissionpolicystatus/vapstatus.logic.js";
import { typeCheck } from "../../machines/validatingadmissionpolicystatus/typechecking.js";
import { hasAllocatorLabels, repairIPAddress, repairService, type RepairView } from "../../machines/ipallocatorrepair/ipallocatorrepair.logic.js";
import { ipAllocatorName, ipFamilyLabel, managedByLabel } from "../../machines/common/servicecidr.js";
import { statusAction } from "../../machines/defaultservicecidr/defaultservicecidr.logic.js";
import { celToJson, compileCel, evaluateCel } from "../../machines/apiserver/cel/index.js";
import { parseStandard } from "../../machines/common/cron.js";
import { mostRecentScheduleTime } from "../../machines/cronjob/cronjob.logic.js";
import { nodeShouldRunDaemonPod, surgeCount } from "../../machines/daemonset/daemonset.logic.js";
import { normalizeWithBehaviors, stabilizeRecommendation } from "../../machines/podautoscaler/replica.logic.js";
import { endpointsFor } from "../../machines/endpoints/endpoints.logic.js";
import { evictionFor } from "../../machines/nodelifecycle/nodelifecycle.logic.js";
import { nextBackoffRecord } from "../../machines/job/job.logic.js";
import { claimsFor } from "../../machines/statefulset/statefulset.logic.js";
import { claimsBound } from "../../machines/scheduler/plugins/VolumeBinding/index.js";
import type { SchedulingEnv } from "../../machines/scheduler/framework.js";
import { createCluster } from "../../runtime/cluster.js";

afterEach(() => setMutants([]));

const T0 = Date.parse("2026-01-01T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/** A policy whose generation 2 is observed gets no status apply; its generation 3 does. */
function observedGenerationLeftAlone(): boolean {
  const policy = (generation: number) => ({ metadata: { name: "p", generation }, spec: {}, status: { observedGeneration: 2 } });
  return statusApply(policy(2), { crds: [] }) === undefined && statusApply(policy(3), { crds: [] })?.status?.observedGeneration === 3;
}

/** A messageExpression naming a field apps/v1 Deployment lacks is warned about at its own fieldRef. */
function messageExpressionChecked(): boolean {
  const policy = {
    metadata: { name: "p" },
    spec: {
      matchConstraints: { resourceRules: [{ apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE"], resources: ["deployments"] }] },
      validations: [{ expression: "true", messageExpression: "object.replicas" }],
    },
  };
  return JSON.stringify(typeCheck(policy, { crds: [] }).map((w) => w.fieldRef)) === JSON.stringify(["spec.validations[0].messageExpression"]);
}

const ipAddress = (name: string, labels: Record<string, string>, parent: { namespace: string; name: string }, created = T0) => ({
  metadata: { name, labels, creationTimestamp: iso(created) },
  spec: { parentRef: { group: "", resource: "services", ...parent } },
});
const allocatorLabels = (family: string) => ({ [ipFamilyLabel]: family, [managedByLabel]: ipAllocatorName });
const service = (name: string, ip: string): Service => ({ metadata: { name, namespace: "default", creationTimestamp: iso(T0) }, spec: { clusterIP: ip, clusterIPs: [ip] } });
const view = (ips: object[], services: Service[]): RepairView => ({
  ipAddress: (n) => ips.find((i) => (i as { metadata: { name: string } }).metadata.name === n),
  service: (ns, n) => services.find((s) => s.metadata?.namespace === ns && s.metadata?.name === n),
  serviceCIDRs: [{ metadata: { name: "kubernetes" }, spec: { cidrs: ["10.96.0.0/16"] } }],
});

/** An allocator's IPAddress labelled IPv6 for an IPv4 address lacks its labels; labelled IPv4 it has them. */
function wrongFamilyLabelRewritten(): boolean {
  const parent = { namespace: "default", name: "a" };
  return !hasAllocatorLabels(ipAddress("10.96.0.10", allocatorLabels("IPv6"), parent)) && hasAllocatorLabels(ipAddress("10.96.0.10", allocatorLabels("IPv4"), parent));
}

/** Two Services holding 10.96.0.10, its IPAddress b's: syncing a reports ClusterIPAlreadyAllocated and writes nothing. */
function sharedAddressReportedNotMoved(): boolean {
  const ip = ipAddress("10.96.0.10", allocatorLabels("IPv4"), { namespace: "default", name: "b" });
  const out = repairService(service("a", "10.96.0.10"), view([ip], [service("a", "10.96.0.10"), service("b", "10.96.0.10")]));
  return out.length === 1 && out[0]!.event?.reason === "ClusterIPAlreadyAllocated" && out[0]!.write === undefined;
}

/** An IPAddress another manager wrote, naming a Service that is gone, is left alone. */
function otherManagersAddressLeftAlone(): boolean {
  const ip = ipAddress("10.96.0.10", { [ipFamilyLabel]: "IPv4", [managedByLabel]: "other.example.com" }, { namespace: "default", name: "gone" });
  return JSON.stringify(repairIPAddress(ip, view([ip], []), T0 + 600_000)) === "{}";
}

/** An allocator's IPAddress whose Service is not seen is kept 10 s after its creation, deleted at 61 s. */
function orphanGetsItsGrace(): boolean {
  const ip = ipAddress("10.96.0.10", allocatorLabels("IPv4"), { namespace: "default", name: "gone" });
  return repairIPAddress(ip, view([ip], []), T0 + 10_000).delete === undefined && repairIPAddress(ip, view([ip], []), T0 + 61_000).delete === true;
}

const defaultCIDR = (extra: object) => ({ metadata: { name: "kubernetes", ...extra }, spec: { cidrs: ["10.96.0.0/16"] } });
const notReported = { mismatchedCIDRs: false, notReadyCondition: false };

/** A default ServiceCIDR being deleted, without a Ready condition, is left to the servicecidrs controller. */
function deletingCIDRLeftAlone(): boolean {
  return statusAction(defaultCIDR({ deletionTimestamp: iso(T0) }), ["10.96.0.0/16"], notReported).type === "none";
}

/** A default ServiceCIDR whose Ready is Unknown gets Ready=True applied. */
function unknownReadyApplied(): boolean {
  return statusAction({ ...defaultCIDR({}), status: { conditions: [{ type: "Ready", status: "Unknown" }] } }, ["10.96.0.0/16"], notReported).type === "applyReady";
}

function cel(src: string): unknown {
  const c = compileCel(src, { variables: [], libraries: "crd" });
  if (!c.ok) return `compile: ${c.message}`;
  const r = evaluateCel(c.program, {});
  return r.ok ? celToJson(r.value) : `error: ${r.message}`;
}

/** 10.0.0.0/8 contains 10.0.0.0/16; 10.0.0.0/16 does not contain 10.0.0.0/8. */
function containsCIDRWantsShorterPrefix(): boolean {
  return cel('cidr("10.0.0.0/8").containsCIDR(cidr("10.0.0.0/16"))') === true && cel('cidr("10.0.0.0/16").containsCIDR(cidr("10.0.0.0/8"))') === false;
}

/** Two URLs differing only in their fragments are not equal. */
function urlEqualityComparesFragment(): boolean {
  return cel('url("https://example.com/a#x") == url("https://example.com/a#x")') === true && cel('url("https://example.com/a#x") == url("https://example.com/a#y")') === false;
}

/** 1.0.0-alpha is less than 1.0.0. */
function prereleaseBelowRelease(): boolean {
  return cel('semver("1.0.0-alpha").isLessThan(semver("1.0.0"))') === true && cel('semver("1.0.0-alpha").compareTo(semver("1.0.0"))') === -1;
}

/** 1.0.0-1 is less than 1.0.0-alpha (numeric identifiers have lower precedence). */
function numericPrereleaseBelowAlphanumeric(): boolean {
  return cel('semver("1.0.0-1").isLessThan(semver("1.0.0-alpha"))') === true && cel('semver("1.0.0-alpha.1").isLessThan(semver("1.0.0-alpha.beta"))') === true;
}

const schedule = (spec: string) => {
  const p = parseStandard(spec);
  if ("error" in p) throw new Error(p.error);
  return p.schedule;
};
const cronJob = (spec: string, lastScheduleMs: number): CronJob => ({ metadata: { name: "c", creationTimestamp: iso(lastScheduleMs - 3_600_000) }, spec: { schedule: spec, jobTemplate: {} }, status: { lastScheduleTime: iso(lastScheduleMs) } });

/** "0,10 * * * *" last run five hours ago, now half past: the missed schedule to start is the one at ten past. */
function mostRecentMissedStarted(): boolean {
  const r = mostRecentScheduleTime(cronJob("0,10 * * * *", T0 - 5 * 3_600_000), T0 + 30 * 60_000, schedule("0,10 * * * *"), true);
  return r.mostRecent === T0 + 10 * 60_000;
}

/** Every minute, last run at T0: 100 missed schedules are a few, 101 are too many. */
function hundredMissedNotTooMany(): boolean {
  const cj = cronJob("* * * * *", T0);
  return mostRecentScheduleTime(cj, T0 + 100 * 60_000, schedule("* * * * *"), true).missed === "few"
    && mostRecentScheduleTime(cj, T0 + 101 * 60_000, schedule("* * * * *"), true).missed === "many";
}

const daemonSet = (updateStrategy?: object): DaemonSet => ({
  metadata: { name: "d", namespace: "default" },
  spec: { selector: { matchLabels: { app: "d" } }, template: { metadata: { labels: { app: "d" } }, spec: { containers: [{ name: "c", image: "busybox" }] } }, ...(updateStrategy ? { updateStrategy } : {}) },
});

/** A node with an untolerated NoSchedule taint gets no new daemon pod, and keeps the one running there. */
function noScheduleKeepsRunningPod(): boolean {
  const node: Node = { metadata: { name: "n1" }, spec: { taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] } };
  const r = nodeShouldRunDaemonPod(node, daemonSet());
  return r.shouldRun === false && r.shouldContinueRunning === true;
}

/** maxSurge 10% of 5 nodes is 1 (rounded up). */
function percentSurgeRoundsUp(): boolean {
  return surgeCount(daemonSet({ type: "RollingUpdate", rollingUpdate: { maxSurge: "10%", maxUnavailable: 0 } }), 5) === 1;
}

/** A recommendation of 5 made exactly 300 s ago is still in a 300 s scale-down window. */
function windowIncludesItsEdge(): boolean {
  return stabilizeRecommendation([{ replicas: 5, at: T0 - 300_000 }], 2, T0, 300_000).replicas === 5;
}

/** A 60 s scale-up window holding a recommendation of 3: from 2 replicas, a desired 6 is held to 3. */
function scaleUpWindowTakesLowest(): boolean {
  const behavior = {
    scaleUp: { stabilizationWindowSeconds: 60, selectPolicy: "Max", policies: [{ type: "Pods", value: 100, periodSeconds: 60 }] },
    scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] },
  };
  return normalizeWithBehaviors([{ replicas: 3, at: T0 - 10_000 }], [], [], behavior, 2, 6, 1, 10, T0, 300_000).replicas === 3;
}

/** Under publishNotReadyAddresses a Running pod that is not Ready is a ready address. */
function publishedNotReadyPodIsReadyAddress(): boolean {
  const svc: Service = { metadata: { name: "s", namespace: "default" }, spec: { selector: { app: "a" }, publishNotReadyAddresses: true, ports: [{ port: 80, targetPort: 8080, protocol: "TCP" }] } };
  const pod: Pod = {
    metadata: { name: "p", namespace: "default", labels: { app: "a" } },
    spec: { nodeName: "n1", containers: [{ name: "c", image: "busybox" }] },
    status: { phase: "Running", podIP: "10.244.0.5", podIPs: [{ ip: "10.244.0.5" }], conditions: [{ type: "Ready", status: "False" }] },
  };
  const subsets = endpointsFor(svc, [pod])?.subsets ?? [];
  return subsets.length === 1 && subsets[0]!.addresses?.[0]?.ip === "10.244.0.5" && subsets[0]!.notReadyAddresses === undefined;
}

/** A NoExecute taint tolerated with tolerationSeconds -5 evicts the pod at once. */
function negativeTolerationEvictsNow(): boolean {
  const pod: Pod = { metadata: { name: "p", namespace: "default" }, spec: { containers: [], tolerations: [{ key: "k", operator: "Exists", effect: "NoExecute", tolerationSeconds: -5 }] } };
  return evictionFor(pod, [{ key: "k", effect: "NoExecute" }], T0).kind === "now";
}

/** Three failures, then a success after a fourth: no failures count after the success. */
function successResetsBackoff(): boolean {
  const finished = (ms: number): Pod => ({ metadata: { name: `p${ms}`, creationTimestamp: iso(ms) } });
  const r = nextBackoffRecord({ failuresAfterLastSuccess: 3, lastFailureMs: T0 }, [finished(T0 + 10_000)], [finished(T0 + 5_000)]);
  return r.failuresAfterLastSuccess === 0;
}

/** StatefulSet web's claim template www gives pod 0 the claim www-web-0. */
function claimNamedTemplateFirst(): boolean {
  const set: StatefulSet = {
    metadata: { name: "web", namespace: "default" },
    spec: { serviceName: "web", selector: { matchLabels: { app: "web" } }, template: { spec: { containers: [] } }, volumeClaimTemplates: [{ metadata: { name: "www" }, spec: { accessModes: ["ReadWriteOnce"] } }] },
  };
  return claimsFor(set, 0)[0]?.claim.metadata?.name === "www-web-0";
}

/** A claim that names its volume but lacks bind-completed is not yet bound for PreBind; with it, it is. */
function preBindWaitsForBindCompleted(): boolean {
  const pod: Pod = { metadata: { name: "p", namespace: "default" }, spec: { containers: [], volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data" } }] } };
  const claim = (annotations: Record<string, string>) => ({ metadata: { name: "data", namespace: "default", annotations }, spec: { volumeName: "pv-1" } });
  const env = (annotations: Record<string, string>) => ({ pvcs: new Map([["default/data", claim(annotations)]]) }) as SchedulingEnv;
  // isPVCFullyBound asks metav1.HasAnnotation: any value (the PV controller writes "yes") counts
  return !claimsBound(pod, env({})) && claimsBound(pod, env({ "pv.kubernetes.io/bind-completed": "yes" })) && claimsBound(pod, env({ "pv.kubernetes.io/bind-completed": "" }));
}

/** A running pod deleted with gracePeriodSeconds -5 stays, terminating with a grace period of 1 s. */
async function negativeGraceIsOneSecond(): Promise<boolean> {
  const c = createCluster({ nodes: 1, seed: 23, clock: "simulated" });
  await c.apply(`
apiVersion: v1
kind: Pod
metadata:
  name: sleeper
spec:
  containers:
  - name: main
    image: busybox:1.36
    command: ["sleep", "3600"]
`);
  await c.settle();
  if (c.get("Pod", "sleeper")?.status?.phase !== "Running") return false;
  await c.delete("Pod", "sleeper", "default", { gracePeriodSeconds: -5 });
  return c.get("Pod", "sleeper")?.metadata?.deletionGracePeriodSeconds === 1;
}

describe("round twenty-three's mutants", () => {
  const rows: Array<[string, () => boolean | Promise<boolean>]> = [
    ["vapstatus.observed-generation-reapplied", observedGenerationLeftAlone],
    ["vapstatus.message-expression-unchecked", messageExpressionChecked],
    ["ipallocatorrepair.family-label-unchecked", wrongFamilyLabelRewritten],
    ["ipallocatorrepair.shared-address-moved", sharedAddressReportedNotMoved],
    ["ipallocatorrepair.unmanaged-address-judged", otherManagersAddressLeftAlone],
    ["ipallocatorrepair.orphan-deleted-at-once", orphanGetsItsGrace],
    ["defaultservicecidr.deleting-cidr-made-ready", deletingCIDRLeftAlone],
    ["defaultservicecidr.unknown-ready-left", unknownReadyApplied],
    ["cel.contains-cidr-ignores-prefix-length", containsCIDRWantsShorterPrefix],
    ["cel.url-equals-ignores-fragment", urlEqualityComparesFragment],
    ["cel.semver-prerelease-equals-release", prereleaseBelowRelease],
    ["cel.semver-numeric-prerelease-higher", numericPrereleaseBelowAlphanumeric],
    ["cronjob.missed-runs-earliest", mostRecentMissedStarted],
    ["cronjob.too-many-missed-at-hundred", hundredMissedNotTooMany],
    ["daemonset.noschedule-stops-running", noScheduleKeepsRunningPod],
    ["daemonset.max-surge-rounds-down", percentSurgeRoundsUp],
    ["hpa.stabilization-window-edge-excluded", windowIncludesItsEdge],
    ["hpa.scale-up-window-takes-highest", scaleUpWindowTakesLowest],
    ["endpoints.published-not-ready-address-not-ready", publishedNotReadyPodIsReadyAddress],
    ["tainteviction.negative-seconds-forever", negativeTolerationEvictsNow],
    ["job.success-keeps-earlier-failures", successResetsBackoff],
    ["statefulset.claim-name-set-first", claimNamedTemplateFirst],
    ["scheduler.prebind-ignores-bind-completed", preBindWaitsForBindCompleted],
    ["apiserver.negative-grace-deletes-at-once", negativeGraceIsOneSecond],
  ];
  for (const [name, holds] of rows) {
    it(`${name}: the rule holds, and the mutant breaks it`, async () => {
      expect(await holds()).toBe(true);
      setMutants([name]);
      expect(await holds()).toBe(false);
    });
  }
});
