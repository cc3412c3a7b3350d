// pods/log upgraded to a WebSocket through a live `podflow serve`, as the conformance test "Pods
// should support retrieving logs from the container over websockets" (test/e2e/common/node/pods.go)
// reads it: kube-apiserver's StreamObject hands the kubelet's log stream to a wsstream Reader, which
// serves "binary.k8s.io" (raw bytes), "base64.binary.k8s.io" (base64 text) or no subprotocol at
// all, sends a zero-length message first, then the log with no channel byte, and closes when the
// stream ends; a refusal before the stream is an ordinary HTTP answer.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import WebSocket from "ws";
import { serve, raw, until, type Served } from "./serve-helpers.js";

const pods = "/api/v1/namespaces/default/pods";

interface Read {
  protocol: string;
  messages: Array<{ data: Buffer; binary: boolean }>;
  closeCode: number;
}

describe("pods/log over a WebSocket", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
    // the e2e test's pod: busybox echoing one line, then sleeping
    const pod = { metadata: { name: "pod-logs-websocket" }, spec: { containers: [{ name: "main", image: "busybox", command: ["/bin/sh", "-c", "echo container is alive; sleep 10000"] }] } };
    expect((await raw(s, "POST", pods, { token: s.cluster.adminToken, body: JSON.stringify(pod) })).code).toBe(201);
    const running = await until(async () => JSON.parse((await raw(s, "GET", `${pods}/pod-logs-websocket`, { token: s.cluster.adminToken })).body).status?.containerStatuses?.[0]?.state?.running, 20_000);
    expect(running).toBeTruthy();
  }, 30_000);
  afterAll(async () => {
    await s.stop();
  });

  const open = (query: string, protocols: string[]) => new WebSocket(`${s.server.url.replace(/^https/, "wss")}${pods}/pod-logs-websocket/log?${query}`, protocols, { ca: s.server.caCert, headers: { Authorization: `Bearer ${s.cluster.adminToken}` } });

  /** Reads every message until the server closes. */
  const readAll = (ws: WebSocket) =>
    new Promise<Read>((resolve, reject) => {
      const messages: Read["messages"] = [];
      ws.on("message", (data: Buffer, binary: boolean) => messages.push({ data, binary }));
      ws.on("close", (closeCode) => resolve({ protocol: ws.protocol, messages, closeCode }));
      ws.on("error", reject);
    });

  /** The handshake's refusal: its status and body. */
  const refusal = (ws: WebSocket) =>
    new Promise<{ code: number; body: string }>((resolve, reject) => {
      ws.on("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d));
        res.on("end", () => resolve({ code: res.statusCode ?? 0, body }));
      });
      ws.on("open", () => reject(new Error("the upgrade was accepted")));
      ws.on("error", () => {});
    });

  it("binary.k8s.io: a zero-length binary message, then the log's bytes with no channel byte, then a normal close", async () => {
    const r = await readAll(open("container=main", ["binary.k8s.io"]));
    expect(r.protocol).toBe("binary.k8s.io");
    expect(r.messages[0]).toEqual({ data: Buffer.alloc(0), binary: true });
    expect(r.messages.every((m) => m.binary)).toBe(true);
    // what the e2e test gathers: every message that is not blank, concatenated
    const text = r.messages.map((m) => m.data.toString()).filter((t) => t.trim() !== "").join("");
    expect(text).toBe("container is alive\n");
    expect(r.closeCode).toBe(1000);
  });

  it("base64.binary.k8s.io: a zero-length text message, then the log base64-encoded in text messages", async () => {
    const r = await readAll(open("container=main", ["base64.binary.k8s.io"]));
    expect(r.protocol).toBe("base64.binary.k8s.io");
    expect(r.messages[0]).toEqual({ data: Buffer.alloc(0), binary: false });
    expect(r.messages.every((m) => !m.binary)).toBe(true);
    expect(r.messages.map((m) => Buffer.from(m.data.toString(), "base64").toString()).join("")).toBe("container is alive\n");
  });

  it("the handshake takes the first offered subprotocol it serves; none offered is binary with no subprotocol named", async () => {
    const first = await readAll(open("container=main", ["v4.channel.k8s.io", "base64.binary.k8s.io", "binary.k8s.io"]));
    expect(first.protocol).toBe("base64.binary.k8s.io");
    const none = await readAll(open("container=main", []));
    expect(none.protocol).toBe("");
    expect(Buffer.concat(none.messages.map((m) => m.data)).toString()).toBe("container is alive\n");
  });

  it("no served subprotocol offered is x/net/websocket's 403 with no body", async () => {
    expect(await refusal(open("container=main", ["v5.channel.k8s.io"]))).toEqual({ code: 403, body: "" });
  });

  it("a refusal before the stream stays an HTTP answer: an unknown container is the registry's 400", async () => {
    const r = await refusal(open("container=nope", ["binary.k8s.io"]));
    expect(r.code).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({ kind: "Status", reason: "BadRequest", message: "container nope is not valid for pod pod-logs-websocket" });
  });

  it("follow keeps the WebSocket open while the container runs, until the client closes it", async () => {
    const ws = open("container=main&follow=true", ["binary.k8s.io"]);
    const got: Buffer[] = [];
    ws.on("message", (d: Buffer) => got.push(d));
    const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
    let open_ = true;
    void closed.then(() => (open_ = false));
    await until(async () => Buffer.concat(got).toString() === "container is alive\n", 10_000, 100);
    await new Promise((r) => setTimeout(r, 1000));
    expect(open_).toBe(true);
    ws.close(1000);
    expect(await closed).toBe(1000);
  });

  it("a plain GET of the log is unchanged: 200 text/plain with the log as its body", async () => {
    const r = await raw(s, "GET", `${pods}/pod-logs-websocket/log?container=main`, { token: s.cluster.adminToken });
    expect(r.code).toBe(200);
    expect(r.headers["content-type"]).toBe("text/plain");
    expect(r.body).toBe("container is alive\n");
  });
});
