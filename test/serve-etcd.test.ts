// `podflow serve --etcd`: objects written with the real kubectl are kept in a real etcd under
// kube-apiserver's key layout, and a restarted `podflow serve` finds them, at the same
// resourceVersion (etcd's mod revision). A missing etcd or kubectl fails with the reason.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync, spawnSync } from "node:child_process";
import { serveCommand } from "../runtime/server/serve.js";
import { startEtcd, type RealEtcd } from "./support/real-etcd.js";
import { findKubectl, kubectl, until } from "./serve-helpers.js";
import { RealEtcdStore } from "../runtime/etcd-store.js";
import { Runtime } from "../runtime/runtime.js";
import { etcdPolicy } from "../runtime/policy.js";
import { etcdMachine } from "../machines/etcd/etcd.machine.js";

let etcd: RealEtcd;
const dir = mkdtempSync(join(tmpdir(), "podflow-serve-etcd-"));
const kubeconfigPath = join(dir, "kubeconfig");

beforeAll(async () => {
  etcd = await startEtcd();
});

afterAll(async () => {
  await etcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `podflow serve --etcd` in-process on a free port, until stop() (which waits for its exit code). */
async function serveWithEtcd(endpoint: string) {
  const out: string[] = [];
  const err: string[] = [];
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  const exit = serveCommand({ port: "0", nodes: "1", seed: "1", speed: "10", kubeconfig: kubeconfigPath, etcd: endpoint }, { out: (l) => out.push(l), err: (l) => err.push(l) }, stopped);
  const started = await until(async () => out.some((l) => l.startsWith("export KUBECONFIG=")) || err.length > 0, 20_000, 50);
  if (!started || err.length > 0) throw new Error(`podflow serve --etcd did not start: ${err.join("\n")}`);
  return { out, err, stop: async () => { stop(); return exit; } };
}

/** etcdctl (Debian's etcd-client, v3 API) against the test's etcd. */
function etcdctl(args: string[]): string {
  if (spawnSync("sh", ["-c", "command -v etcdctl"]).status !== 0) throw new Error("etcdctl is not installed: apt-get install etcd-client (.ci/run installs it when run as root)");
  return execFileSync("etcdctl", ["--endpoints", etcd.endpoint, ...args], { encoding: "utf8", env: { ...process.env, ETCDCTL_API: "3" } });
}

describe("podflow serve --etcd keeps the objects in a real etcd", () => {
  it("objects created with kubectl survive a restart of podflow serve, at their resourceVersions, under /registry/<resource>/<ns>/<name>", async () => {
    const bin = findKubectl();
    if (!bin) throw new Error("kubectl is not installed: this test drives podflow serve --etcd with the real kubectl");
    const k = (args: string[]) => kubectl(bin, kubeconfigPath, args);

    const first = await serveWithEtcd(etcd.endpoint);
    expect(first.out).toContain(`podflow: objects stored in etcd at ${etcd.endpoint} (found 0 under /registry/ at revision 1)`);
    expect((await k(["run", "web", "--image=nginx", "--labels=app=web"])).code).toBe(0);
    expect((await k(["create", "configmap", "settings", "--from-literal=mode=fast"])).code).toBe(0);
    expect((await k(["create", "namespace", "team"])).code).toBe(0);
    const before = JSON.parse((await k(["get", "pod", "web", "-o", "json"])).out);
    const cmBefore = JSON.parse((await k(["get", "configmap", "settings", "-o", "json"])).out);
    expect(await first.stop()).toBe(0);

    // kube-apiserver's layout: /registry/<resource>/<namespace>/<name>, cluster-scoped without the namespace
    const podKeys = etcdctl(["get", "--prefix", "/registry/pods/", "--keys-only"]).split("\n").filter((l) => l !== "");
    expect(podKeys).toContain("/registry/pods/default/web");
    expect(etcdctl(["get", "--prefix", "/registry/namespaces/", "--keys-only"]).split("\n")).toContain("/registry/namespaces/team");
    // values are JSON (kube-apiserver writes protobuf); the stored configmap is the one kubectl saw
    const stored = JSON.parse(etcdctl(["get", "/registry/configmaps/default/settings", "--print-value-only"]));
    expect(stored.data).toEqual({ mode: "fast" });
    expect(stored.metadata.uid).toBe(cmBefore.metadata.uid);
    // resourceVersion is etcd's mod revision of the key
    const meta = JSON.parse(etcdctl(["get", "/registry/configmaps/default/settings", "-w", "json"]));
    expect(String(meta.kvs[0].mod_revision)).toBe(cmBefore.metadata.resourceVersion);

    const second = await serveWithEtcd(etcd.endpoint);
    try {
      expect(second.out.some((l) => /found \d+ under \/registry\/ at revision \d+/.test(l) && !l.includes("found 0 "))).toBe(true);
      const after = JSON.parse((await k(["get", "pod", "web", "-o", "json"])).out);
      expect(after.metadata.uid).toBe(before.metadata.uid);
      expect(after.metadata.labels).toEqual({ app: "web" });
      const cmAfter = JSON.parse((await k(["get", "configmap", "settings", "-o", "json"])).out);
      expect(cmAfter.metadata.resourceVersion).toBe(cmBefore.metadata.resourceVersion);
      expect(cmAfter.data).toEqual({ mode: "fast" });
      expect((await k(["get", "namespace", "team", "-o", "name"])).out.trim()).toBe("namespace/team");
      // a write after the restart goes on from the restored revision, and reaches etcd
      const del = await k(["delete", "configmap", "settings"]);
      expect(del.code).toBe(0);
      const gone = await until(async () => etcdctl(["get", "/registry/configmaps/default/settings", "--keys-only"]).trim() === "", 10_000, 100);
      expect(gone).toBe(true);
    } finally {
      expect(await second.stop()).toBe(0);
    }
    expect(second.err).toEqual([]);
  }, 120_000);

  it("the etcd machine's revisions are written through in order, one Txn each (in parts past etcd's 128 ops), and read back at the next start", async () => {
    const warnings: string[] = [];
    const store = await RealEtcdStore.open(etcd.endpoint, (w) => warnings.push(w));
    const rt = new Runtime({ seed: 1, policy: etcdPolicy });
    rt.spawn("etcd", etcdMachine, { restore: store.restore });
    store.attach(rt);
    const base = store.restore.revision;
    const puts = Array.from({ length: 300 }, (_, i) => ({ type: "put", key: `/registry/configmaps/bulk/c${String(i).padStart(3, "0")}`, value: { n: i } }));
    rt.send("apiserver", "etcd", { type: "Txn", id: 1, compare: [], success: puts, failure: [] });
    rt.send("apiserver", "etcd", { type: "Txn", id: 2, compare: [], success: [{ type: "delete", key: "/registry/configmaps/bulk/c000" }], failure: [] });
    rt.settle();
    expect(rt.snapshot("etcd").context.revision).toBe(base + 2);
    expect(await store.flush()).toBe(true);
    await store.close();
    expect(warnings).toEqual([]);
    expect(etcdctl(["get", "--prefix", "/registry/configmaps/bulk/", "--keys-only"]).split("\n").filter((l) => l !== "")).toHaveLength(299);
    const again = await RealEtcdStore.open(etcd.endpoint, () => undefined);
    try {
      const bulk = again.restore.kvs.filter((kv) => kv.key.startsWith("/registry/configmaps/bulk/"));
      expect(bulk).toHaveLength(299);
      expect(bulk.find((kv) => kv.key.endsWith("/c299"))?.value).toEqual({ n: 299 });
      // three Txns for the 300 puts (128 + 128 + 44), one for the delete
      expect(again.restore.revision).toBe(base + 4);
    } finally {
      await again.close();
    }
  }, 60_000);

  it("an etcd that does not answer is an error at start, not a cluster without its store", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await serveCommand({ port: "0", nodes: "1", seed: "1", speed: "10", kubeconfig: kubeconfigPath, etcd: "http://127.0.0.1:1" }, { out: (l) => out.push(l), err: (l) => err.push(l) }, Promise.resolve());
    expect(code).toBe(1);
    expect(err.join("\n")).toMatch(/^error: --etcd http:\/\/127\.0\.0\.1:1: cannot read \/registry\//);
    expect(out).toEqual([]);
  }, 30_000);
});
