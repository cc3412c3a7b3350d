// Faults are messages to the machine they affect: the API server, told that a watch broke, that a
// partition healed, that a client died or that etcd was compacted, changes its own state, and the
// trace shows each change as a delivery. Expectations from kube-apiserver's watch cache: a watch
// that ends is closed with ERROR 410 Expired, and one resumed from before the oldest kept revision
// gets "too old resource version: <requested> (<oldest-1>)".

import { describe, it, expect } from "vitest";
import { createCluster, type Cluster } from "./cluster.js";
import { NumberLiteral } from "../machines/apiserver/schema/decode.js";
import { FaultInjector, defaultFaultSettings, faultNames, faultSettingsFromSeed, hotRates } from "./faults.js";

function setUp(): { cluster: Cluster; got: Record<string, any[]>; watch: (client: string, watchId: number, resourceVersion?: string) => void; create: (name: string) => number } {
  const cluster = createCluster({ seed: 1, clock: "simulated", only: ["etcd", "apiserver"] });
  cluster.runtime.settle();
  const got: Record<string, any[]> = { a: [], b: [] };
  for (const c of ["a", "b"]) cluster.runtime.external(c, (msg) => got[c]!.push(msg));
  let id = 1;
  const watch = (client: string, watchId: number, resourceVersion?: string) => {
    cluster.runtime.send(client, "apiserver", { type: "ApiRequest", id: id++, token: cluster.adminToken, verb: "watch", group: "", resource: "configmaps", namespace: "default", watchId, ...(resourceVersion ? { resourceVersion } : {}) } as any);
    cluster.runtime.settle();
  };
  const create = (name: string) => {
    cluster.runtime.send("a", "apiserver", { type: "ApiRequest", id: id++, token: cluster.adminToken, verb: "create", group: "", resource: "configmaps", namespace: "default", body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name } } } as any);
    cluster.runtime.settle();
    return Number(cluster.get("ConfigMap", name).metadata.resourceVersion);
  };
  return { cluster, got, watch, create };
}

const events = (msgs: any[], watchId: number) => msgs.filter((m) => m.type === "WatchEvent" && m.watchId === watchId).map((m) => (m.eventType === "ERROR" ? `ERROR ${m.object.code} ${m.object.reason}` : m.eventType === "CLOSED" ? "CLOSED" : `${m.eventType} ${m.object.metadata.name}`));

describe("faults are messages the API server handles", () => {
  it("DisconnectWatch breaks one watch's stream: it ends without an event (CLOSED, no 410) and gets nothing after", () => {
    // A broken connection is EOF to client-go's StreamWatcher, not an ERROR event; the reflector
    // then watches again from its last resourceVersion.
    const { cluster, got, watch, create } = setUp();
    watch("a", 7);
    cluster.runtime.post("runtime", "apiserver", { type: "DisconnectWatch", pick: 0 });
    cluster.runtime.settle();
    create("after");
    expect(events(got.a!, 7)).toEqual(["CLOSED"]);
    expect(cluster.runtime.trace().some((e) => e.kind === "deliver" && e.from === "runtime" && e.type === "DisconnectWatch")).toBe(true);
  });

  it("DisconnectClientWatches ends each watch of that client with 410 and leaves the others' watches open", () => {
    const { cluster, got, watch, create } = setUp();
    watch("a", 1);
    watch("a", 2);
    watch("b", 1);
    cluster.runtime.post("runtime", "apiserver", { type: "DisconnectClientWatches", client: "a" });
    cluster.runtime.settle();
    create("after");
    expect([events(got.a!, 1), events(got.a!, 2)]).toEqual([["ERROR 410 Expired"], ["ERROR 410 Expired"]]);
    expect(events(got.b!, 1)).toEqual(["ADDED after"]);
  });

  it("SlideWatchCache keeps the newest entries: resuming before them is 410 too old resource version, from within it is served, and etcd is compacted", () => {
    const { cluster, got, watch, create } = setUp();
    const revs = ["c1", "c2", "c3", "c4", "c5"].map(create);
    cluster.runtime.post("runtime", "apiserver", { type: "SlideWatchCache", keep: 2 });
    cluster.runtime.settle();
    const oldestKept = revs[3]!;
    watch("b", 1, String(revs[1]));
    expect(got.b!.filter((m) => m.watchId === 1).map((m) => m.object.message)).toEqual([`too old resource version: ${revs[1]} (${oldestKept - 1})`]);
    watch("b", 2, String(oldestKept - 1));
    expect(events(got.b!, 2)).toEqual(["ADDED c4", "ADDED c5"]);
    expect(cluster.runtime.snapshot("etcd").context.compactRevision).toBe(revs[4]);
  });
});

describe("a crashed client's connections close", () => {
  it("the API server is told at once: the client's watches are gone before it can start again, and the trace shows it", () => {
    const cluster = createCluster({ seed: 1, clock: "simulated" });
    cluster.runtime.settle();
    const watchers = () => [...cluster.runtime.snapshot("apiserver").context.cache.watches.values()].filter((w: any) => w.client === "scheduler").length;
    expect(watchers()).toBeGreaterThan(0);
    cluster.runtime.crash("scheduler");
    expect(watchers()).toBe(0);
    expect(cluster.runtime.trace().some((e) => e.kind === "deliver" && e.to === "apiserver" && e.type === "ClientGone")).toBe(true);
    cluster.runtime.revive("scheduler");
    cluster.runtime.settle();
    expect(watchers()).toBeGreaterThan(0);
  });
});

describe("fault settings drawn from the run seed", () => {
  const d = defaultFaultSettings;

  it("one seed, one mix: the same seed draws the same settings, other seeds other ones", () => {
    expect(faultSettingsFromSeed(7)).toEqual(faultSettingsFromSeed(7));
    const mixes = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((s) => JSON.stringify(faultSettingsFromSeed(s))));
    expect(mixes.size).toBe(8);
  });

  it("each bound is within 1/8 and 4 times its default, each rate too unless the swarm left its fault out (0) or made it hot, and a compaction keeps 0 to 20 entries", () => {
    const bounds = ["delayMaxMs", "retryAfterMs", "crashDowntimeMaxMs", "partitionMaxMs", "rebootDowntimeMaxMs"] as const;
    const probs = { delay: "delayProbability", "watch-disconnect": "disconnectProbability", "drop-request": "dropProbability", "duplicate-request": "duplicateProbability", crash: "crashProbability", partition: "partitionProbability", compaction: "compactionProbability", "node-reboot": "rebootProbability", "server-error": "serverErrorProbability" } as const;
    for (let seed = 1; seed <= 200; seed++) {
      const s = faultSettingsFromSeed(seed);
      for (const k of bounds) {
        expect(s[k]).toBeGreaterThanOrEqual(d[k] / 8 - 1);
        expect(s[k]).toBeLessThanOrEqual(d[k] * 4 + 1);
      }
      const hot = faultNames.filter((f) => s[probs[f]] > d[probs[f]] * 4);
      expect(hot.length).toBeLessThanOrEqual(1);
      for (const f of faultNames) {
        const p = s[probs[f]];
        if (hot.includes(f)) expect(p).toBeGreaterThanOrEqual(hotRates[f] / 2), expect(p).toBeLessThanOrEqual(hotRates[f]);
        else if (p !== 0) expect(p).toBeGreaterThanOrEqual(d[probs[f]] / 8), expect(p).toBeLessThanOrEqual(d[probs[f]] * 4);
      }
      expect(s.compactionKeep).toBeGreaterThanOrEqual(0);
      expect(s.compactionKeep).toBeLessThanOrEqual(20);
    }
  });

  it("swarm testing: over many seeds each fault is left out of some runs and hot in others", () => {
    const settings = Array.from({ length: 400 }, (_, i) => faultSettingsFromSeed(i + 1));
    for (const [f, k] of [["duplicate-request", "duplicateProbability"], ["compaction", "compactionProbability"], ["node-reboot", "rebootProbability"]] as const) {
      const off = settings.filter((s) => s[k] === 0).length;
      const hot = settings.filter((s) => s[k] >= hotRates[f] / 2).length;
      // one run in five leaves a fault out; half the runs have one of eight faults hot
      expect(off).toBeGreaterThan(40);
      expect(off).toBeLessThan(130);
      expect(hot).toBeGreaterThan(8);
      expect(hot).toBeLessThan(50);
    }
  });

  it("settings that make every fault impossible inject none, whatever faults are enabled", () => {
    const cluster = createCluster({ seed: 3, clock: "simulated", trace: false });
    const off = Object.fromEntries(Object.entries(d).map(([k, v]) => [k, k.endsWith("Probability") ? 0 : v])) as typeof d;
    const f = new FaultInjector(cluster.runtime, 3, [...faultNames], off);
    f.install();
    cluster.runtime.settle();
    expect(cluster.runtime.delivered).toBeGreaterThan(100);
    expect(f.total).toBe(0);
  });
});

/** Reboots node-1 once (every other fault off), 15 simulated seconds: down up to 5 s, then booted again. */
function rebootOnce(c: Cluster): FaultInjector {
  const off = Object.fromEntries(Object.entries(defaultFaultSettings).map(([k, v]) => [k, k.endsWith("Probability") ? 0 : v])) as typeof defaultFaultSettings;
  const f = new FaultInjector(c.runtime, 5, ["node-reboot"], { ...off, rebootProbability: 1, rebootDowntimeMaxMs: 5_000 });
  f.install();
  // one reboot: off again after the step that drew it
  c.runtime.observers.push(() => {
    if (f.total > 0) f.uninstall();
  });
  c.advance(15_000);
  return f;
}

describe("node-reboot: the node's kubelet, runtime and CNI start afresh, the runtime without containers, host-local's store as it was on disk", () => {
  it("a finished pod stays finished with its terminated status (convertToAPIContainerStatuses keeps it); a running one runs again in a new sandbox", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    const busybox = (script: string) => [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", script] }];
    await c.apply([
      { apiVersion: "v1", kind: "Pod", metadata: { name: "done", namespace: "default" }, spec: { restartPolicy: "Never", containers: busybox("sleep 1; exit 0") } },
      { apiVersion: "v1", kind: "Pod", metadata: { name: "runs", namespace: "default" }, spec: { containers: busybox("sleep 3600") } },
    ]);
    await c.settle();
    c.advance(10_000);
    await c.settle();
    const before = c.get("Pod", "runs", "default");
    expect([c.get("Pod", "done", "default").status.phase, before.status.phase]).toEqual(["Succeeded", "Running"]);
    const f = rebootOnce(c);
    expect(f.counts["node-reboot"]).toBe(1);
    expect(c.runtime.trace().filter((e) => e.kind === "fault" && e.fault === "crash").map((e: any) => e.detail)).toEqual(["cni/node-1", "cri/node-1", "kubelet/node-1"]);
    c.advance(60_000);
    await c.settle();
    expect(c.runtime.incarnation("cri/node-1")).toBe(2);
    const done = c.get("Pod", "done", "default");
    expect(done.status.phase).toBe("Succeeded");
    expect(done.status.containerStatuses[0].state.terminated.exitCode).toBe(0);
    const runs = c.get("Pod", "runs", "default");
    expect(runs.status.phase).toBe("Running");
    expect(runs.status.containerStatuses[0].containerID).not.toBe(before.status.containerStatuses[0].containerID);
    await c.stop();
  });

  it("host-local's store is on disk: the round robin goes on after last_reserved_ip, and the dead sandboxes' addresses are freed by CNI DEL", async () => {
    // host-local keeps /var/lib/cni/networks/<network> (one file per address, last_reserved_ip.0) on
    // disk; the runtime's restore calls CNI DEL for every sandbox that did not survive (cri-o#4900).
    const c = createCluster({ nodes: 1, seed: 5 });
    const pod = (name: string) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" }, spec: { containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"] }] } });
    await c.apply([pod("a"), pod("b")]);
    await c.settle();
    const ipBefore = ["a", "b"].map((n) => c.get("Pod", n, "default").status.podIP).sort();
    expect(ipBefore).toEqual(["10.244.0.2", "10.244.0.3"]);
    rebootOnce(c);
    c.advance(60_000);
    await c.settle();
    const boot = c.runtime.trace().filter((e: any) => e.kind === "fault" && e.fault === "node-reboot" && e.detail.includes("boots"));
    expect(boot.map((e: any) => e.detail)).toEqual(["node-1 boots: cri/node-1 drops 2 sandboxes and releases their addresses (CNI DEL), last_reserved_ip 10.244.0.3 kept"]);
    // New sandboxes take the next addresses, not the ones the API showed for the dead sandboxes.
    const ipAfter = ["a", "b"].map((n) => c.get("Pod", n, "default").status.podIP).sort();
    expect(ipAfter).toEqual(["10.244.0.4", "10.244.0.5"]);
    const ipam = c.runtime.snapshot("cni/node-1").context.ipam;
    expect(Object.keys(ipam.allocations).sort()).toEqual(["10.244.0.4", "10.244.0.5"]);
    await c.stop();
  });
});

describe("a duplicated request is the same request", () => {
  it("the retry carries the body as the client wrote it: a patch's number literal keeps its class (kubectl's 1.0 stays 1.0)", () => {
    // client-go resends the bytes it sent; podflow keeps a patch's numbers as written (NumberLiteral),
    // so the copy the fault makes must keep them too, or the retry would patch a different value.
    const cluster = createCluster({ seed: 1, clock: "simulated", only: ["etcd", "apiserver"] });
    cluster.runtime.settle();
    const posted: any[] = [];
    const post = cluster.runtime.post.bind(cluster.runtime);
    cluster.runtime.post = ((from: any, to: any, msg: any) => (to === "apiserver" && posted.push(msg), post(from, to, msg))) as typeof cluster.runtime.post;
    const f = new FaultInjector(cluster.runtime, 1, ["duplicate-request"], { duplicateProbability: 1 });
    f.install();
    cluster.runtime.external("a", () => {});
    const body = { data: { n: new NumberLiteral("1.0") } };
    cluster.runtime.send("a", "apiserver", { type: "ApiRequest", id: 1, token: cluster.adminToken, verb: "patch", patchType: "merge", group: "", resource: "configmaps", namespace: "default", name: "x", body } as any);
    cluster.runtime.settle();
    const sent = posted.filter((m) => m.type === "ApiRequest" && m.id === 1);
    expect(sent.map((m) => m.attempt ?? 0)).toEqual([0, 1]);
    expect(sent[1].body.data.n).toBeInstanceOf(NumberLiteral);
    expect(sent[1].body.data.n.text).toBe("1.0");
    expect(sent[1].body).not.toBe(body);
  });
});
