// The official Python client (Debian's python3-kubernetes, run with /usr/bin/python3) against
// `podflow serve`: list namespaces, create a pod, watch it to Succeeded, list by label, read its
// log, the AlreadyExists and NotFound errors, exec through kubernetes.stream (v4.channel.k8s.io)
// and its refusals, delete. The script prints one JSON line per step.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { serve, type Served } from "./serve-helpers.js";

const python = "/usr/bin/python3";
const script = join(import.meta.dirname, "support", "pyclient.py");

function run(kubeconfigPath: string): Promise<{ code: number; steps: Map<string, any>; err: string }> {
  return new Promise((resolve) => {
    execFile(python, [script, kubeconfigPath], { timeout: 60_000 }, (error, stdout, stderr) => {
      const steps = new Map<string, any>();
      for (const line of stdout.split("\n")) if (line.trim()) { const o = JSON.parse(line); steps.set(o.step, o); }
      resolve({ code: error ? 1 : 0, steps, err: stderr });
    });
  });
}

describe.skipIf(!existsSync(python))("the official Python client against podflow serve", () => {
  let s: Served;
  beforeAll(async () => { s = await serve({ nodes: 2, speed: 10 }); });
  afterAll(async () => { await s?.stop(); });

  it("lists, creates, watches, reads logs and deletes pods; errors are Kubernetes' Status", async () => {
    const r = await run(s.kubeconfigPath);
    expect(r.err, "the script should run without a Python traceback").not.toMatch(/Traceback/);
    expect(r.code).toBe(0);
    expect(r.steps.get("namespaces")?.names).toEqual(["default", "kube-node-lease", "kube-public", "kube-system"]);
    expect(r.steps.get("created")).toMatchObject({ name: "py-hello", uid: true, phase: "Pending" });
    expect(r.steps.get("duplicate")).toMatchObject({ status: 409, reason: "AlreadyExists", message: 'pods "py-hello" already exists' });
    const events: [string, string][] = r.steps.get("watched")?.events ?? [];
    expect(events[0], "the watch from the list's resourceVersion should begin with the creation").toEqual(["ADDED", "Pending"]);
    expect(events.at(-1), "the watch should see the pod reach Succeeded").toEqual(["MODIFIED", "Succeeded"]);
    expect(r.steps.get("listed")).toEqual({ step: "listed", names: ["py-hello"], phases: ["Succeeded"] });
    expect(r.steps.get("log")?.text).toBe("hello from python\nbye\n");
    expect(r.steps.get("missing")).toMatchObject({ status: 404, message: 'pods "nope" not found' });
    expect(r.steps.get("exec")?.text).toBe("py-two in a\n");
    expect(r.steps.get("exec-streams")).toEqual({
      step: "exec-streams", stdout: "out\n", stderr: "oops\n", closed: true, code: 3,
      status: {
        metadata: {}, status: "Failure", reason: "NonZeroExitCode", message: "command terminated with non-zero exit code: command terminated with exit code 3",
        details: { causes: [{ reason: "ExitCode", message: "3" }] },
      },
    });
    // websocket-client names the handshake's status: the API server's 400 and 404 before any
    // upgrade; for a container not running, the kubelet's 500 that the proxy passes on
    expect(r.steps.get("exec-no-container")?.reason).toBe("Handshake status 400 Bad Request");
    expect(r.steps.get("exec-bad-container")?.reason).toBe("Handshake status 400 Bad Request");
    expect(r.steps.get("exec-not-running")?.reason).toBe("Handshake status 500 Internal Server Error");
    expect(r.steps.get("exec-no-pod")?.reason).toBe("Handshake status 404 Not Found");
    expect(r.steps.get("alive")?.names, "the server keeps serving").toEqual(["py-hello", "py-two"]);
    expect(r.steps.has("deleted")).toBe(true);
  }, 90_000);
});
