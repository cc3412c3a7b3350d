// A real etcd (Debian's etcd-server) for tests: started on free loopback ports with a temporary
// data dir, stopped and removed by stop(). A missing etcd is a failure with the reason printed,
// never a skip: CI counts a skip as a failure, and .ci/run installs etcd-server when missing.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Etcd3 } from "etcd3";
import { connectEtcd } from "../../runtime/etcd-store.js";

export interface RealEtcd {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly dataDir: string;
  readonly version: string;
  /** Kills etcd and removes its data dir. */
  stop(): Promise<void>;
}

/** A port nothing listens on now (the kernel's pick for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The etcd binary's path, or an Error saying why there is none. */
export function etcdBinary(): string {
  const which = spawnSync("sh", ["-c", "command -v etcd"], { encoding: "utf8" });
  const path = which.stdout.trim();
  if (which.status !== 0 || path === "") {
    throw new Error("etcd is not installed: the real-etcd tests need Debian's etcd-server (apt-get install etcd-server; .ci/run installs it when run as root)");
  }
  return path;
}

async function healthy(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(500) });
    const body = (await res.json()) as { health?: string };
    return body.health === "true";
  } catch {
    return false;
  }
}

/** Starts a one-member etcd on loopback; resolves once /health says so (fails after 20 s). */
export async function startEtcd(opts: { dataDir?: string; args?: readonly string[] } = {}): Promise<RealEtcd> {
  const bin = etcdBinary();
  const version = spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.split("\n")[0] ?? "";
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "podflow-etcd-"));
  const ownsDir = opts.dataDir === undefined;
  const client = await freePort();
  const peer = await freePort();
  const endpoint = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  const child: ChildProcess = spawn(bin, [
    "--name", "podflow-test",
    "--data-dir", dataDir,
    "--listen-client-urls", endpoint,
    "--advertise-client-urls", endpoint,
    "--listen-peer-urls", peerUrl,
    "--initial-advertise-peer-urls", peerUrl,
    "--initial-cluster", `podflow-test=${peerUrl}`,
    "--log-level", "error",
    ...(opts.args ?? []),
  ], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.on("exit", () => { exited = true; resolve(); }));
  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill("SIGKILL");
      await exit;
    }
    if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  while (!(await healthy(endpoint))) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`etcd did not become healthy at ${endpoint}${exited ? " (it exited)" : " within 20 s"}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { endpoint, dataDir, version, stop };
}

/** An etcd3 client with its fault handling off (runtime/etcd-store.ts): etcd's error answers are what the tests compare. */
export function etcdClient(endpoint: string): Etcd3 {
  return connectEtcd(endpoint);
}
