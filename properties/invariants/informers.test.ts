// informersMatchLists (watchNeverSkipsOrRepeats at quiescence) remembers its answers by the
// persistent values it reads: these runs change one side at a time and expect the fresh answer.
import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";
import { informersMatchLists } from "./index.js";

const pod = (name: string) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" }, spec: { containers: [{ name: "c", image: "nginx:1.27" }] } });
const messages = (rt: any) => informersMatchLists(rt).map((v) => v.message).filter((m) => m.startsWith("scheduler "));

describe("informersMatchLists, asked again after one side changed", () => {
  it("sees a pod the API server stores and the scheduler's informer never got, and no difference once it gets it", async () => {
    const c = createCluster({ nodes: 1, seed: 4 });
    await c.apply(pod("a"));
    await c.settle();
    const rt = c.runtime;
    expect(informersMatchLists(rt)).toEqual([]);
    expect(informersMatchLists(rt)).toEqual([]);
    // The scheduler's watch events are held back: the store stays, the API server's list moves on.
    const held: Array<[string, string, any]> = [];
    rt.sendHook = (from, to, msg) => {
      if (to !== "scheduler" || msg.type !== "WatchEvent" || msg.object?.kind !== "Pod") return false;
      held.push([from, to, msg]);
      return true;
    };
    expect(c.requestSync({ verb: "create", group: "", resource: "pods", namespace: "default", body: pod("b") }).ok).toBe(true);
    await c.settle();
    const rv = c.get("Pod", "b", "default").metadata.resourceVersion;
    expect(messages(rt)).toEqual([`scheduler informer for pods (status.phase!=Succeeded,status.phase!=Failed): missing default/b (resourceVersion ${rv})`]);
    rt.sendHook = undefined;
    for (const [from, to, msg] of held) rt.post(from, to, msg);
    await c.settle();
    expect(informersMatchLists(rt)).toEqual([]);
    await c.stop();
  });
});
