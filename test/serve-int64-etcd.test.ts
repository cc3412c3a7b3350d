// An int64 past 2^53 kept in a real etcd (`podflow serve --etcd`): written as its digits, read back
// whole after a restart. kube-apiserver stores the int64 itself (protobuf varint), so what a client
// wrote is what it reads back, whichever apiserver process answers.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { serveCommand } from "../runtime/server/serve.js";
import { startEtcd, type RealEtcd } from "./support/real-etcd.js";
import { findKubectl, kubectl, until } from "./serve-helpers.js";

const max = "9223372036854775807";
let etcd: RealEtcd;
const dir = mkdtempSync(join(tmpdir(), "podflow-int64-etcd-"));
const kubeconfigPath = join(dir, "kubeconfig");

beforeAll(async () => {
  etcd = await startEtcd();
});

afterAll(async () => {
  await etcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function serveWithEtcd(endpoint: string) {
  const out: string[] = [];
  const err: string[] = [];
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  const exit = serveCommand({ port: "0", nodes: "1", seed: "1", speed: "10", kubeconfig: kubeconfigPath, etcd: endpoint }, { out: (l) => out.push(l), err: (l) => err.push(l) }, stopped);
  const started = await until(async () => out.some((l) => l.startsWith("export KUBECONFIG=")) || err.length > 0, 20_000, 50);
  if (!started || err.length > 0) throw new Error(`podflow serve --etcd did not start: ${err.join("\n")}`);
  return { err, stop: async () => { stop(); return exit; } };
}

describe("an int64 past 2^53 in a real etcd", () => {
  it("a CronJob's startingDeadlineSeconds of 2^63-1 is stored as its digits and read back whole after a restart", async () => {
    const bin = findKubectl();
    if (!bin) throw new Error("kubectl is not installed: this test drives podflow serve --etcd with the real kubectl");
    const k = (args: string[], input?: string) => kubectl(bin, kubeconfigPath, args, input !== undefined ? { input } : {});
    const manifest = `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: wide}\nspec:\n  schedule: "0 3 * * *"\n  startingDeadlineSeconds: ${max}\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers: [{name: c, image: busybox}]\n`;
    const first = await serveWithEtcd(etcd.endpoint);
    expect((await k(["apply", "-f", "-"], manifest)).out).toBe("cronjob.batch/wide created\n");
    expect(await first.stop()).toBe(0);
    const stored = execFileSync("etcdctl", ["--endpoints", etcd.endpoint, "get", "/registry/cronjobs/default/wide", "--print-value-only"], { encoding: "utf8", env: { ...process.env, ETCDCTL_API: "3" } });
    expect(stored).toContain(`"startingDeadlineSeconds":${max}`);
    const second = await serveWithEtcd(etcd.endpoint);
    try {
      expect((await k(["get", "cronjob", "wide", "-o", "jsonpath={.spec.startingDeadlineSeconds}"])).out).toBe(max);
      expect((await k(["get", "cronjob", "wide", "-o", "json"])).out).toContain(`"startingDeadlineSeconds": ${max},`);
    } finally {
      expect(await second.stop()).toBe(0);
    }
    expect(second.err).toEqual([]);
  }, 90_000);
});
