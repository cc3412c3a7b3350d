// The docs' StatefulSet tutorial (tutorials/stateful-application/basic-stateful-set) with web.yaml
// scaled to three replicas, over many seeds: each pod is created once the one before is Running and
// Ready, its claim provisioned and bound by the default StorageClass. The kubelet may read a claim
// between the PersistentVolume controller's two writes (spec.volumeName, then phase Bound); the
// volume manager retries, so every seed ends with web-0, web-1 and web-2 Running on Bound claims.

import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createCluster } from "../../index.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

const web = readFileSync(new URL("../../examples/web.yaml", import.meta.url), "utf8").replace("  replicas: 2", "  replicas: 3");
const SEEDS = Array.from({ length: 30 }, (_, i) => i + 1);

describe("web.yaml with three replicas, over 30 seeds", () => {
  for (const seed of SEEDS) {
    it(`ends with web-0, web-1 and web-2 Running on their Bound claims (seed ${seed})`, async () => {
      const c = createCluster({ seed });
      clusters.push(c);
      await c.apply(web);
      await c.settle();
      const pods = c.list("Pod", { namespace: "default", labelSelector: "app=nginx" }).map((p: any) => `${p.metadata.name} ${p.status.phase}`);
      expect(pods).toEqual(["web-0 Running", "web-1 Running", "web-2 Running"]);
      const claims = c.list("PersistentVolumeClaim", { namespace: "default" }).map((p: any) => `${p.metadata.name} ${p.status.phase}`);
      expect(claims).toEqual(["www-web-0 Bound", "www-web-1 Bound", "www-web-2 Bound"]);
    });
  }
});
