// kubectl port-forward: SPDY/3.1 tunneled in a WebSocket (SPDY/3.1+portforward.k8s.io). Each
// local connection is a pair of SPDY streams the client opens with the same requestid, an
// "error" one and a "data" one, naming the pod's port (the kubelet's portforward.k8s.io protocol,
// pkg/kubelet/cri/streaming/portforward/httpstream.go). The runtime's streaming server says
// whether something listens on that port; the connection's HTTP requests are then answered by
// that listener (the simulated servers answer HTTP). A refusal is written to the error stream,
// which kubectl prints as "an error occurred forwarding L -> P: ...".

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import type { Cluster } from "../cluster.js";
import type { StreamLocation } from "../../machines/apiserver/connect.js";
import type { StreamOutput } from "../../machines/cri/messages.js";
import { maxStreams, SpdyServer, type SpdyStream } from "./spdy.js";
import { openSession, type Session } from "./stream.js";
import { dialKubelet } from "./nodeproxy.js";

/** How long the runtime has to answer a forwarded request. */
export const forwardTimeoutMs = 10_000;
/** The most bytes a tunnel holds for data streams whose pair has not arrived yet, all of them together. */
export const maxPendingBytes = 1024 * 1024;

type Answer = Extract<StreamOutput, { type: "PortForwardDialed" | "PortForwardHttpResult" }>;

/** Serves one port-forward tunnel until either side closes it. */
export function servePortForwardTunnel(cluster: Cluster, loc: StreamLocation, ws: WebSocket): void {
  const waiting = new Map<number, (a: Answer | undefined) => void>();
  let nextRequest = 1;
  let closed = false;
  // serveConnect dialled the kubelet at the location already: this finds the node it reached
  const dialled = dialKubelet(cluster, loc.host, loc.port);
  const session = "error" in dialled ? Promise.resolve({ code: 500, message: dialled.error }) : openSession(cluster, dialled.node, { type: "GetPortForward", podNamespace: loc.podNamespace, podName: loc.podName });
  const opened = session.then((s) => {
    if ("id" in s) {
      s.onOutput((o) => {
        if (o.type !== "PortForwardDialed" && o.type !== "PortForwardHttpResult") return;
        const w = waiting.get(o.requestId);
        waiting.delete(o.requestId);
        w?.(o);
      });
      if (closed) s.close();
    }
    return s;
  });
  const ask = async (msg: { type: "PortForwardDial"; port: number } | { type: "PortForwardHttp"; port: number; method: string; path: string }): Promise<Answer | { error: string }> => {
    const s = await opened;
    if (!("id" in s)) return { error: s.message };
    const requestId = nextRequest++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (waiting.delete(requestId)) resolve({ error: "timed out waiting for the container runtime" });
      }, forwardTimeoutMs);
      timer.unref();
      waiting.set(requestId, (a) => {
        clearTimeout(timer);
        resolve(a ?? { error: "no answer" });
      });
      s.send({ ...msg, requestId });
    });
  };
  const pairs = new Map<string, { data?: SpdyStream; error?: SpdyStream }>();
  const spdy = new SpdyServer(
    (b) => ws.readyState === ws.OPEN && ws.send(b, { binary: true }),
    (stream) => {
      const type = stream.headers.get("streamtype");
      const requestId = stream.headers.get("requestid") ?? "";
      const portText = stream.headers.get("port") ?? "";
      const port = Number(portText);
      // the kubelet refuses a stream without a valid type, port or request id
      if ((type !== "data" && type !== "error") || !/^\d{1,5}$/.test(portText) || port < 1 || port > 65535 || requestId === "") return stream.reset();
      // requests waiting for their other stream are bounded as the session's streams are (a client
      // that resets its half-pairs would otherwise leave one entry each)
      if (!pairs.has(requestId) && pairs.size >= maxStreams) return stream.reset(3);
      const pair = pairs.get(requestId) ?? {};
      if (pair[type]) return stream.reset();
      pair[type] = stream;
      pairs.set(requestId, pair);
      if (type === "data") holdUntilPaired(stream);
      if (pair.data && pair.error) {
        pairs.delete(requestId);
        void forward(pair.data, pair.error, port);
      }
    },
    () => {
      if (ws.readyState === ws.OPEN) ws.close(1000);
    },
  );
  // bytes a data stream sends before its error stream arrived wait, bounded for the whole tunnel
  // (a bound per stream would let 1,024 unpaired streams hold a GiB)
  const held = new WeakMap<SpdyStream, Buffer[]>();
  let heldBytes = 0;
  function holdUntilPaired(s: SpdyStream): void {
    const chunks: Buffer[] = [];
    held.set(s, chunks);
    s.onData((b) => {
      if (heldBytes + b.length > maxPendingBytes) {
        for (const c of chunks.splice(0)) heldBytes -= c.length;
        return s.reset();
      }
      heldBytes += b.length;
      chunks.push(b);
    });
  }
  async function forward(data: SpdyStream, error: SpdyStream, port: number): Promise<void> {
    const dial = await ask({ type: "PortForwardDial", port });
    if ("error" in dial && dial.error !== undefined) {
      error.write(Buffer.from(dial.error.startsWith("error forwarding") ? dial.error : `error forwarding port ${port} to pod ${loc.podName}, uid ${loc.podUID}: ${dial.error}`));
      error.end();
      data.end();
      return;
    }
    bridgeHttp(data, port, error);
  }
  function bridgeHttp(data: SpdyStream, port: number, error: SpdyStream): void {
    const conn = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        data.write(chunk);
        cb();
      },
      final(cb) {
        data.end();
        error.end();
        cb();
      },
    });
    Object.assign(conn, { remoteAddress: "127.0.0.1", remotePort: 0, setTimeout: () => conn, setNoDelay: () => conn, setKeepAlive: () => conn });
    for (const b of held.get(data)?.splice(0) ?? []) {
      heldBytes -= b.length;
      conn.push(b);
    }
    data.onData((b) => conn.push(b));
    data.onEnd(() => conn.push(null));
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on("end", async () => {
        const r = await ask({ type: "PortForwardHttp", port, method: req.method ?? "GET", path: req.url ?? "/" });
        if ("error" in r && r.error !== undefined) return void res.destroy();
        const a = r as Extract<Answer, { type: "PortForwardHttpResult" }>;
        const body = a.body ?? "";
        res.writeHead(a.status ?? 200, { "Content-Type": /^\s*</.test(body) ? "text/html" : "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(body) });
        res.end(req.method === "HEAD" ? undefined : body);
      });
    });
    // not HTTP (a protocol the simulated servers do not speak): the connection is reset
    server.on("clientError", () => {
      data.reset();
      error.end();
    });
    server.emit("connection", conn);
  }
  ws.on("message", (m: Buffer, isBinary: boolean) => {
    if (!isBinary) return spdy.close();
    spdy.receive(m);
  });
  ws.on("close", () => {
    closed = true;
    spdy.close();
    for (const w of waiting.values()) w(undefined);
    waiting.clear();
    void opened.then((s) => "id" in s && (s as Session).close());
  });
}
