// The scheduler through createCluster: node affinity terms that do not parse, scheduling gates and
// nominated pods. Expectations from Kubernetes' docs and source (component-helpers nodeaffinity,
// concepts/scheduling-eviction/pod-scheduling-readiness, the nominator in RunFilterPluginsWithNominatedPods).

import { afterEach, describe, expect, it } from "vitest";
import { createCluster } from "../../index.js";
import { schedulerFilter } from "../../semantics.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});
function cluster(opts: Parameters<typeof createCluster>[0]): Cluster {
  const c = createCluster(opts);
  clusters.push(c);
  return c;
}
const node = (name: string, cpu: string, labels: Record<string, string> = {}) => ({
  apiVersion: "v1", kind: "Node",
  metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } },
  status: { capacity: { cpu, memory: "16Gi", pods: "110" }, allocatable: { cpu, memory: "16Gi", pods: "110" }, conditions: [{ type: "Ready", status: "True" }] },
});
const pod = (name: string, spec: any = {}, cpu = "100m") => ({
  apiVersion: "v1", kind: "Pod", metadata: { name },
  spec: { containers: [{ name: "app", image: "registry.k8s.io/pause:3.10", resources: { requests: { cpu } } }], ...spec },
});
const scheduled = (c: Cluster, name: string) => c.get("Pod", name, "default")?.status?.conditions?.find((x: any) => x.type === "PodScheduled");

describe("node affinity: a term whose requirement does not parse matches no node", () => {
  const affinity = (values: string[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "NotIn", values }] }] } } } });

  it("the API server refuses a new pod whose required term has a value that is no label value (AllowInvalidLabelValueInRequiredNodeAffinity is false)", async () => {
    const c = cluster({ nodes: [node("node-1", "4", { zone: "a" })], seed: 3 });
    await expect(c.apply(pod("bad", affinity(["not a label value"])))).rejects.toThrow(/values\[0\]: Invalid value: "not a label value": a valid label must be an empty string/);
    expect(c.get("Pod", "bad", "default")).toBeUndefined();
  });

  it("the default profile's filter (pods stored before that validation) does not match such a term, and matches it with a valid value", () => {
    const n = node("node-1", "4", { zone: "b" }) as any;
    expect(schedulerFilter(pod("bad", affinity(["not a label value"])) as any, n, [])).toEqual({ fit: false, code: "UnschedulableAndUnresolvable", reasons: ["node(s) didn't match Pod's node affinity/selector"] });
    expect(schedulerFilter(pod("good", affinity(["a"])) as any, n, []).fit).toBe(true);
  });
});
