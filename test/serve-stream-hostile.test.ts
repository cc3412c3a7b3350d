// Hostile clients of pods/exec, attach and portforward: requests that do not upgrade, upgrades
// that are malformed or ask for an unknown subprotocol, oversized or meaningless frames, a client
// that vanishes mid-command, a user without the right. Each gets Kubernetes' answer and the
// server keeps serving. Expectations: kube-apiserver (UpgradeAwareHandler "Upgrade request
// required", RBAC's Forbidden wording), x/net/websocket's handshake (403), RFC 6455 (1009).

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { connect } from "node:tls";
import WebSocket from "ws";
import { raw, serve, until, type Served } from "./serve-helpers.js";

let s: Served;

beforeAll(async () => {
  s = await serve({ nodes: 1, speed: 10 });
  await s.cluster.apply(`
apiVersion: v1
kind: Pod
metadata:
  name: box
spec:
  containers:
  - name: box
    image: busybox
    command: ["sleep", "3600"]
---
apiVersion: v1
kind: Pod
metadata:
  name: pair
spec:
  containers:
  - name: a
    image: busybox
    command: ["sleep", "3600"]
  - name: b
    image: busybox
    command: ["sleep", "3600"]
---
apiVersion: v1
kind: Pod
metadata:
  name: reader
spec:
  containers:
  - name: sh
    image: busybox
    command: ["sh"]
    stdin: true
---
apiVersion: v1
kind: Pod
metadata:
  name: done
spec:
  restartPolicy: Never
  containers:
  - name: once
    image: busybox
    command: ["true"]
`);
  const up = await until(async () => s.cluster.get("Pod", "box", "default")?.status?.containerStatuses?.[0]?.state?.running, 20_000);
  expect(up, "box should be running").toBeTruthy();
  const done = await until(async () => s.cluster.get("Pod", "done", "default")?.status?.phase === "Succeeded", 20_000);
  expect(done, "done should have Succeeded").toBe(true);
}, 40_000);
afterAll(async () => {
  await s?.stop();
});

const execPath = (cmd: string[], extra = "stdout=true&stderr=true") => `/api/v1/namespaces/default/pods/box/exec?${cmd.map((c) => `command=${encodeURIComponent(c)}`).join("&")}&${extra}`;

/** Opens a WebSocket to the server as kubectl would (bearer token, the server's CA). */
function open(path: string, protocols: string[], headers: Record<string, string> = {}, maxPayload?: number): WebSocket {
  const url = s.server.url.replace(/^https/, "wss") + path;
  return new WebSocket(url, protocols, { ca: s.server.caCert, headers: { Authorization: `Bearer ${s.cluster.adminToken}`, ...headers }, ...(maxPayload ? { maxPayload } : {}) });
}

/** Runs a v5 exec to its end: the frames per channel, and the close code (or the refused handshake's status and body). */
function runExec(ws: WebSocket, onOpen?: (ws: WebSocket) => void): Promise<{ channels: Map<number, Buffer[]>; code: number; unexpected?: number; body?: string }> {
  return new Promise((resolve) => {
    const channels = new Map<number, Buffer[]>();
    ws.on("open", () => onOpen?.(ws));
    ws.on("message", (d: Buffer) => {
      const list = channels.get(d[0]!) ?? [];
      list.push(d.subarray(1));
      channels.set(d[0]!, list);
    });
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d));
      res.on("end", () => resolve({ channels, code: -1, unexpected: res.statusCode ?? 0, body }));
    });
    ws.on("error", () => undefined);
    ws.on("close", (code) => resolve({ channels, code }));
  });
}

const text = (bufs: Buffer[] | undefined) => Buffer.concat(bufs ?? []).toString("utf8");

async function stillServes(): Promise<void> {
  const r = await raw(s, "GET", "/api/v1/namespaces/default/pods/box", { token: s.cluster.adminToken });
  expect(r.code).toBe(200);
}

describe("pods/exec with WebSockets (v5.channel.k8s.io)", () => {
  it("a command runs: the ready frame first, its output, then a Success status and a normal close", async () => {
    const r = await runExec(open(execPath(["echo", "hi"]), ["v5.channel.k8s.io"]));
    expect(r.code).toBe(1000);
    // the empty message on stdout that tells the client the streams are ready, then "hi\n"
    expect(r.channels.get(1)!.map((b) => b.toString())).toEqual(["", "hi\n"]);
    expect(JSON.parse(text(r.channels.get(3)))).toEqual({ metadata: {}, status: "Success" });
  });

  it("v4.channel.k8s.io is served too (no close signal: stdin ends with the connection)", async () => {
    const r = await runExec(open(execPath(["sh", "-c", "exit 7"]), ["v4.channel.k8s.io"]));
    expect(JSON.parse(text(r.channels.get(3)))).toEqual({
      metadata: {}, status: "Failure", message: "command terminated with non-zero exit code: command terminated with exit code 7", reason: "NonZeroExitCode",
      details: { causes: [{ reason: "ExitCode", message: "7" }] },
    });
  });

  it("meaningless frames are ignored: unknown channels, text frames, empty frames, broken resize JSON", async () => {
    const r = await runExec(open(execPath(["cat"], "stdout=true&stderr=true&stdin=true"), ["v5.channel.k8s.io"]), (ws) => {
      ws.send(Buffer.from([9, 1, 2, 3]));
      ws.send("not binary");
      ws.send(Buffer.alloc(0));
      ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width": "wide"}{garbage')]));
      ws.send(Buffer.concat([Buffer.from([255]), Buffer.from([7])]));
      ws.send(Buffer.concat([Buffer.from([0]), Buffer.from("kept\n")]));
      // v5's close signal: stdin is over
      ws.send(Buffer.from([255, 0]));
    });
    expect(text(r.channels.get(1))).toBe("kept\n");
    expect(JSON.parse(text(r.channels.get(3))).status).toBe("Success");
  });

  it("an oversized message closes the connection with 1009 and the server goes on", async () => {
    const r = await runExec(open(execPath(["cat"], "stdout=true&stdin=true"), ["v5.channel.k8s.io"]), (ws) => {
      ws.send(Buffer.concat([Buffer.from([0]), Buffer.alloc(2 * 1024 * 1024, 97)]));
    });
    expect(r.code).toBe(1009);
    await stillServes();
  });

  it("a client that vanishes mid-command ends its session in the runtime", async () => {
    const ws = open(execPath(["sleep", "3600"]), ["v5.channel.k8s.io"]);
    await new Promise((resolve) => ws.on("message", resolve));
    const sessions = () => (s.cluster.runtime.snapshot("cri/node-1")?.context?.streams as Map<string, unknown> | undefined)?.size ?? -1;
    expect(await until(async () => sessions() === 1, 5_000, 50)).toBe(true);
    ws.terminate();
    expect(await until(async () => sessions() === 0, 5_000, 50), "the CRI's session should be closed").toBe(true);
    await stillServes();
  });

  it("a client that closes the stream cleanly mid-command ends its session too", async () => {
    const ws = open(execPath(["sleep", "3600"]), ["v5.channel.k8s.io"]);
    await new Promise((resolve) => ws.on("message", resolve));
    const sessions = () => (s.cluster.runtime.snapshot("cri/node-1")?.context?.streams as Map<string, unknown> | undefined)?.size ?? -1;
    expect(await until(async () => sessions() === 1, 5_000, 50)).toBe(true);
    const closed = new Promise<number>((resolve) => ws.on("close", resolve));
    ws.close(1000);
    expect(await closed).toBe(1000);
    expect(await until(async () => sessions() === 0, 5_000, 50), "the CRI's session should be closed").toBe(true);
    await stillServes();
  });

  it("a container name is required in a pod of two: the API server's 400, before any upgrade", async () => {
    const message = "a container name must be specified for pod pair, choose one of: [a b]";
    for (const protocol of ["v5.channel.k8s.io", "v4.channel.k8s.io"]) {
      const r = await runExec(open(execPath(["ls"]).replace("/box/", "/pair/"), [protocol]));
      expect(r.unexpected, protocol).toBe(400);
      expect(JSON.parse(r.body!)).toMatchObject({ kind: "Status", status: "Failure", reason: "BadRequest", code: 400, message });
    }
    const named = await runExec(open(execPath(["sh", "-c", "echo in b"], "stdout=true&container=b").replace("/box/", "/pair/"), ["v5.channel.k8s.io"]));
    expect(text(named.channels.get(1))).toBe("in b\n");
  });

  it("a container that is not running: v5 gets the stream translator's InternalError on the error channel, v4 the kubelet's 500 as the handshake's answer", async () => {
    const path = execPath(["ls"]).replace("/box/", "/done/");
    const v5 = await runExec(open(path, ["v5.channel.k8s.io"]));
    expect(JSON.parse(text(v5.channels.get(3)))).toEqual({
      metadata: {}, status: "Failure", message: 'Internal error occurred: unable to upgrade connection: container not found ("once")',
      reason: "InternalError", details: { causes: [{ message: 'unable to upgrade connection: container not found ("once")' }] }, code: 500,
    });
    const v4 = await runExec(open(path, ["v4.channel.k8s.io"]));
    expect(v4.unexpected).toBe(500);
    expect(v4.body).toBe('container not found ("once")');
    await stillServes();
  });

  it("an unknown subprotocol is refused as the WebSocket handshake refuses it: 403", async () => {
    const r = await runExec(open(execPath(["ls"]), ["v9.bogus.k8s.io"]));
    expect(r.unexpected).toBe(403);
  });

  it("an unknown token is 401 before anything else", async () => {
    const ws = new WebSocket(s.server.url.replace(/^https/, "wss") + execPath(["ls"]), ["v5.channel.k8s.io"], { ca: s.server.caCert, headers: { Authorization: "Bearer nope" } });
    const r = await runExec(ws);
    expect(r.unexpected).toBe(401);
  });

  it("a user without create on pods/exec is Forbidden, in RBAC's words", async () => {
    const r = await raw(s, "POST", execPath(["ls"]), { token: s.cluster.adminToken, headers: { "Impersonate-User": "system:serviceaccount:default:default" } });
    expect(r.code).toBe(403);
    expect(JSON.parse(r.body).message).toBe('pods "box" is forbidden: User "system:serviceaccount:default:default" cannot create resource "pods/exec" in API group "" in the namespace "default"');
  });
});

describe("requests to the connect subresources that do not upgrade", () => {
  it("GET and POST without an upgrade are 400 Upgrade request required, once the pod is found", async () => {
    for (const method of ["GET", "POST"]) {
      const r = await raw(s, method, execPath(["ls"]), { token: s.cluster.adminToken });
      expect([method, r.code, JSON.parse(r.body).message]).toEqual([method, 400, "Upgrade request required"]);
    }
    const none = await raw(s, "GET", "/api/v1/namespaces/default/pods/nope/exec?command=ls", { token: s.cluster.adminToken });
    expect([none.code, JSON.parse(none.body).message]).toEqual([404, 'pods "nope" not found']);
    const pf = await raw(s, "GET", "/api/v1/namespaces/default/pods/box/portforward", { token: s.cluster.adminToken });
    expect([pf.code, JSON.parse(pf.body).message]).toEqual([400, "Upgrade request required"]);
  });

  it("other methods have no route: 405", async () => {
    const r = await raw(s, "DELETE", execPath(["ls"]), { token: s.cluster.adminToken });
    expect(r.code).toBe(405);
  });
});

describe("malformed upgrades on a raw connection", () => {
  /** Writes raw bytes on a TLS connection and returns what the server answered before closing. */
  function rawTls(request: string): Promise<string> {
    return new Promise((resolve) => {
      const sock = connect({ host: "127.0.0.1", port: s.server.port, ca: s.server.caCert, servername: "localhost" }, () => sock.write(request));
      let got = "";
      sock.on("data", (d) => (got += d.toString("latin1")));
      sock.on("error", () => resolve(got));
      sock.on("close", () => resolve(got));
      setTimeout(() => sock.destroy(), 5_000).unref();
    });
  }

  it("an upgrade without a Sec-WebSocket-Key is refused by the handshake (400) and the server goes on", async () => {
    const got = await rawTls(`GET ${execPath(["ls"])} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${s.cluster.adminToken}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n`);
    expect(got).toMatch(/^HTTP\/1\.1 400 /);
    await stillServes();
  });

  it("an upgrade to an unknown protocol on a connect path is refused; on any other path it is an ordinary request", async () => {
    const spdyish = await rawTls(`POST ${execPath(["ls"])} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${s.cluster.adminToken}\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n`);
    expect(spdyish).toMatch(/^HTTP\/1\.1 400 /);
    const other = await rawTls(`GET /version HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${s.cluster.adminToken}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`);
    expect(other).toMatch(/^HTTP\/1\.1 200 /);
    // the version handler's WriteRawJSON indents (json.MarshalIndent)
    expect(other).toContain('"gitVersion": "v1.35.0"');
    await stillServes();
  });

  it("garbage after the upgrade headers never reaches a handler", async () => {
    const got = await rawTls(`GET ${execPath(["ls"])} HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: !!!\r\nSec-WebSocket-Version: 99\r\n\r\n\x00\xff\x00\xff`);
    // no token: the anonymous user may not exec
    expect(got).toMatch(/^HTTP\/1\.1 (400|401|403) /);
    await stillServes();
  });
});

describe("attach -i to a shell reading its stdin", () => {
  it("a frame of a million newlines is taken a line at a time, bounded, and the server goes on", async () => {
    const up = await until(async () => s.cluster.get("Pod", "reader", "default")?.status?.containerStatuses?.[0]?.state?.running, 20_000);
    expect(up, "reader should be running").toBeTruthy();
    const ws = open("/api/v1/namespaces/default/pods/reader/attach?container=sh&stdin=true&stdout=true&stderr=true", ["v5.channel.k8s.io"]);
    const done = runExec(ws, (w) => {
      w.send(Buffer.concat([Buffer.from([0]), Buffer.alloc(1024 * 1024 - 1, "\n")]));
      setTimeout(() => w.close(), 500);
    });
    await done;
    await stillServes();
  });
});
