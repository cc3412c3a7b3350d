// GET pods/<name>/log: the API server picks the container (LogLocation), the kubelet checks its
// state (validateContainerLogStatus) and reads the CRI's log; here the front end asks the node's
// CRI actor for the container's lines with a ContainerLogs message, as the kubelet would.

import type { IncomingMessage, ServerResponse } from "node:http";
import type { Pod } from "kubernetes-types/core/v1";
import type { Status } from "kubernetes-types/meta/v1";
import type { Cluster } from "../cluster.js";
import type { ApiRequest } from "../../machines/messages.js";
import type { LogLine } from "../../machines/cri/messages.js";
import * as S from "../../machines/apiserver/status.js";
import type { ResourceInfo } from "../../machines/apiserver/resources.js";
import { validatePodLogOptions } from "../../machines/apiserver/validation/podlog.js";
import { parseRFC3339 } from "./gotime.js";
import { resourceFor } from "../../machines/apiserver/resources.js";
import { kubeletConnection } from "../../machines/apiserver/nodelocation.js";
import { dialKubelet } from "./nodeproxy.js";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import { acceptWebSocket, closeAndEnd, offeredProtocols, refuseUpgrade } from "./stream.js";

// errors.NewInvalid(api.Kind("PodLogOptions"), …): the core group's PodLogOptions kind.
const podLogOptionsKind: ResourceInfo = { kind: "PodLogOptions", resource: "pods", singular: "pod", group: "", version: "v1", namespaced: true, shortNames: [], verbs: [], subresources: [] };

const address = "serve/logs";
const clients = new WeakMap<Cluster, { nextId: number; waiting: Map<number, (lines: LogLine[]) => void> }>();

function client(cluster: Cluster) {
  let c = clients.get(cluster);
  if (!c) {
    const created = { nextId: 1, waiting: new Map<number, (lines: LogLine[]) => void>() };
    cluster.runtime.external(address, (msg: any) => {
      if (msg.type !== "ContainerLogsResult") return;
      const w = created.waiting.get(msg.id);
      created.waiting.delete(msg.id);
      w?.(msg.lines);
    });
    clients.set(cluster, created);
    c = created;
  }
  return c;
}

/** Asks cri/<node> for a container's log lines. */
export function containerLogs(cluster: Cluster, node: string, containerId: string): Promise<LogLine[]> {
  const c = client(cluster);
  const id = c.nextId++;
  return new Promise((resolve) => {
    c.waiting.set(id, resolve);
    cluster.runtime.send(address, `cri/${node}`, { type: "ContainerLogs", id, containerId });
    // A node whose CRI is gone answers nothing: an empty log after a while, not a hung request.
    setTimeout(() => {
      if (c.waiting.delete(id)) resolve([]);
    }, 5000).unref();
  });
}

/** The container a log request reads, or the 400 the registry answers (LogLocation's wording). */
export function pickContainer(pod: Pod, container: string | null): { name: string } | { error: string } {
  const name = pod.metadata?.name ?? "";
  const containers = pod.spec?.containers ?? [];
  const inits = pod.spec?.initContainers ?? [];
  if (!container) {
    if (containers.length === 1) return { name: containers[0]!.name };
    if (containers.length === 0) return { error: `a container name must be specified for pod ${name}` };
    // validateContainer lists every container podutil.VisitContainers visits: init, regular, ephemeral
    const names = [...inits, ...containers, ...(pod.spec?.ephemeralContainers ?? [])].map((c) => c.name);
    return { error: `a container name must be specified for pod ${name}, choose one of: [${names.join(" ")}]` };
  }
  const all = [...containers, ...inits, ...(pod.spec?.ephemeralContainers ?? [])];
  if (!all.some((c) => c.name === container)) return { error: `container ${container} is not valid for pod ${name}` };
  return { name: container };
}

/** The CRI container id whose log to read, or the kubelet's error (validateContainerLogStatus). */
export function logContainerId(pod: Pod, container: string, previous: boolean): { id: string } | { error: string } {
  const podName = pod.metadata?.name ?? "";
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])];
  const st = statuses.find((s) => s.name === container);
  const q = (s: string) => S.goQuote(s);
  if (!st) return { error: `container ${q(container)} in pod ${q(podName)} is waiting to start: ContainerCreating` };
  const strip = (id: string) => id.replace(/^[a-z]+:\/\//, "");
  const last = st.lastState?.terminated;
  if (previous) {
    if (!last?.containerID) return { error: `previous terminated container ${q(container)} in pod ${q(podName)} not found` };
    return { id: strip(last.containerID) };
  }
  if (st.state?.running) return { id: strip(st.containerID ?? "") };
  const term = st.state?.terminated;
  if (term) {
    if (term.containerID) return { id: strip(term.containerID) };
    if (last?.containerID) return { id: strip(last.containerID) };
    return { error: `container ${q(container)} in pod ${q(podName)} is terminated` };
  }
  if (last) {
    if (!last.containerID) return { error: `container ${q(container)} in pod ${q(podName)} is terminated` };
    return { id: strip(last.containerID) };
  }
  const waiting = st.state?.waiting;
  if (waiting) {
    if (waiting.reason === "ErrImagePull") return { error: `container ${q(container)} in pod ${q(podName)} is waiting to start: image can't be pulled` };
    if (waiting.reason === "ImagePullBackOff") return { error: `container ${q(container)} in pod ${q(podName)} is waiting to start: trying and failing to pull image` };
    return { error: `container ${q(container)} in pod ${q(podName)} is waiting to start: ${waiting.reason ?? ""}` };
  }
  return { error: `container ${q(container)} in pod ${q(podName)} is waiting to start - no logs yet` };
}

/** RFC 3339 with nanoseconds, as the CRI log timestamps print. */
function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");
}

/** Formats log lines as kubectl logs prints them (with --timestamps, each line after its time). */
export function formatLogLines(lines: LogLine[], opts: { timestamps?: boolean; tailLines?: number; sinceTime?: number; limitBytes?: number }): string {
  let sel = opts.sinceTime !== undefined ? lines.filter((l) => l.time >= opts.sinceTime!) : lines;
  if (opts.tailLines !== undefined && opts.tailLines >= 0) sel = opts.tailLines === 0 ? [] : sel.slice(-opts.tailLines);
  let text = sel.map((l) => (opts.timestamps ? `${rfc3339Nano(l.time)} ${l.line}\n` : `${l.line}\n`)).join("");
  if (opts.limitBytes !== undefined && opts.limitBytes > 0) text = Buffer.from(text).subarray(0, opts.limitBytes).toString("utf8");
  return text;
}

/** The options of a log request as the handler decodes them (Convert_url_Values_To_v1_PodLogOptions), in its field order. */
interface PodLogQuery {
  container: string | null;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  sinceSeconds?: number;
  sinceTime?: { text: string; ms: number };
  tailLines?: number;
  limitBytes?: number;
}

/** runtime.Convert_Slice_string_To_bool: absent, "0" and any case of "false" are false; anything else true. */
function queryBool(q: URLSearchParams, k: string): boolean {
  const v = q.get(k);
  return v !== null && v !== "0" && v.toLowerCase() !== "false";
}

/** strconv.ParseInt(v, 10, 64), or its error's text. */
function parseInt64(v: string): number | string {
  if (!/^[+-]?[0-9]+$/.test(v)) return `strconv.ParseInt: parsing ${S.goQuote(v)}: invalid syntax`;
  const n = BigInt(v);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return `strconv.ParseInt: parsing ${S.goQuote(v)}: value out of range`;
  return Number(n);
}

/**
 * DecodeParameters into PodLogOptions: the first value of each key, converted field by field; the
 * first error is the handler's 400. sinceTime is metav1.Time.UnmarshalQueryParameter ("" and
 * "null" are the zero time).
 */
export function decodePodLogQuery(q: URLSearchParams): { options: PodLogQuery } | { error: string } {
  const o: PodLogQuery = { container: q.get("container"), follow: queryBool(q, "follow"), previous: queryBool(q, "previous"), timestamps: queryBool(q, "timestamps") };
  const sinceSeconds = q.get("sinceSeconds");
  if (sinceSeconds !== null) {
    const n = parseInt64(sinceSeconds);
    if (typeof n === "string") return { error: n };
    o.sinceSeconds = n;
  }
  const sinceTime = q.get("sinceTime");
  if (sinceTime !== null) {
    const zero = sinceTime === "" || sinceTime === "null";
    const t = zero ? { ms: -62135596800000 } : parseRFC3339(sinceTime);
    if ("error" in t) return { error: t.error };
    o.sinceTime = { text: sinceTime, ms: t.ms };
  }
  for (const k of ["tailLines", "limitBytes"] as const) {
    const v = q.get(k);
    if (v === null) continue;
    const n = parseInt64(v);
    if (typeof n === "string") return { error: n };
    o[k] = n;
  }
  return { options: o };
}

/** LogLocation's kubelet URL: /containerLogs/ns/pod/container with its params as url.Values.Encode sorts them. */
function kubeletLogURL(at: { host: string; port: string }, pod: Pod, container: string, o: PodLogQuery): string {
  const params: Array<[string, string]> = [];
  if (o.follow) params.push(["follow", "true"]);
  if (o.limitBytes !== undefined) params.push(["limitBytes", String(o.limitBytes)]);
  if (o.previous) params.push(["previous", "true"]);
  if (o.sinceSeconds !== undefined) params.push(["sinceSeconds", String(o.sinceSeconds)]);
  // metav1.Time in the server's (UTC) zone, as time.RFC3339 formats it: whole seconds
  if (o.sinceTime !== undefined) params.push(["sinceTime", new Date(o.sinceTime.ms).toISOString().replace(/\.\d{3}Z$/, "Z")]);
  if (o.tailLines !== undefined) params.push(["tailLines", String(o.tailLines)]);
  if (o.timestamps) params.push(["timestamps", "true"]);
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
  const host = at.host.includes(":") ? `[${at.host}]` : at.host;
  return `https://${host}:${at.port}/containerLogs/${pod.metadata?.namespace ?? ""}/${pod.metadata?.name ?? ""}/${container}${query ? `?${query}` : ""}`;
}

// wsstream.NewDefaultReaderProtocols: a client offering none reads binary too
const logProtocols = new Map([["", "binary"], ["binary.k8s.io", "binary"], ["base64.binary.k8s.io", "base64"]] as const);
// messageCopy's read buffer: each message carries at most this many bytes of the log
const wsChunkBytes = 2048;

/** wsstream's handshake: the first offered subprotocol it serves ("" when none is offered), else undefined. */
export function logProtocol(offered: string[]): string | undefined {
  return (offered.length === 0 ? [""] : offered).find((p) => logProtocols.has(p as never));
}

/** The messages wsstream's Reader sends for a piece of the log: 2 KiB pieces, raw or base64 text. */
export function logMessages(bytes: Buffer, base64: boolean): Array<Buffer | string> {
  const out: Array<Buffer | string> = [];
  for (let i = 0; i < bytes.length; i += wsChunkBytes) {
    const piece = bytes.subarray(i, i + wsChunkBytes);
    out.push(base64 ? piece.toString("base64") : piece);
  }
  return out;
}

/** Where the log goes: the HTTP body, or (StreamObject with a WebSocket request) a wsstream Reader. */
interface LogSink {
  write(text: string): void;
  end(): void;
  /** true once the client is gone */
  gone(): boolean;
}

function httpSink(req: IncomingMessage, res: ServerResponse): LogSink {
  res.writeHead(200, { "Content-Type": "text/plain", "Transfer-Encoding": "chunked" });
  let closed = false;
  req.on("close", () => (closed = true));
  // a client that half-closes cancels the request's context in net/http: a follow ends
  const halfClosed = () => (closed = true);
  if (req.socket.readableEnded) closed = true;
  else req.socket.once("end", halfClosed);
  res.once("finish", () => req.socket?.off("end", halfClosed));
  return { write: (t) => void (t && res.write(t)), end: () => void res.end(), gone: () => closed };
}

function wsSink(ws: WebSocket, base64: boolean): LogSink {
  let closed = false;
  // the Reader ignores what the client sends; its close (or the connection's end) ends the stream
  ws.on("close", () => (closed = true));
  // ping: a zero-length message before the log (text under base64, else binary)
  ws.send(base64 ? "" : Buffer.alloc(0), { binary: !base64 });
  return {
    write: (t) => {
      if (closed) return;
      for (const m of logMessages(Buffer.from(t), base64)) ws.send(m, { binary: !base64 });
    },
    end: () => closeAndEnd(ws),
    gone: () => closed,
  };
}

/**
 * Serves GET pods/<name>/log with container, previous, follow, timestamps, tailLines, sinceSeconds,
 * sinceTime, limitBytes; `upgrade` is set for a request asking to upgrade, which a WebSocket
 * request does (StreamObject: a refusal before the stream is still an HTTP answer).
 */
export async function serveLogs(cluster: Cluster, base: Omit<ApiRequest, "type" | "id" | "verb">, q: URLSearchParams, req: IncomingMessage, res: ServerResponse, sendStatus: (st: Status) => void, upgrade?: { socket: Duplex; head: Buffer }): Promise<void> {
  // a refusal is written as every handler writes one (ErrorNegotiated): the server's negotiated
  // media type, pretty for curl, json.Encoder's newline
  // The filter chain authorizes first; then GetResourceWithOptions decodes the options (400) and
  // LogREST.Get validates them (422), both before the pod is looked up.
  const allowed = await cluster.request({ ...base, verb: "get", subresource: "log", authorizeOnly: true });
  if (!allowed.ok) return sendStatus(allowed.status);
  const decoded = decodePodLogQuery(q);
  if ("error" in decoded) return sendStatus(S.badRequest(decoded.error));
  const o = decoded.options;
  const optionErrs = validatePodLogOptions({
    ...(o.tailLines !== undefined ? { tailLines: o.tailLines } : {}),
    ...(o.limitBytes !== undefined ? { limitBytes: o.limitBytes } : {}),
    ...(o.sinceSeconds !== undefined ? { sinceSeconds: o.sinceSeconds } : {}),
    ...(o.sinceTime !== undefined ? { sinceTime: o.sinceTime.text } : {}),
  });
  if (optionErrs.length > 0) return sendStatus(S.invalid(podLogOptionsKind, String(base.name ?? ""), optionErrs));
  const got = await cluster.request({ ...base, verb: "get", subresource: "log" });
  if (!got.ok) return sendStatus(got.status);
  const pod: Pod = got.object;
  const picked = pickContainer(pod, o.container);
  if ("error" in picked) return sendStatus(S.badRequest(picked.error));
  const node = pod.spec?.nodeName;
  if (!node) {
    // An unscheduled pod has no log location (LogLocation's nil URL): StreamObject answers a nil
    // stream 204 No Content, before any WebSocket upgrade
    res.writeHead(204);
    return void res.end();
  }
  // LogLocation (pkg/registry/core/pod/strategy.go): GetConnectionInfo's Node, preferred address and
  // kubelet port, then LocationStreamer's GET of the kubelet, whose dial error is a 500 without a reason
  const nodeObj = cluster.get("Node", node);
  if (nodeObj === undefined) return sendStatus(S.notFound(resourceFor("", "nodes")!, node));
  const info = kubeletConnection(nodeObj);
  if ("error" in info) return sendStatus(info.error);
  const dialled = dialKubelet(cluster, info.host, info.port);
  if ("error" in dialled) {
    const url = kubeletLogURL(info, pod, picked.name, o);
    return sendStatus({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `Get ${S.goQuote(url)}: ${dialled.error}`, code: 500 });
  }
  const located = logContainerId(pod, picked.name, o.previous);
  if ("error" in located) return sendStatus(S.badRequest(located.error));
  const opts = {
    timestamps: o.timestamps,
    ...(o.tailLines !== undefined ? { tailLines: o.tailLines } : {}),
    ...(o.limitBytes !== undefined ? { limitBytes: o.limitBytes } : {}),
    ...(o.sinceSeconds !== undefined ? { sinceTime: cluster.now() - o.sinceSeconds * 1000 } : o.sinceTime !== undefined ? { sinceTime: o.sinceTime.ms } : {}),
  };
  const lines = await containerLogs(cluster, dialled.node, located.id);
  let sink: LogSink;
  // wsstream.IsWebSocketRequest: Upgrade is websocket (any case) and Connection asks to upgrade
  if (upgrade && String(req.headers.upgrade ?? "").toLowerCase() === "websocket") {
    const protocol = logProtocol(offeredProtocols(req));
    // x/net/websocket answers a refused handshake 403 with no body
    if (protocol === undefined) return refuseUpgrade(upgrade.socket, 403, "", "text/plain; charset=utf-8");
    // the response keeps the socket (nothing more is written through it) so that its close frees
    // the request's in-flight slot
    sink = wsSink(await acceptWebSocket(req, upgrade.socket, upgrade.head, protocol), logProtocols.get(protocol as never) === "base64");
  } else sink = httpSink(req, res);
  sink.write(formatLogLines(lines, opts));
  if (!o.follow) return sink.end();
  // follow: poll the CRI and write what is new until the client goes or the container stops.
  let sent = lines.length;
  while (!sink.gone()) {
    await new Promise((r) => setTimeout(r, 250));
    const now = await containerLogs(cluster, dialled.node, located.id);
    if (now.length > sent) sink.write(formatLogLines(now.slice(sent), { timestamps: opts.timestamps }));
    sent = Math.max(sent, now.length);
    const live = await cluster.request({ ...base, verb: "get", subresource: "log" });
    const st = live.ok ? [...(live.object.status?.containerStatuses ?? []), ...(live.object.status?.initContainerStatuses ?? [])].find((s: any) => s.name === picked.name) : undefined;
    if (!st?.state?.running || st.containerID?.replace(/^[a-z]+:\/\//, "") !== located.id) break;
  }
  sink.end();
}
