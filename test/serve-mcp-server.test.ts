// kubernetes-mcp-server (the npm package's Go binary, built on client-go) against `podflow serve`:
// the test speaks MCP (JSON-RPC 2.0, one message a line) over the binary's stdio, lists its tools
// and calls them as an assistant would: create a pod from YAML, list, get, read its log, exec,
// events, scale a Deployment, pods and nodes top (metrics.k8s.io), delete; bad input comes back as a tool error, never a crash.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { serve, until, type Served } from "./serve-helpers.js";

// a devDependency (its linux-amd64 package), so present after npm ci
const binary = join(import.meta.dirname, "..", "node_modules", "kubernetes-mcp-server-linux-amd64", "bin", "kubernetes-mcp-server-linux-amd64");

interface ToolResult { content: { type: string; text: string }[]; isError?: boolean }

/** A minimal MCP client over a child's stdio: newline-delimited JSON-RPC. */
class McpClient {
  private buf = "";
  private nextId = 0;
  private waiting = new Map<number, (msg: any) => void>();
  constructor(private child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d: string) => {
      this.buf += d;
      for (let i = this.buf.indexOf("\n"); i >= 0; i = this.buf.indexOf("\n")) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        if (!line.trim()) continue;
        const msg = JSON.parse(line);
        if (typeof msg.id === "number") this.waiting.get(msg.id)?.(msg);
      }
    });
  }
  request(method: string, params: unknown): Promise<any> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`MCP ${method} timed out`)), 20_000);
      this.waiting.set(id, (msg) => { clearTimeout(timer); this.waiting.delete(id); resolve(msg); });
      this.child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n");
    });
  }
  notify(method: string): void {
    this.child.stdin.write(JSON.stringify({ jsonrpc: "2.0", method }) + "\n");
  }
  async call(name: string, args: Record<string, unknown>): Promise<ToolResult> {
    const msg = await this.request("tools/call", { name, arguments: args });
    if (msg.error) throw new Error(`MCP error ${msg.error.code}: ${msg.error.message}`);
    return msg.result;
  }
}

const text = (r: ToolResult) => r.content.map((c) => c.text).join("");

describe("kubernetes-mcp-server against podflow serve", () => {
  let s: Served;
  let child: ChildProcessWithoutNullStreams;
  let mcp: McpClient;
  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
    child = spawn(binary, ["--kubeconfig", s.kubeconfigPath, "--disable-multi-cluster"], { stdio: ["pipe", "pipe", "pipe"] });
    mcp = new McpClient(child);
    const init = await mcp.request("initialize", { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "podflow-test", version: "1" } });
    expect(init.result?.serverInfo?.name).toBe("kubernetes-mcp-server");
    mcp.notify("notifications/initialized");
  });
  afterAll(async () => {
    child?.kill();
    await s?.stop();
  });

  it("lists its tools, the pod tools among them", async () => {
    const list = await mcp.request("tools/list", {});
    const names: string[] = list.result.tools.map((t: { name: string }) => t.name);
    for (const want of ["pods_list", "pods_get", "pods_log", "pods_exec", "pods_delete", "resources_create_or_update", "resources_scale", "namespaces_list", "events_list", "pods_top", "nodes_top"]) expect(names).toContain(want);
  });

  it("lists the namespaces through the served discovery and table output", async () => {
    const r = await mcp.call("namespaces_list", {});
    expect(r.isError).toBeFalsy();
    for (const ns of ["default", "kube-node-lease", "kube-public", "kube-system"]) expect(text(r)).toMatch(new RegExp(`Namespace\\s+${ns}\\s+Active`));
  });

  it("creates a pod from YAML, lists it Running, gets it, reads its log, execs in it and lists its events", async () => {
    const created = await mcp.call("resources_create_or_update", {
      resource: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: mcp-hello\n  namespace: default\n  labels:\n    from: mcp\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n    command: [sh, -c, 'echo hello mcp; sleep 3600']\n",
    });
    expect(created.isError, text(created)).toBeFalsy();
    expect(text(created)).toContain("name: mcp-hello");
    const listed = await until(async () => {
      const t = text(await mcp.call("pods_list", { labelSelector: "from=mcp" }));
      return /mcp-hello\s+1\/1\s+Running/.test(t) ? t : undefined;
    }, 15_000);
    expect(listed, "pods_list should show mcp-hello 1/1 Running").toBeDefined();
    const got = await mcp.call("pods_get", { name: "mcp-hello", namespace: "default" });
    expect(text(got)).toMatch(/phase: Running/);
    expect(text(got)).toMatch(/nodeName: node-\d/);
    expect(text(await mcp.call("pods_log", { name: "mcp-hello", namespace: "default" }))).toBe("hello mcp\n");
    expect(text(await mcp.call("pods_exec", { name: "mcp-hello", namespace: "default", command: ["sh", "-c", "echo $HOSTNAME"] }))).toBe("mcp-hello\n");
    const events = text(await mcp.call("events_list", { namespace: "default", fieldSelector: "involvedObject.name=mcp-hello" }));
    expect(events).toContain("Reason: Scheduled");
    expect(events).toContain("Reason: Started");
  }, 40_000);

  it("scales a Deployment through its scale subresource", async () => {
    const created = await mcp.call("resources_create_or_update", {
      resource: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: mcp-web\n  namespace: default\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: mcp-web}\n  template:\n    metadata:\n      labels: {app: mcp-web}\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n",
    });
    expect(created.isError, text(created)).toBeFalsy();
    // a scale read while the Deployment's status still moves would conflict (409) on update, as on a real cluster
    const settled = await until(async () => s.cluster.get("Deployment", "mcp-web", "default")?.status?.availableReplicas === 1, 20_000);
    expect(settled).toBe(true);
    const scaled = await mcp.call("resources_scale", { apiVersion: "apps/v1", kind: "Deployment", name: "mcp-web", namespace: "default", scale: 3 });
    expect(scaled.isError, text(scaled)).toBeFalsy();
    const three = await until(async () => s.cluster.list("Pod", { namespace: "default", labelSelector: "app=mcp-web" }).filter((p) => p.status?.phase === "Running").length === 3, 20_000);
    expect(three, "the Deployment should run 3 pods after the scale").toBe(true);
  }, 40_000);

  it("pods_top and nodes_top read metrics.k8s.io once metrics-server has two scrapes", async () => {
    const pods = await until(async () => {
      const r = await mcp.call("pods_top", { namespace: "default" });
      return !r.isError && /mcp-hello/.test(text(r)) ? text(r) : undefined;
    }, 20_000);
    expect(pods, "pods_top should list mcp-hello").toMatch(/mcp-hello +c +\d+m +\d+Mi/);
    const nodes = text(await mcp.call("nodes_top", {}));
    expect(nodes).toMatch(/^NAME +CPU\(cores\) +CPU\(%\) +MEMORY\(bytes\) +MEMORY\(%\)/);
    expect(nodes).toMatch(/^node-1 +\d+m +\d+% +\d+Mi +\d+%/m);
  }, 30_000);

  it("bad input comes back as a tool error with Kubernetes' message, and the server keeps serving", async () => {
    const malformed = await mcp.call("resources_create_or_update", { resource: "kind: Pod\n: bad" });
    expect(malformed.isError).toBe(true);
    const invalid = await mcp.call("resources_create_or_update", { resource: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\nspec:\n  containers: []\n" });
    expect(invalid.isError).toBe(true);
    expect(text(invalid)).toContain('Pod "Bad_Name" is invalid');
    const missing = await mcp.call("pods_get", { name: "nope", namespace: "default" });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toContain('pods "nope" not found');
    // exec refusals in Kubernetes' words: no pod, the API server's 400 for a container the pod lacks
    // (client-go reports the refused upgrade), containerd's exec failure through the error channel
    const noPod = await mcp.call("pods_exec", { name: "nope", namespace: "default", command: ["ls"] });
    expect(noPod).toEqual({ isError: true, content: [{ type: "text", text: 'failed to exec in pod nope in namespace default: pods "nope" not found' }] });
    const noContainer = await mcp.call("pods_exec", { name: "mcp-hello", namespace: "default", container: "zz", command: ["ls"] });
    expect(noContainer.isError).toBe(true);
    expect(text(noContainer)).toBe("failed to exec in pod mcp-hello in namespace default: unable to upgrade connection: container zz is not valid for pod mcp-hello");
    const noExec = await mcp.call("pods_exec", { name: "mcp-hello", namespace: "default", command: ["nosuch"] });
    expect(noExec.isError).toBe(true);
    expect(text(noExec)).toMatch(/^failed to exec in pod mcp-hello in namespace default: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]+": OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in \$PATH: unknown$/);
    const unknownKind = await mcp.call("resources_get", { apiVersion: "example.com/v1", kind: "Widget", name: "w" });
    expect(unknownKind.isError).toBe(true);
    expect(text(await mcp.call("pods_get", { name: "mcp-hello", namespace: "default" }))).toContain("name: mcp-hello");
  }, 30_000);

  it("deletes the pod", async () => {
    expect(text(await mcp.call("pods_delete", { name: "mcp-hello", namespace: "default" }))).toBe("Pod deleted successfully");
    const gone = await until(async () => s.cluster.get("Pod", "mcp-hello", "default") === undefined, 30_000);
    expect(gone).toBe(true);
  }, 40_000);
});
