// The allocation manager's admission of a resize and the pod worker's choice of action, against the
// rows of TestHandlePodResourcesResize (pkg/kubelet/allocation/allocation_manager_test.go): a node of
// 4 cpu and 4Gi, two other pods of 1 cpu and 1Gi each, the resized pod at 1 cpu and 1Gi; each row
// is tried for a regular container and for a sidecar, as the Go test does.

import { describe, it, expect } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { canResizePod, resizeAction, sameResources, type NodeCapacity } from "./resize.js";

const node: NodeCapacity = { cpu: 4000, memory: 4 * 2 ** 30 };
const other = (uid: string): Pod => ({ metadata: { uid }, spec: { containers: [{ name: "c1", image: "i1", resources: { requests: { cpu: "1", memory: "1Gi" } } }] } });
const others = [other("2222"), other("3333")];

function resized(requests: Record<string, string>, sidecar: boolean, annotations?: Record<string, string>): Pod {
  const c = { name: "c1", image: "i1", resources: { requests } };
  return {
    metadata: { uid: "1111", name: "pod1", namespace: "ns1", ...(annotations ? { annotations } : {}) },
    spec: sidecar ? { initContainers: [{ ...c, name: "c1-init", restartPolicy: "Always" }], containers: [] } : { containers: [c] },
  };
}

// [name, new requests, want: "fit" or [reason, message]]
const rows: [string, Record<string, string>, "fit" | [string, string], Record<string, string>?][] = [
  ["Request CPU and memory decrease - expect InProgress", { cpu: "500m", memory: "500Mi" }, "fit"],
  ["Request CPU increase, memory decrease - expect InProgress", { cpu: "1500m", memory: "500Mi" }, "fit"],
  ["Request CPU decrease, memory increase - expect InProgress", { cpu: "500m", memory: "1500Mi" }, "fit"],
  ["Request CPU and memory increase beyond current capacity - expect Deferred", { cpu: "2500m", memory: "2500Mi" },
    ["Deferred", "Node didn't have enough resource: cpu, requested: 2500, used: 2000, capacity: 4000"]],
  ["Request CPU decrease and memory increase beyond current capacity - expect Deferred", { cpu: "500m", memory: "2500Mi" },
    ["Deferred", "Node didn't have enough resource: memory, requested: 2621440000, used: 2147483648, capacity: 4294967296"]],
  ["Request memory increase beyond node capacity - expect Infeasible", { cpu: "1", memory: "4500Mi" },
    ["Infeasible", "Node didn't have enough capacity: memory, requested: 4718592000, capacity: 4294967296"]],
  ["Request CPU increase beyond node capacity - expect Infeasible", { cpu: "5000m", memory: "1Gi" },
    ["Infeasible", "Node didn't have enough capacity: cpu, requested: 5000, capacity: 4000"]],
  ["No resize", { cpu: "1", memory: "1Gi" }, "fit"],
  ["static pod, expect Infeasible", { cpu: "500m", memory: "500Mi" }, ["Infeasible", "In-place resize of static-pods is not supported"], { "kubernetes.io/config.source": "file" }],
  ["Increase CPU from min shares", { cpu: "1" }, "fit"],
  ["Decrease CPU to min shares", { cpu: "2m" }, "fit"],
  // noderesources.Fits refuses only a request above what is left (podRequest > allocatable - requested)
  ["Request CPU increase to exactly what the node has left - expect InProgress", { cpu: "2000m", memory: "1Gi" }, "fit"],
  ["Request memory increase to exactly what the node has left - expect InProgress", { cpu: "1", memory: "2Gi" }, "fit"],
];

describe("canResizePod (TestHandlePodResourcesResize)", () => {
  for (const [name, requests, want, annotations] of rows) {
    for (const sidecar of [false, true]) {
      it(`${name}/sidecar=${sidecar}`, () => {
        const got = canResizePod(resized(requests, sidecar, annotations), others, node);
        // the Go test compares the message as a substring: Kubernetes' is the full one here
        expect(got).toEqual(want === "fit" ? { fit: true } : { fit: false, reason: want[0], message: want[1] });
      });
    }
  }
});

describe("resizeAction (computePodResizeAction)", () => {
  const spec = (policies: Record<string, string> = {}) => ({ name: "c", resizePolicy: Object.entries(policies).map(([resourceName, restartPolicy]) => ({ resourceName, restartPolicy })) });
  const now = { requests: { cpu: "700m", memory: "200Mi" }, limits: { cpu: "700m", memory: "200Mi" } };
  it("a container already running with its allocation needs nothing", () => expect(resizeAction(spec(), now, { ...now })).toBe("none"));
  it("the same amounts written differently are no change (1 and 1000m)", () => expect(sameResources({ requests: { cpu: "1" } }, { requests: { cpu: "1000m" } })).toBe(true));
  it("a cpu change with NotRequired is applied in place", () => expect(resizeAction(spec({ cpu: "NotRequired", memory: "RestartContainer" }), now, { ...now, limits: { cpu: "800m", memory: "200Mi" }, requests: { cpu: "800m", memory: "200Mi" } })).toBe("update"));
  it("a memory change with RestartContainer restarts the container", () => expect(resizeAction(spec({ cpu: "NotRequired", memory: "RestartContainer" }), now, { limits: { cpu: "700m", memory: "300Mi" }, requests: { cpu: "700m", memory: "300Mi" } })).toBe("restart"));
  it("a memory request change alone with RestartContainer restarts it too", () => expect(resizeAction(spec({ memory: "RestartContainer" }), now, { limits: now.limits, requests: { cpu: "700m", memory: "100Mi" } })).toBe("restart"));
  it("no resizePolicy means NotRequired: updated in place", () => expect(resizeAction(spec(), now, { limits: { cpu: "700m", memory: "300Mi" }, requests: { cpu: "700m", memory: "300Mi" } })).toBe("update"));
});
