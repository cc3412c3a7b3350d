// A persistentVolumeClaim volume with readOnly: true is mounted read-only in every container
// (core/v1 PersistentVolumeClaimVolumeSource.readOnly: "Will force the ReadOnly setting in
// VolumeMounts"), whatever the volumeMount says; the same claim without it is writable.

import { afterEach, describe, expect, it } from "vitest";
import { createCluster } from "../../index.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

const claim = { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } };
const user = (name: string, readOnly: boolean) => ({
  apiVersion: "v1", kind: "Pod", metadata: { name },
  spec: {
    restartPolicy: "Never",
    volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data", ...(readOnly ? { readOnly: true } : {}) } }],
    containers: [{ name, image: "busybox:1.36", command: ["sh", "-c", `echo x > /data/${name} && echo wrote || echo refused`], volumeMounts: [{ name: "d", mountPath: "/data" }] }],
  },
});

function logsOf(c: Cluster, container: string, node: string): string {
  const cri = (c as unknown as { runtime: { snapshot(a: string): { context: { containers: Map<string, { name: string; logs: { toArray(): { line: string }[] } }> } } } }).runtime.snapshot(`cri/${node}`);
  return [...cri.context.containers.values()].filter((x) => x.name === container).flatMap((x) => x.logs.toArray().map((l) => l.line)).join("\n");
}

describe("a persistentVolumeClaim volume marked readOnly", () => {
  it("refuses a write the same claim without readOnly takes", async () => {
    const c = createCluster({ nodes: 1, seed: 7 });
    clusters.push(c);
    await c.apply([claim, user("writer", false)]);
    await c.settle();
    expect(c.get("Pod", "writer").status.phase).toBe("Succeeded");
    expect(logsOf(c, "writer", "node-1")).toBe("wrote");
    await c.apply(user("reader", true));
    await c.settle();
    expect(c.get("Pod", "reader").status.phase).toBe("Succeeded");
    expect(logsOf(c, "reader", "node-1")).toContain("refused");
    expect(logsOf(c, "reader", "node-1")).not.toContain("wrote");
  });
});
