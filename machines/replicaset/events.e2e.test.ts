// A ReplicaSet's SuccessfulCreate events end to end, through client-go's legacy recorder as the
// ReplicaSet controller has it (tools/record/events_cache.go): the controller's events about one
// ReplicaSet share a source, object and type, so
//   - events 1 to 9 are written as they are, each "Created pod: <name>";
//   - the 10th distinct message within 600 s is the aggregate "(combined from similar events):
//     Created pod: <name>", and the 11th on are patches of it (count, lastTimestamp, message);
//   - the spam filter lets 25 writes through (burst 25, one more each 300 s): the 25th is the
//     aggregate's 16th; the other 75 creations of a 100-pod scale-up are not written.

import { afterEach, describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";

const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

const rs = (replicas: number) => ({
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  metadata: { name: "web", namespace: "default" },
  spec: { replicas, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx:1.27" }] } } },
});

const rsEvents = (c: Cluster) => c.events({ namespace: "default" }).filter((e: any) => e.involvedObject.kind === "ReplicaSet" && e.involvedObject.name === "web");

describe("a ReplicaSet scaled to 100 pods", () => {
  it("writes 9 SuccessfulCreate events, then one aggregate counted to 16, and drops the rest (spam filter burst 25)", async () => {
    const c = createCluster({ nodes: 2, seed: 7 });
    clusters.push(c);
    await c.settle();
    await c.apply(rs(100));
    await c.settle();
    const pods = c.list("Pod", { namespace: "default", labelSelector: "app=web" }).map((p: any) => p.metadata.name);
    expect(pods).toHaveLength(100);
    const evs = rsEvents(c);
    expect(evs).toHaveLength(10);
    const single = evs.filter((e: any) => e.count === 1 && !e.message.startsWith("(combined"));
    expect(single).toHaveLength(9);
    for (const e of single) {
      expect(e).toMatchObject({ type: "Normal", reason: "SuccessfulCreate", source: { component: "replicaset-controller" } });
      expect(pods).toContain(e.message.replace(/^Created pod: /, ""));
    }
    const [agg] = evs.filter((e: any) => e.message.startsWith("(combined"));
    expect(agg).toMatchObject({ type: "Normal", reason: "SuccessfulCreate", count: 16, source: { component: "replicaset-controller" }, reportingComponent: "", reportingInstance: "" });
    expect(agg.message).toMatch(/^\(combined from similar events\): Created pod: web-[a-z0-9]{5}$/);
    const named = agg.message.replace(/^.*Created pod: /, "");
    expect(pods).toContain(named);
    expect(single.map((e: any) => e.message)).not.toContain(`Created pod: ${named}`);
  });

  it("lets one more event through each 300 s: scaled down after ten minutes, two SuccessfulDelete events are written", async () => {
    const c = createCluster({ nodes: 2, seed: 7 });
    clusters.push(c);
    await c.settle();
    await c.apply(rs(30));
    await c.settle();
    // 30 creations: 9 single, the aggregate x16, 5 dropped; the bucket is empty
    expect(rsEvents(c).map((e: any) => e.count).sort((a: number, b: number) => a - b)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 16]);
    c.advance(600_000);
    await c.apply(rs(20));
    await c.settle();
    // ten minutes refilled two tokens: the first two deletions (a new reason: no aggregate yet)
    const deletes = rsEvents(c).filter((e: any) => e.reason === "SuccessfulDelete");
    expect(deletes.map((e: any) => [e.count, e.message.replace(/web-[a-z0-9]{5}/, "web-*")])).toEqual([
      [1, "Deleted pod: web-*"],
      [1, "Deleted pod: web-*"],
    ]);
  });
});
