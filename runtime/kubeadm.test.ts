// kubeadm's mark-control-plane patch (markcontrolplane_test.go TestMarkControlPlane's rows, with
// v1.35's labels: the control-plane role and exclude-from-external-load-balancers) and which of a
// given Node's labels and taints its kubelet registers and which the admin adds after.

import { describe, expect, it } from "vitest";
import { adminMarks, markPatch } from "./kubeadm.js";
import { splitNodeMarks } from "../machines/common/kubeletlabels.js";

const role = "node-role.kubernetes.io/control-plane";
const exclude = "node.kubernetes.io/exclude-from-external-load-balancers";
const cpTaint = { key: role, effect: "NoSchedule" };
const uninitialized = { key: "node.cloudprovider.kubernetes.io/uninitialized", effect: "NoSchedule" };
const marked = { [role]: "", [exclude]: "" };
const node = (labels: Record<string, string>, taints?: unknown[]) => ({ metadata: { name: "node01", labels: { "kubernetes.io/hostname": "node01", ...labels } }, ...(taints ? { spec: { taints } } : {}) }) as any;

describe("mark-control-plane's patch of the Node it read (TestMarkControlPlane)", () => {
  it.each([
    ["control-plane label and taint missing", {}, undefined, [cpTaint], { metadata: { labels: marked }, spec: { taints: [cpTaint] } }],
    ["control-plane label and taint missing but taint not wanted", {}, undefined, [], { metadata: { labels: marked } }],
    ["control-plane label missing", {}, [cpTaint], [cpTaint], { metadata: { labels: marked } }],
    ["control-plane taint missing", marked, undefined, [cpTaint], { spec: { taints: [cpTaint] } }],
    // kubeadm sends the empty patch {}; nothing to send is the same write (none)
    ["nothing missing", marked, [cpTaint], [cpTaint], undefined],
    ["has taint and no new taints wanted", marked, [uninitialized], [], undefined],
    ["has taint and should merge with wanted taint", marked, [uninitialized], [cpTaint], { spec: { taints: [cpTaint, uninitialized] } }],
  ] as const)("%s", (_name, labels, existingTaints, newTaints, patch) => {
    expect(markPatch(node(labels, existingTaints as unknown[] | undefined), { labels: marked, taints: [...newTaints] })).toEqual(patch);
  });
});

describe("who sets a given Node's labels and taints", () => {
  it("a kind control plane: its kubelet registers the kubelet labels, kubeadm adds the role, its label and taint", () => {
    const given = node({ "kubernetes.io/os": "linux", ...marked }, [cpTaint]);
    expect(splitNodeMarks(given.metadata.labels, given.spec.taints)).toEqual({
      kubelet: { labels: { "kubernetes.io/hostname": "node01", "kubernetes.io/os": "linux" }, taints: [] },
      admin: { labels: marked, taints: [cpTaint] },
    });
  });

  it("a worker: --node-labels carries its own and other domains' labels, --register-with-taints its taints; a role or a node-restriction label waits for the admin", () => {
    const labels = { "topology.kubernetes.io/zone": "a", "example.com/tier": "db", [exclude]: "", "node-role.kubernetes.io/worker": "", "node-restriction.kubernetes.io/pool": "p" };
    expect(splitNodeMarks(labels, [uninitialized, cpTaint])).toEqual({
      kubelet: { labels: { "topology.kubernetes.io/zone": "a", "example.com/tier": "db", [exclude]: "" }, taints: [uninitialized, cpTaint] },
      admin: { labels: { "node-role.kubernetes.io/worker": "", "node-restriction.kubernetes.io/pool": "p" }, taints: [] },
    });
  });

  it("a node with only kubelet labels needs no admin write", () => {
    expect(adminMarks(node({ "kubernetes.io/os": "linux", "example.com/x": "1" }, [uninitialized]))).toBeUndefined();
  });
});
