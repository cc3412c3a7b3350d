// Round nineteen's escapes and the checks added for them: each check below holds on the correct code
// and fails with its mutant on. The expectations are Kubernetes' rules, not the code's output:
// namespace/matcher.go never exempts a cluster-scoped object by a namespaceSelector; a webhook's
// timeoutSeconds is 1 to 30 and its name unique in its configuration (admissionregistration
// validation); APF's rule.go matches "/healthz" only at /healthz and under /healthz/, and takes "*"
// as a wildcard only alone; a RoleBinding's roleRef is compared whole on update; the disruption
// controller syncs the budget a relabelled pod's old labels matched (updatePod) and counts a
// Deployment's pods by the Deployment's scale (getPodDeployment). The last is an invariant of the
// random search, added for a round-nineteen mutant it could not see: an event the kubelet records
// about a container names it by its pod spec's list (pkg/kubelet/container/ref.go fieldPath).
import { afterEach, describe, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { createCluster } from "../../runtime/cluster.js";
import { InvariantChecker, invariants, type Violation } from "../invariants/index.js";
import { shouldCallHook } from "../../machines/apiserver/admission/webhooks.js";
import { validateValidatingWebhookConfiguration } from "../../machines/apiserver/validation/webhookconfig.js";
import { classify } from "../../machines/apiserver/flowcontrol.js";
import { validateUpdate } from "../../machines/apiserver/validation/index.js";

afterEach(() => setMutants([]));

const small = { requests: { cpu: "10m", memory: "16Mi" } };

/** A namespaceSelector does not keep a webhook from a Node's request (a Node has no namespace). */
function clusterScopedNeverExempted(): boolean {
  const hook = { name: "h.example.com", rules: [{ operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources: ["nodes"] }], namespaceSelector: { matchLabels: { env: "prod" } } };
  const attrs = { operation: "CREATE" as const, group: "", version: "v1", resource: "nodes", subresource: "", kind: "Node", name: "n", namespace: "", dryRun: false, user: { name: "u", groups: [] } };
  return shouldCallHook(hook, attrs, () => undefined) === true;
}

const webhookConfig = (webhooks: object[]) => ({ metadata: { name: "config" }, webhooks: webhooks.map((o) => ({ name: "webhook.k8s.io", clientConfig: { url: "https://example.com" }, sideEffects: "None", admissionReviewVersions: ["v1"], ...o })) });

/** timeoutSeconds 0 is refused. */
const webhookTimeoutZeroRefused = () => validateValidatingWebhookConfiguration(webhookConfig([{ timeoutSeconds: 0 }])).some((e) => e.field === "webhooks[0].timeoutSeconds");
/** Two webhooks of one name are refused. */
const webhookDuplicateNamesRefused = () => validateValidatingWebhookConfiguration(webhookConfig([{}, {}])).some((e) => e.field === "webhooks[1].name");

const user = { name: "system:anonymous", groups: ["system:unauthenticated"] };
const fs = (rule: object) => ({ metadata: { name: "mine" }, spec: { matchingPrecedence: 100, rules: [{ subjects: [{ kind: "Group", group: { name: "system:unauthenticated" } }], ...rule }] } });
/** A non-resource rule for /healthz does not match /healthzfoo. */
const nonResourcePrefixNeedsSlash = () => classify([fs({ nonResourceRules: [{ verbs: ["get"], nonResourceURLs: ["/healthz"] }] })], { user, verb: "get", path: "/healthzfoo" }) === undefined;
/** Verbs ["get", "*"] do not match delete. */
const wildcardOnlyAlone = () => classify([fs({ resourceRules: [{ verbs: ["get", "*"], apiGroups: [""], resources: ["pods"], namespaces: ["*"] }] })], { user, verb: "delete", resource: { group: "", resource: "pods", namespace: "default" } }) === undefined;

/** A RoleBinding whose roleRef changes from Role r to ClusterRole r is refused. */
function roleRefKindFixed(): boolean {
  const old = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "b", namespace: "ns", resourceVersion: "1" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "r" }, subjects: [] };
  return validateUpdate({ ...old, roleRef: { ...old.roleRef, kind: "ClusterRole" } }, old).some((e) => e.field === "roleRef");
}

const pdb = (spec: object) => ({ apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "nginx-pdb", namespace: "default" }, spec: { selector: { matchLabels: { app: "nginx" } }, ...spec } });

/** A bare pod relabelled out of a minAvailable 1 budget leaves the budget with no pods. */
async function relabelledPodLeavesBudget(): Promise<boolean> {
  const c = createCluster({ nodes: 1, seed: 7, clock: "simulated" });
  try {
    await c.apply([{ apiVersion: "v1", kind: "Pod", metadata: { name: "solo", namespace: "default", labels: { app: "nginx" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] } }, pdb({ minAvailable: 1 })]);
    await c.settle();
    c.advance(10_000);
    await c.settle();
    c.requestSync({ verb: "patch", group: "", resource: "pods", namespace: "default", name: "solo", patchType: "merge", body: { metadata: { labels: { app: "other" } } } });
    await c.settle();
    c.advance(10_000);
    await c.settle();
    const st = c.get("PodDisruptionBudget", "nginx-pdb", "default")?.status;
    return st?.currentHealthy === 0 && st?.expectedPods === 0;
  } finally {
    await c.stop();
  }
}

/** A Deployment of 2 whose rollout is stuck with one surge pod: the budget expects 2 pods. */
async function deploymentScaleCounted(): Promise<boolean> {
  const c = createCluster({ nodes: 2, seed: 7, clock: "simulated" });
  try {
    const deployment = (probe: boolean) => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "nginx", namespace: "default" }, spec: { replicas: 2, selector: { matchLabels: { app: "nginx" } }, template: { metadata: { labels: { app: "nginx" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.27", ...(probe ? { readinessProbe: { httpGet: { path: "/", port: 9999 }, periodSeconds: 1 } } : {}) }] } } } });
    await c.apply([deployment(false), pdb({ minAvailable: "50%" })]);
    await c.settle();
    c.advance(10_000);
    await c.settle();
    await c.apply(deployment(true));
    await c.settle();
    c.advance(20_000);
    await c.settle();
    return c.get("PodDisruptionBudget", "nginx-pdb", "default")?.status?.expectedPods === 2;
  } finally {
    await c.stop();
  }
}

describe("round nineteen's escapes", () => {
  const rows: Array<[string, () => boolean]> = [
    ["webhook.cluster-scoped-checks-namespace-selector", clusterScopedNeverExempted],
    ["validation.webhook-timeout-zero-accepted", webhookTimeoutZeroRefused],
    ["validation.webhook-duplicate-names-accepted", webhookDuplicateNamesRefused],
    ["flowcontrol.nonresource-prefix-without-slash", nonResourcePrefixNeedsSlash],
    ["flowcontrol.wildcard-among-others-matches", wildcardOnlyAlone],
    ["validation.rolebinding-roleref-kind-change-accepted", roleRefKindFixed],
  ];
  for (const [name, holds] of rows) {
    it(`${name}: the rule holds, and the mutant breaks it`, () => {
      expect(holds()).toBe(true);
      setMutants([name]);
      expect(holds()).toBe(false);
    });
  }

  it("disruption.relabelled-pod-old-budget-not-queued: a pod relabelled out of a budget leaves it", async () => {
    expect(await relabelledPodLeavesBudget()).toBe(true);
    setMutants(["disruption.relabelled-pod-old-budget-not-queued"]);
    expect(await relabelledPodLeavesBudget()).toBe(false);
  });

  it("disruption.deployment-pod-scale-from-replicaset: a Deployment's pods count its scale", async () => {
    expect(await deploymentScaleCounted()).toBe(true);
    setMutants(["disruption.deployment-pod-scale-from-replicaset"]);
    expect(await deploymentScaleCounted()).toBe(false);
  });
});

/** A small run with a pod whose init container runs before its app container, judged by the named invariants. */
async function invariantRun(names: string[]): Promise<Violation[]> {
  const c = createCluster({ nodes: 1, seed: 19, clock: "simulated" });
  const checker = new InvariantChecker(c.runtime, invariants.filter((s) => names.includes(s.name)));
  const seen: Violation[] = [];
  c.runtime.observers.push(() => void seen.push(...checker.step()));
  try {
    await c.apply([
      { apiVersion: "v1", kind: "Pod", metadata: { name: "prepared", namespace: "default" }, spec: { initContainers: [{ name: "init", image: "busybox:1.36", command: ["sh", "-c", "sleep 1"], resources: small }], containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"], resources: small }] } },
    ]);
    await c.settle();
    c.advance(10_000);
    await c.settle();
    return seen;
  } finally {
    await c.stop();
  }
}

describe("round nineteen's invariants of the random search", () => {
  it("kubeletEventNamesItsContainer holds for the kubelet and reports kubelet.event-init-container-field-path", async () => {
    expect(await invariantRun(["kubeletEventNamesItsContainer"])).toEqual([]);
    setMutants(["kubelet.event-init-container-field-path"]);
    const seen = await invariantRun(["kubeletEventNamesItsContainer"]);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.map((v) => v.message)).toContainEqual(expect.stringContaining("with fieldPath spec.containers{init}, but the pod's spec lists that container as spec.initContainers{init}"));
  });
});
