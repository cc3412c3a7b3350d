// Round twenty-two's mutants and the checks that catch them: each rule below holds on the correct
// code and fails with its mutant on. The expectations are Kubernetes' rules, not the code's output:
// a ServiceCIDR is deletable at once only when other ServiceCIDRs hold every one of its ranges, and
// only the allocator's IPAddresses hold it back (servicecidrs canDeleteCIDR); PrefixContainsIP leaves
// out the network address; a ServiceCIDR with no Ready condition is ready (ipallocator isReady);
// kube-proxy filters by zone only when every ready endpoint has a zone hint, and judges ready ones
// alone (topologyModeFromHints); PreferSameZone hints zones, not nodes (trafficdist); a match
// condition that says false wins over another's error (matchconditions.Matcher); a validation error
// under failurePolicy Ignore refuses nothing, Warn never refuses (validating dispatcher); a transition
// rule does not run on a create, and an unchanged value's failure is ratcheted (CRDValidationRatcheting,
// GA); a victim already disrupted for another reason is marked PreemptionByScheduler (prepareCandidate's
// UpdatePodCondition); PodGC leaves a Succeeded pod's phase (markFailedAndDeletePodWithCondition);
// ClaimPods adopts only in its namespace and a dying owner releases nothing; the Job controller's pods
// carry the job-tracking finalizer; count/pods counts terminal pods, and a pod counts to the end of
// its grace (QuotaV1Pod's After); the node lifecycle controller manages its taints by key and effect;
// a deleted pod's containers are not restarted and an unknown init container has failed
// (ShouldContainerBeRestarted, isInitContainerFailed); the kubelet's TokenRequest carries the
// projection's expirationSeconds.
// Which of the component's own tests caught each mutant before these rows: properties/mutants/README.md,
// the twenty-third round.
import { afterEach, describe, expect, it } from "vitest";
import type { Job } from "kubernetes-types/batch/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { setMutants } from "../../machines/common/mutation.js";
import { canDelete } from "../../machines/servicecidrs/servicecidrs.logic.js";
import { ipAllocatorName, managedByLabel, prefixContainsIP } from "../../machines/common/servicecidr.js";
import { isServiceCIDRReady } from "../../machines/apiserver/servicecidr.js";
import { topologyModeFromHints } from "../../machines/kube-proxy/kube-proxy.logic.js";
import { reconcileHints } from "../../machines/endpointslice/endpointslice.logic.js";
import { dispatchPolicies, type PolicyWorld } from "../../machines/apiserver/admission/validatingpolicy.js";
import type { WebhookAttributes } from "../../machines/apiserver/admission/webhooks.js";
import { celValidation } from "../../machines/apiserver/cel/crdrules.js";

const celValidationErrors = (obj: unknown, schema: unknown, old?: unknown) => celValidation(obj, schema, old).errors;
import { victimDisruptionStatus } from "../../machines/scheduler/preemption.js";
import { failedStatusPatch } from "../../machines/podgc/podgc.logic.js";
import { ADOPT, claimDecision, RELEASE, SKIP } from "../../machines/common/claim.js";
import { JOB_TRACKING_FINALIZER, newPodForJob } from "../../machines/job/job.logic.js";
import { podCountsForQuota, podUsage } from "../../machines/common/quota.js";
import { taintChanges } from "../../machines/nodelifecycle/nodelifecycle.logic.js";
import { isInitContainerFailed, shouldContainerBeRestarted } from "../../machines/kubelet/podactions.js";
import { tokenRequestBody } from "../../machines/kubelet/tokens.js";

afterEach(() => setMutants([]));

const T0 = Date.parse("2026-01-01T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

const serviceCIDR = (name: string, cidrs: string[]) => ({ apiVersion: "networking.k8s.io/v1", kind: "ServiceCIDR", metadata: { name }, spec: { cidrs } });
const ipAddress = (ip: string, manager: string) => ({ apiVersion: "networking.k8s.io/v1", kind: "IPAddress", metadata: { name: ip, labels: { [managedByLabel]: manager } } });

/** One of two ranges held by another ServiceCIDR, an allocated address in the other: not deletable. */
function everyRangeNeedsAParent(): boolean {
  const b = serviceCIDR("b", ["10.0.0.0/24", "10.1.0.0/24"]);
  const a = serviceCIDR("a", ["10.0.0.0/16"]);
  return canDelete(b, [a, b], [ipAddress("10.1.0.5", ipAllocatorName)]) === false;
}

/** An IPAddress some other manager wrote does not hold a ServiceCIDR's deletion back. */
function unmanagedAddressDoesNotBlock(): boolean {
  const b = serviceCIDR("b", ["10.1.0.0/24"]);
  return canDelete(b, [b], [ipAddress("10.1.0.5", "other.example.com")]) === true;
}

/** 10.1.0.0/24 holds 10.1.0.1 but not its network address 10.1.0.0. */
function networkAddressNotContained(): boolean {
  return prefixContainsIP("10.1.0.0/24", "10.1.0.1") && !prefixContainsIP("10.1.0.0/24", "10.1.0.0");
}

/** A ServiceCIDR without a Ready condition is ready; one with Ready False is not. */
function noConditionIsReady(): boolean {
  return isServiceCIDRReady(serviceCIDR("b", ["10.1.0.0/24"])) && !isServiceCIDRReady({ ...serviceCIDR("b", ["10.1.0.0/24"]), status: { conditions: [{ type: "Ready", status: "False" }] } });
}

const ep = (ready: boolean, zoneHints?: string[]) => ({ isLocal: false, ready, serving: ready, terminating: false, ...(zoneHints ? { zoneHints } : {}) });

/** A ready endpoint without a zone hint: no topology. */
function partialZoneHintsIgnored(): boolean {
  return topologyModeFromHints([ep(true, ["a"]), ep(true)], "n1", "a") === "";
}

/** A not-ready endpoint without hints does not turn the zone filter off. */
function unreadyEndpointsNotJudged(): boolean {
  return topologyModeFromHints([ep(true, ["a"]), ep(false)], "n1", "a") === "PreferSameZone";
}

/** PreferSameZone hints a ready endpoint to its zone only. */
function sameZoneHintsZonesOnly(): boolean {
  const slice: EndpointSlice = { addressType: "IPv4", metadata: { name: "s" }, endpoints: [{ addresses: ["10.244.0.5"], conditions: { ready: true }, zone: "a", nodeName: "n1" }] };
  const out = reconcileHints("PreferSameZone", [slice], [], []);
  return JSON.stringify(out.create[0]?.endpoints[0]?.hints) === JSON.stringify({ forZones: [{ name: "a" }] });
}

const deployment = (replicas: number) => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "nginx", namespace: "test" }, spec: { replicas } });
const create = (obj: object): WebhookAttributes => ({
  operation: "CREATE", group: "apps", version: "v1", resource: "deployments", subresource: "", kind: "Deployment", name: "nginx", namespace: "test",
  object: obj, dryRun: false, user: { name: "alice", groups: ["system:authenticated"] },
});
const policyWorld = (spec: object, actions: string[]): PolicyWorld => ({
  policies: [{ metadata: { name: "p" }, spec: { failurePolicy: "Fail", matchConstraints: { resourceRules: [{ apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE"], resources: ["deployments"], scope: "*" }], namespaceSelector: {}, objectSelector: {}, matchPolicy: "Equivalent" }, ...spec } }],
  bindings: [{ metadata: { name: "b" }, spec: { policyName: "p", validationActions: actions } }],
  namespace: (n) => (n === "test" ? { metadata: { name: "test" } } : undefined),
  paramSource: () => undefined,
  authorize: () => ({ allowed: false, reason: "" }),
});

/** A match condition that errs, then one that is false: no match, nothing refused (failurePolicy Fail). */
function falseConditionWinsOverError(): boolean {
  const world = policyWorld({ matchConditions: [{ name: "errs", expression: "object.spec.nope == 1" }, { name: "no", expression: "false" }], validations: [{ expression: "false" }] }, ["Deny"]);
  return dispatchPolicies(create(deployment(1)), world).error === undefined;
}

/** A validation that cannot be evaluated under failurePolicy Ignore refuses nothing; under Fail it refuses. */
function ignoreSwallowsEvaluationError(): boolean {
  const spec = (failurePolicy: string) => ({ failurePolicy, validations: [{ expression: "object.spec.nope == 1" }] });
  return dispatchPolicies(create(deployment(1)), policyWorld(spec("Ignore"), ["Deny"])).error === undefined
    && dispatchPolicies(create(deployment(1)), policyWorld(spec("Fail"), ["Deny"])).error !== undefined;
}

/** A failed validation under a Warn binding warns and refuses nothing. */
function warnDoesNotDeny(): boolean {
  const v = dispatchPolicies(create(deployment(6)), policyWorld({ validations: [{ expression: "object.spec.replicas <= 5" }] }, ["Warn"]));
  return v.error === undefined && v.warnings.length === 1;
}

const replicasSchema = (rule: string) => ({ type: "object", properties: { spec: { type: "object", properties: { replicas: { type: "integer", "x-kubernetes-validations": [{ rule }] }, note: { type: "string" } } } } });

/** A transition rule (oldSelf) is not run on a create. */
function transitionRuleSkippedOnCreate(): boolean {
  return celValidationErrors({ spec: { replicas: 3 } }, replicasSchema("self >= oldSelf")).length === 0;
}

/** An unchanged replicas 7 failing "self <= 5" is let through an update of another field; a changed 8 is not. */
function unchangedValueRatcheted(): boolean {
  const schema = replicasSchema("self <= 5");
  const old = { spec: { replicas: 7, note: "a" } };
  return celValidationErrors({ spec: { replicas: 7, note: "b" } }, schema, old).length === 0
    && celValidationErrors({ spec: { replicas: 8, note: "b" } }, schema, old).length === 1;
}

/** A victim already DisruptionTarget by an eviction is marked PreemptionByScheduler, its transition time kept. */
function otherDisruptionRewritten(): boolean {
  const victim: Pod = { metadata: { name: "v" }, status: { conditions: [{ type: "DisruptionTarget", status: "True", reason: "EvictionByEvictionAPI", message: "Eviction API: evicting", lastTransitionTime: iso(T0) }] } };
  const preemptor: Pod = { metadata: { name: "p" }, spec: { containers: [] } };
  const patch = victimDisruptionStatus(victim, preemptor, iso(T0 + 5_000));
  const c = patch?.conditions?.[0];
  return c?.reason === "PreemptionByScheduler" && c.lastTransitionTime === iso(T0);
}

/** PodGC does not mark a Succeeded pod Failed; a Running one it does. */
function succeededPodKeepsPhase(): boolean {
  const pod = (phase: string): Pod => ({ metadata: { name: "p" }, status: { phase } });
  const cond = { reason: "DeletionByPodGC", message: "PodGC: node no longer exists" };
  return failedStatusPatch(pod("Succeeded"), cond, iso(T0)) === undefined && failedStatusPatch(pod("Running"), cond, iso(T0)) !== undefined;
}

/** A matching orphan in another namespace is passed by; in the owner's, adopted. */
function adoptsInItsNamespaceOnly(): boolean {
  const orphan = (namespace: string) => ({ metadata: { name: "p", namespace } });
  return claimDecision(orphan("other"), "u", false, "default", true) === SKIP && claimDecision(orphan("default"), "u", false, "default", true) === ADOPT;
}

/** An owner being deleted leaves its pod that no longer matches as it is; a live owner releases it. */
function dyingOwnerReleasesNothing(): boolean {
  const owned = { metadata: { name: "p", namespace: "default", ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "u", controller: true }] } };
  return claimDecision(owned, "u", true, "default", false) === SKIP && claimDecision(owned, "u", false, "default", false) === RELEASE;
}

/** A Job's new pod carries the job-tracking finalizer. */
function podTracked(): boolean {
  const job: Job = { metadata: { name: "j", namespace: "default", uid: "job-uid" }, spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } } } };
  return (newPodForJob(job).metadata?.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
}

/** A Succeeded pod still uses count/pods, not pods. */
function terminalPodInObjectCount(): boolean {
  const u = podUsage({ metadata: { name: "p" }, spec: { containers: [{ name: "c" }] }, status: { phase: "Succeeded" } }, T0);
  return u.has("count/pods") && !u.has("pods");
}

/** A pod deleted at T0 with a 30 s grace still counts at T0+30 s, no longer at T0+30.001 s. */
function countsToEndOfGrace(): boolean {
  const pod = { metadata: { name: "p", deletionTimestamp: iso(T0), deletionGracePeriodSeconds: 30 }, status: { phase: "Running" } };
  return podCountsForQuota(pod, T0 + 30_000) && !podCountsForQuota(pod, T0 + 30_001);
}

/** A Ready node keeps a user's not-ready PreferNoSchedule taint. */
function userTaintOfManagedKeyKept(): boolean {
  const node: Node = { metadata: { name: "n1" }, spec: { taints: [{ key: "node.kubernetes.io/not-ready", effect: "PreferNoSchedule" }] }, status: { conditions: [{ type: "Ready", status: "True" }] } };
  const changes = taintChanges(node, T0);
  return changes.remove.length === 0 && changes.add.length === 0;
}

/** A deleted pod's exited container is not restarted (restartPolicy Always). */
function deletedPodNotRestarted(): boolean {
  const pod: Pod = { metadata: { name: "p", deletionTimestamp: iso(T0) }, spec: { restartPolicy: "Always", containers: [{ name: "c", image: "busybox" }] } };
  return shouldContainerBeRestarted(pod.spec!.containers[0]!, pod, { sandboxes: [], containers: [{ id: "c1", name: "c", state: "exited", exitCode: 1 }] }) === false;
}

/** An init container in an unknown state has failed. */
function unknownInitFailed(): boolean {
  return isInitContainerFailed({ state: "unknown" });
}

/** A projection's expirationSeconds 7200 goes into the TokenRequest. */
function tokenExpirationSent(): boolean {
  const pod: Pod = { metadata: { name: "p" }, spec: { containers: [] } };
  const body = tokenRequestBody(pod, "uid", { path: "token", expirationSeconds: 7200 }) as { spec: { expirationSeconds?: number } };
  return body.spec.expirationSeconds === 7200;
}

describe("round twenty-two's mutants", () => {
  const rows: Array<[string, () => boolean]> = [
    ["servicecidrs.parent-covers-any-range", everyRangeNeedsAParent],
    ["servicecidrs.unmanaged-address-blocks", unmanagedAddressDoesNotBlock],
    ["servicecidr.network-address-contained", networkAddressNotContained],
    ["servicecidr.no-condition-not-ready", noConditionIsReady],
    ["kube-proxy.partial-zone-hints-used", partialZoneHintsIgnored],
    ["kube-proxy.unready-endpoint-hints-judged", unreadyEndpointsNotJudged],
    ["endpointslice.same-zone-hints-nodes", sameZoneHintsZonesOnly],
    ["matchconditions.error-before-false", falseConditionWinsOverError],
    ["vap.ignore-policy-denies-on-error", ignoreSwallowsEvaluationError],
    ["vap.warn-action-denies", warnDoesNotDeny],
    ["crdrules.transition-rule-on-create", transitionRuleSkippedOnCreate],
    ["crdrules.unchanged-value-not-ratcheted", unchangedValueRatcheted],
    ["scheduler.victim-other-disruption-kept", otherDisruptionRewritten],
    ["podgc.succeeded-pod-marked-failed", succeededPodKeepsPhase],
    ["claim.adopts-other-namespace", adoptsInItsNamespaceOnly],
    ["claim.dying-owner-releases", dyingOwnerReleasesNothing],
    ["job.pod-without-tracking-finalizer", podTracked],
    ["quota.object-count-skips-terminal-pods", terminalPodInObjectCount],
    ["quota.grace-end-exclusive", countsToEndOfGrace],
    ["nodelifecycle.managed-taint-by-key-only", userTaintOfManagedKeyKept],
    ["kubelet.deleted-pod-container-restarted", deletedPodNotRestarted],
    ["kubelet.unknown-init-not-failed", unknownInitFailed],
    ["kubelet.token-expiration-dropped", tokenExpirationSent],
  ];
  for (const [name, holds] of rows) {
    it(`${name}: the rule holds, and the mutant breaks it`, () => {
      expect(holds()).toBe(true);
      setMutants([name]);
      expect(holds()).toBe(false);
    });
  }
});
