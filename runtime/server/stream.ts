// pods/exec, pods/attach and pods/portforward: the upgraded streams kubectl opens. The API server
// machine authorizes the connect and locates the node and container; the node's kubelet machine
// checks the pod and container and hands the request to its CRI machine's streaming server,
// which opens a session. This file carries the bytes: WebSocket framing (the `ws` library) with
// Kubernetes' channel protocol (v5.channel.k8s.io: a channel byte before each message), the
// terminal's line discipline for `exec -it`, and port-forward's SPDY streams (spdy.ts).

import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { Status } from "kubernetes-types/meta/v1";
import type { Cluster } from "../cluster.js";
import type { ApiRequest } from "../../machines/messages.js";
import type { CriStreamAnswer, StreamMessage, StreamOutput } from "../../machines/cri/messages.js";
import type { KubeletStreamRequest } from "../../machines/kubelet/streaming.js";
import type { StreamLocation } from "../../machines/apiserver/connect.js";
import * as S from "../../machines/apiserver/status.js";
import { servePortForwardTunnel } from "./portforward.js";
import { dialKubelet } from "./nodeproxy.js";

/** The WebSocket subprotocols of remote commands: v5 adds the close signal (channel 255). */
export const execProtocols = ["v5.channel.k8s.io", "v4.channel.k8s.io"] as const;
/** kubectl's port-forward over WebSockets: SPDY/3.1 tunneled in binary messages. */
export const portForwardTunnelProtocol = "SPDY/3.1+portforward.k8s.io";

/** Channels of the remote command protocol (k8s.io/apimachinery/pkg/util/remotecommand). */
export const channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** The largest WebSocket message accepted from a client (kubectl writes 32 KiB at most). */
export const maxMessageBytes = 1024 * 1024;
/** The most stdin gathered for one command (kubectl cp's archive included). */
export const maxStdinBytes = 64 * 1024 * 1024;
/** How long the kubelet and runtime have to open the session. */
export const openTimeoutMs = 10_000;
/** How often attach reads what the container wrote. */
export const attachPollMs = 200;

const address = "serve/stream";

interface Endpoint {
  nextId: number;
  opening: Map<number, (a: CriStreamAnswer | undefined) => void>;
  sessions: Map<string, (o: StreamOutput) => void>;
}

const endpoints = new WeakMap<Cluster, Endpoint>();

/** The front end's address on the cluster network: answers of kubelets and runtimes come here. */
function endpoint(cluster: Cluster): Endpoint {
  let e = endpoints.get(cluster);
  if (e) return e;
  const made: Endpoint = { nextId: 1, opening: new Map(), sessions: new Map() };
  cluster.runtime.external(address, (msg: any) => {
    if (msg?.type === "StreamReady" || msg?.type === "StreamRefused") {
      const w = made.opening.get(msg.id);
      made.opening.delete(msg.id);
      w?.(msg);
      return;
    }
    if (typeof msg?.session === "string") made.sessions.get(msg.session)?.(msg as StreamOutput);
  });
  endpoints.set(cluster, made);
  e = made;
  return e;
}

/** A session with the node's runtime, once the kubelet handed it over. */
export interface Session {
  id: string;
  prompt?: string;
  /** a shell reading lines from a terminal (exec -it of a shell, attach -it to one) or from the container's stdin (attach -i) */
  interactive: boolean;
  /** attached to a shell's stdin: its end ends the shell (spec.stdinOnce) */
  closesStdin?: boolean;
  send(msg: DistributiveOmit<StreamMessage, "session">): void;
  onOutput(f: (o: StreamOutput) => void): void;
  close(): void;
}

type DistributiveOmit<T, K extends keyof any> = T extends unknown ? Omit<T, K> : never;

/** Asks the node's kubelet for a stream; resolves to a session or the kubelet's (or runtime's) refusal. */
export function openSession(cluster: Cluster, node: string, req: DistributiveOmit<KubeletStreamRequest, "id">): Promise<Session | { code: number; message: string }> {
  const ep = endpoint(cluster);
  const id = ep.nextId++;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      if (ep.opening.delete(id)) resolve({ code: 500, message: "error dialing backend: dial timeout" });
    }, openTimeoutMs);
    timer.unref();
    ep.opening.set(id, (a) => {
      clearTimeout(timer);
      if (!a || a.type === "StreamRefused") return resolve({ code: a?.code ?? 500, message: a?.type === "StreamRefused" ? a.message : "no answer" });
      const cri = `cri/${node}`;
      const session: Session = {
        id: a.session,
        ...(a.prompt !== undefined ? { prompt: a.prompt } : {}),
        interactive: a.interactive === true,
        ...(a.closesStdin === true ? { closesStdin: true } : {}),
        send: (m) => cluster.runtime.send(address, cri, { ...m, session: a.session }),
        onOutput: (f) => void ep.sessions.set(a.session, f),
        close: () => {
          ep.sessions.delete(a.session);
          cluster.runtime.send(address, cri, { type: "StreamClose", session: a.session });
        },
      };
      resolve(session);
    });
    cluster.runtime.send(address, `kubelet/${node}`, { ...req, id });
  });
}

// ---- Status texts of the error channel -----------------------------------------------------

/** The Status of a command that ended: Success, or NonZeroExitCode as the stream translator words it. */
export function exitStatus(code: number): Status {
  if (code === 0) return { metadata: {}, status: "Success" };
  return {
    metadata: {}, status: "Failure", message: `command terminated with non-zero exit code: command terminated with exit code ${code}`, reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(code) }] },
  };
}

/** apierrors.NewInternalError(err) as the stream translator writes it to the error channel. */
export function internalErrorStatus(err: string): Status {
  return { metadata: {}, status: "Failure", message: `Internal error occurred: ${err}`, reason: "InternalError", details: { causes: [{ message: err }] }, code: 500 };
}

// ---- HTTP answers on a socket that was asking to upgrade ------------------------------------

const reasons: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 429: "Too Many Requests", 500: "Internal Server Error" };

/** Writes an HTTP answer on a socket whose upgrade is refused, and closes it. */
export function refuseUpgrade(socket: Duplex, code: number, body: string, contentType = "application/json"): void {
  if (socket.destroyed) return;
  const head = `HTTP/1.1 ${code} ${reasons[code] ?? "Error"}\r\nContent-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-cache, private\r\nConnection: close\r\n\r\n`;
  socket.end(head + body);
}

/** An error no API status carries: ErrorToAPIStatus makes it a 500 without a reason. */
function dialError(message: string): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, code: 500 };
}

function refuseWithStatus(socket: Duplex, st: Status): void {
  refuseUpgrade(socket, st.code ?? 500, JSON.stringify(st));
}

/** The subprotocols a WebSocket request offers, in its order. */
export function offeredProtocols(req: IncomingMessage): string[] {
  const h = req.headers["sec-websocket-protocol"];
  if (!h) return [];
  return h.split(",").map((p) => p.trim()).filter((p) => p !== "");
}

// ---- the connect: API server, then the upgrade ------------------------------------------------

/** What the connect options of a query say (PodExecOptions, PodAttachOptions). */
export interface ConnectOptions {
  container?: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v !== null && v !== "0" && v.toLowerCase() !== "false";
}

/** The connect options of a query string, as the parameter codec decodes them. */
export function connectOptions(q: URLSearchParams): ConnectOptions {
  const c = q.get("container");
  return { ...(c ? { container: c } : {}), command: q.getAll("command"), stdin: flag(q, "stdin"), stdout: flag(q, "stdout"), stderr: flag(q, "stderr"), tty: flag(q, "tty") };
}

/** The API server's answer to a connect: where the stream goes, or the Status to refuse it with. */
/**
 * ConnectResource's first checks, after authorization: a dryRun parameter is refused (connect has
 * none), then an empty {name} is errEmptyName. Undefined when neither applies.
 */
export async function connectRefusal(cluster: Cluster, base: Omit<ApiRequest, "type" | "id" | "verb" | "body">, verb: ApiRequest["verb"], q: URLSearchParams): Promise<Status | undefined> {
  const dryRun = q.getAll("dryRun").length > 0;
  if (!dryRun && base.name !== "") return undefined;
  const allowed = await cluster.request({ ...base, verb, authorizeOnly: true });
  if (!allowed.ok) return allowed.status;
  return S.badRequest(dryRun ? "dryRun is not supported" : "name must be provided");
}

/**
 * exec, attach and portforward as kube-apiserver 1.35 authorizes them: WithAuthorization checks the
 * verb of the method (a WebSocket's GET is get, SPDY's POST create); ConnectResource refuses dryRun,
 * then an empty name; then Connect checks create itself (ensureAuthorizedForVerb, behind
 * AuthorizePodWebsocketUpgradeCreatePermission, on by default), so get alone opens no stream and
 * create alone passes no filter (pkg/registry/core/pod/rest/subresources.go). Undefined when allowed.
 */
export async function podConnectRefusal(cluster: Cluster, base: Omit<ApiRequest, "type" | "id" | "verb" | "body">, method: string, q: URLSearchParams): Promise<Status | undefined> {
  const verb = method === "POST" ? "create" : "get";
  const filtered = await cluster.request({ ...base, verb, authorizeOnly: true });
  if (!filtered.ok) return filtered.status;
  if (q.getAll("dryRun").length > 0) return S.badRequest("dryRun is not supported");
  if (base.name === "") return S.badRequest("name must be provided");
  if (verb === "create") return undefined;
  const created = await cluster.request({ ...base, verb: "create", authorizeOnly: true, handlerCheck: true });
  return created.ok ? undefined : created.status;
}

export async function locate(cluster: Cluster, base: Omit<ApiRequest, "type" | "id" | "verb" | "body">, opts: ConnectOptions): Promise<StreamLocation | Status> {
  // the options as their Go type marshals them (PodExecOptions, PodAttachOptions): admission webhooks see them on CONNECT
  const sub = base.subresource;
  const flags = { ...(opts.stdin ? { stdin: true } : {}), ...(opts.stdout ? { stdout: true } : {}), ...(opts.stderr ? { stderr: true } : {}), ...(opts.tty ? { tty: true } : {}) };
  const body = sub === "portforward" ? {} : { ...flags, ...(opts.container ? { container: opts.container } : {}), ...(sub === "exec" ? { command: opts.command } : {}) };
  const resp = await cluster.request({ ...base, verb: "create", body });
  if (!resp.ok) return resp.status;
  return resp.object as StreamLocation;
}

// the protocol a handshake answers with: the one chosen for that request before the upgrade
const chosen = new WeakMap<IncomingMessage, string>();
/** True when the API server located the stream (else it refused with a Status). */
export function isLocation(x: StreamLocation | Status): x is StreamLocation {
  return (x as StreamLocation).kind === "StreamLocation";
}

const wss = new WebSocketServer({
  noServer: true, maxPayload: maxMessageBytes, perMessageDeflate: false, clientTracking: false,
  handleProtocols: (_offered, req) => chosen.get(req) ?? false,
});

// ws accepts only RFC 7230 tokens as subprotocols; kubectl's port-forward tunnel protocol has a
// "/" in it (Go's gorilla takes it). Such a protocol travels to ws as a stand-in token, and the
// handshake's answer names the real one.
const standIn = "podflow-subprotocol";
const renamed = new WeakMap<IncomingMessage, string>();
wss.on("headers", (headers: string[], req: IncomingMessage) => {
  const real = renamed.get(req);
  if (real === undefined) return;
  const i = headers.indexOf(`Sec-WebSocket-Protocol: ${standIn}`);
  if (i >= 0) headers[i] = `Sec-WebSocket-Protocol: ${real}`;
});

/** True for a subprotocol that is an RFC 7230 token. */
function isToken(s: string): boolean {
  return /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(s);
}

// the connection under each accepted WebSocket
const sockets = new WeakMap<WebSocket, Duplex>();

/**
 * Closes a session as wsstream (x/net/websocket) does: the close frame, then the connection ends
 * at once, without waiting for the client's close frame (ws would wait 30 s). A client that reads
 * only when its socket polls readable (the Python client) sees the end of the stream right away.
 */
export function closeAndEnd(ws: WebSocket): void {
  if (ws.readyState !== ws.OPEN) return;
  ws.close(1000);
  sockets.get(ws)?.end();
}

/** Completes a WebSocket upgrade with the subprotocol chosen for the request. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string): Promise<WebSocket> {
  // "" is a request that offered none: the handshake names no subprotocol
  if (protocol !== "" && !isToken(protocol)) {
    renamed.set(req, protocol);
    req.headers["sec-websocket-protocol"] = standIn;
    protocol = standIn;
  }
  chosen.set(req, protocol);
  return new Promise((resolve) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      // a malformed or oversized frame ends the connection, never the server
      ws.on("error", () => ws.terminate());
      sockets.set(ws, socket);
      resolve(ws);
    });
  });
}

/** Serves an exec or attach on an accepted WebSocket. */
export async function serveRemoteCommand(cluster: Cluster, loc: StreamLocation, kind: "exec" | "attach", opts: ConnectOptions, ws: WebSocket, protocol: string, preopened?: Session): Promise<void> {
  const v5 = protocol === "v5.channel.k8s.io";
  let finished = false;
  let session: Session | undefined;
  const write = (ch: number, data: string | Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    const body = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    ws.send(Buffer.concat([Buffer.from([ch]), body]));
  };
  // the stream translator ends a session with the status, then a close frame; the client closes the connection
  const finish = (st: Status) => {
    if (finished) return;
    finished = true;
    write(channel.error, JSON.stringify(st));
    closeAndEnd(ws);
    session?.close();
  };
  ws.on("close", () => {
    finished = true;
    session?.close();
  });
  // an empty message on the lowest writable channel tells the client the streams are ready
  write(opts.stdout ? channel.stdout : opts.stderr ? channel.stderr : channel.error, Buffer.alloc(0));
  const input = inputOf(ws, v5);
  const opened: Session | { code: number; message: string } | DialFailure = preopened ?? await openRemoteCommand(cluster, loc, kind, opts);
  // the translator's SPDY executor: spdy.Negotiate's client.Do fails before any kubelet answers
  if (!("id" in opened) && "dial" in opened) return finish(internalErrorStatus(`error sending request: Post ${S.goQuote(kubeletStreamURL(loc, kind, opts))}: ${opened.message}`));
  if (!("id" in opened)) return finish(internalErrorStatus(`unable to upgrade connection: ${opened.message}`));
  session = opened;
  if (finished) return session.close();
  if (kind === "attach" && !session.interactive) return attach(session, opts, write, finish);
  const outputs = (o: StreamOutput, tty: boolean) => {
    if (o.type !== "ExecOutput") return;
    const nl = (t: string) => (tty ? t.replace(/\r?\n/g, "\r\n") : t);
    if (o.stdout && opts.stdout) write(channel.stdout, nl(o.stdout));
    // a terminal has one output: stderr goes to it too
    if (o.stderr) {
      if (tty && opts.stdout) write(channel.stdout, nl(o.stderr));
      else if (opts.stderr) write(channel.stderr, o.stderr);
    }
    if (o.error !== undefined) return finish(internalErrorStatus(`error executing command in container: ${o.error}`));
    // an attach ends well when the process it is attached to ends, whatever its exit code
    if (o.exitCode !== undefined) return finish(exitStatus(kind === "attach" ? 0 : o.exitCode));
  };
  input.onResize((w, h) => session!.send({ type: "ExecResize", width: w, height: h }));
  if (opts.tty && session.interactive) return interactive(session, opts, input, write, outputs);
  if (kind === "attach") return piped(session, input, outputs);
  session.onOutput((o) => outputs(o, opts.tty));
  // a terminal command without a shell, or no stdin: it runs now; else once stdin ends
  if (!opts.stdin || opts.tty) return session.send({ type: "ExecRun", stdin: "" });
  const stdin = await input.readAll();
  if (stdin === undefined) return finish(internalErrorStatus(`error executing command in container: stdin exceeds ${maxStdinBytes} bytes`));
  if (!finished) session.send({ type: "ExecRun", stdin });
}

/**
 * The kubelet URL streamLocation builds (pkg/registry/core/pod/strategy.go): /exec|attach/ns/pod/container
 * at the Node's address, with streamParams' query as url.Values.Encode sorts it.
 */
export function kubeletStreamURL(loc: StreamLocation, kind: "exec" | "attach", opts: ConnectOptions): string {
  const params: Array<[string, string]> = [];
  for (const c of kind === "exec" ? opts.command : []) params.push(["command", c]);
  if (opts.stderr) params.push(["error", "1"]);
  if (opts.stdin) params.push(["input", "1"]);
  if (opts.stdout) params.push(["output", "1"]);
  if (opts.tty) params.push(["tty", "1"]);
  // url.QueryEscape: a space is +, everything past the unreserved set %XX
  const esc = (x: string) => encodeURIComponent(x).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, "+");
  const query = params.map(([k, v]) => `${k}=${esc(v)}`).join("&");
  const host = loc.host.includes(":") ? `[${loc.host}]` : loc.host;
  return `https://${host}:${loc.port}/${kind}/${loc.podNamespace}/${loc.podName}/${loc.container ?? ""}${query ? `?${query}` : ""}`;
}

/** A dial to the kubelet that failed: net's error text. */
export interface DialFailure {
  code: 500;
  message: string;
  dial: true;
}

/** The kubelet's exec or attach session for a located stream, or its refusal, or the failed dial. */
function openRemoteCommand(cluster: Cluster, loc: StreamLocation, kind: "exec" | "attach", opts: ConnectOptions): Promise<Session | { code: number; message: string } | DialFailure> {
  const dialled = dialKubelet(cluster, loc.host, loc.port);
  if ("error" in dialled) return Promise.resolve({ code: 500, message: dialled.error, dial: true });
  return openSession(cluster, dialled.node, kind === "exec"
    ? { type: "GetExec", podNamespace: loc.podNamespace, podName: loc.podName, container: loc.container ?? "", cmd: opts.command, tty: opts.tty, stdin: opts.stdin, stdout: opts.stdout, stderr: opts.stderr }
    : { type: "GetAttach", podNamespace: loc.podNamespace, podName: loc.podName, container: loc.container ?? "", tty: opts.tty, stdin: opts.stdin, stdout: opts.stdout, stderr: opts.stderr });
}

/** What the client sends: stdin bytes, its end (v5's close signal), terminal sizes. */
interface Input {
  onData(f: (b: Buffer) => void): void;
  onResize(f: (w: number, h: number) => void): void;
  /** all of stdin once it ends (undefined past maxStdinBytes) */
  readAll(): Promise<string | undefined>;
  /** stdin ended (v5's close signal, or the connection closed) */
  onEnd(f: () => void): void;
}

function inputOf(ws: WebSocket, v5: boolean): Input {
  const chunks: Buffer[] = [];
  let size = 0;
  let ended = false;
  let onEnd: (() => void) | undefined;
  let onData: ((b: Buffer) => void) | undefined;
  let onResize: ((w: number, h: number) => void) | undefined;
  let resizeText = "";
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd?.();
  };
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    if (!isBinary || data.length === 0) return;
    const ch = data[0]!;
    const body = data.subarray(1);
    if (ch === channel.stdin) {
      if (ended) return;
      if (onData) return onData(body);
      size += body.length;
      if (size > maxStdinBytes) return end();
      chunks.push(Buffer.from(body));
    } else if (ch === channel.resize) {
      // a stream of JSON TerminalSize objects
      resizeText += body.toString("utf8");
      for (;;) {
        const m = /^\s*(\{[^}]*\})/.exec(resizeText);
        if (!m) break;
        resizeText = resizeText.slice(m[0].length);
        try {
          const sz = JSON.parse(m[1]!) as { Width?: unknown; Height?: unknown };
          if (typeof sz.Width === "number" && typeof sz.Height === "number") onResize?.(sz.Width, sz.Height);
        } catch {
          resizeText = "";
        }
      }
      if (resizeText.length > 4096) resizeText = "";
    } else if (ch === channel.close && v5 && body[0] === channel.stdin) end();
  });
  ws.on("close", end);
  return {
    onData: (f) => {
      onData = f;
      // what came before the session opened is the first input
      for (const b of chunks.splice(0)) f(b);
    },
    onResize: (f) => void (onResize = f),
    onEnd: (f) => {
      if (ended) return f();
      onEnd = f;
    },
    readAll: () =>
      new Promise((resolve) => {
        const done = () => resolve(size > maxStdinBytes ? undefined : Buffer.concat(chunks).toString("utf8"));
        if (ended) return done();
        onEnd = done;
      }),
  };
}

/**
 * `exec -it` of a shell: the terminal's line discipline (echo, erase, ^C, ^U, ^D) assembles lines,
 * each runs in the shell, its output comes back with the next prompt.
 */
function interactive(session: Session, opts: ConnectOptions, input: Input, write: (ch: number, d: string | Buffer) => void, outputs: (o: StreamOutput, tty: boolean) => void): void {
  const out = (t: string) => opts.stdout && write(channel.stdout, t);
  const decoder = new TextDecoder();
  const discipline = new LineDiscipline();
  const queue: string[] = [];
  let busy = false;
  // attached to a shell already running, its prompt is on the terminal already (or comes with enter)
  let prompt = session.prompt ?? "";
  const next = () => {
    if (busy || queue.length === 0) return;
    busy = true;
    session.send({ type: "ExecLine", line: queue.shift()! });
  };
  session.onOutput((o) => {
    if (o.type !== "ExecOutput") return;
    outputs(o, true);
    if (o.partial || o.exitCode !== undefined || o.error !== undefined || o.blocked) return;
    busy = false;
    if (o.prompt !== undefined) prompt = o.prompt;
    out(prompt);
    next();
  });
  out(prompt);
  input.onData((b) => {
    const r = discipline.feed(decoder.decode(b, { stream: true }));
    if (r.echo) out(r.echo);
    if (r.interrupt && !busy) out(prompt);
    for (const line of r.lines) queue.push(line);
    next();
  });
}

/**
 * `attach -i` (no terminal) to a shell reading its stdin: it runs each line as the line comes, with
 * no prompt and no echo; when stdin ends, a shell whose stdin closes with it (stdinOnce) exits.
 */
function piped(session: Session, input: Input, outputs: (o: StreamOutput, tty: boolean) => void): void {
  const decoder = new TextDecoder();
  const queue: string[] = [];
  let partial = "";
  let busy = false;
  let ended = false;
  let exited = false;
  // what waits to be read is bounded, as a pipe's buffer is: past it, more input is not taken
  let waiting = 0;
  const next = () => {
    if (busy) return;
    let line = queue.shift();
    if (line !== undefined) waiting -= line.length + 1;
    // sh at the end of its input exits with the status of its last command, as `exit` does
    else if (ended && session.closesStdin && !exited) line = "exit";
    else return;
    if (line === "exit") exited = true;
    busy = true;
    session.send({ type: "ExecLine", line });
  };
  session.onOutput((o) => {
    if (o.type !== "ExecOutput") return;
    outputs(o, false);
    if (o.partial || o.exitCode !== undefined || o.error !== undefined || o.blocked) return;
    busy = false;
    next();
  });
  const take = (text: string) => {
    if (waiting + partial.length + text.length > maxStdinBytes) return;
    const lines = (partial + text).split("\n");
    partial = lines.pop()!;
    // one at a time: a frame of a million newlines is a million lines, past any spread's argument
    // limit; each counts its newline, so empty lines fill the bound too
    for (const l of lines) {
      waiting += l.length + 1;
      queue.push(l);
    }
  };
  input.onData((b) => {
    take(decoder.decode(b, { stream: true }));
    next();
  });
  input.onEnd(() => {
    take(decoder.decode());
    if (partial !== "") {
      queue.push(partial);
      waiting += partial.length + 1;
    }
    partial = "";
    ended = true;
    next();
  });
}

/** A terminal's canonical mode: what is echoed, the lines completed, ^C and ^D. */
export class LineDiscipline {
  private line = "";
  private escape = "";
  feed(text: string): { echo: string; lines: string[]; interrupt: boolean } {
    let echo = "";
    const lines: string[] = [];
    let interrupt = false;
    for (const ch of text) {
      if (this.escape) {
        // an escape sequence (arrows, function keys): not line editing this terminal does
        this.escape += ch;
        if (this.escape.length > 1 && /[A-Za-z~]/.test(ch)) this.escape = "";
        if (this.escape.length > 16) this.escape = "";
        continue;
      }
      if (ch === "\x1b") { this.escape = ch; continue; }
      if (ch === "\r" || ch === "\n") {
        echo += "\r\n";
        lines.push(this.line);
        this.line = "";
      } else if (ch === "\x7f" || ch === "\b") {
        if (this.line.length > 0) {
          this.line = [...this.line].slice(0, -1).join("");
          echo += "\b \b";
        }
      } else if (ch === "\x03") {
        echo += "^C\r\n";
        this.line = "";
        interrupt = true;
      } else if (ch === "\x15") {
        echo += "\b \b".repeat([...this.line].length);
        this.line = "";
      } else if (ch === "\x04") {
        // end of input on an empty line: the shell exits as on `exit`
        if (this.line === "") lines.push("exit");
      } else if (ch >= " " || ch === "\t") {
        if (this.line.length < 4096) {
          this.line += ch;
          echo += ch;
        }
      }
    }
    return { echo, lines, interrupt };
  }
}

/** attach: what the container writes from now on, until it stops (then the session ends with success). */
function attach(session: Session, opts: ConnectOptions, write: (ch: number, d: string | Buffer) => void, finish: (st: Status) => void): void {
  let from = -1;
  let stopped = false;
  session.onOutput((o) => {
    if (o.type !== "AttachOutput") return;
    // the first read only finds where the log ends: attach shows what comes after
    if (from >= 0) {
      for (const l of o.lines) {
        const text = opts.tty ? `${l.line}\r\n` : `${l.line}\n`;
        if (l.stream === "stderr" && opts.stderr && !opts.tty) write(channel.stderr, text);
        else if (opts.stdout) write(channel.stdout, text);
      }
    }
    from = o.next;
    if (!o.running) {
      stopped = true;
      return finish(exitStatus(0));
    }
    setTimeout(() => !stopped && session.send({ type: "AttachRead", since: from }), attachPollMs).unref();
  });
  session.send({ type: "AttachRead", since: Number.MAX_SAFE_INTEGER });
  const close = session.close;
  session.close = () => {
    stopped = true;
    close();
  };
}

/**
 * Handles an upgrade request for pods/<name>/exec|attach|portforward; `answer` is the HTTP answer
 * for everything else (a non-upgrade request gets "Upgrade request required").
 */
export async function serveConnect(
  cluster: Cluster, req: IncomingMessage, socket: Duplex, head: Buffer,
  base: Omit<ApiRequest, "type" | "id" | "verb" | "body">, q: URLSearchParams,
): Promise<void> {
  const sub = base.subresource as "exec" | "attach" | "portforward";
  const refused = await podConnectRefusal(cluster, base, req.method ?? "GET", q);
  if (refused) return refuseWithStatus(socket, refused);
  const opts = connectOptions(q);
  const loc = await locate(cluster, base, opts);
  if (!isLocation(loc)) return refuseWithStatus(socket, loc);
  const upgrade = String(req.headers.upgrade ?? "").toLowerCase();
  // the proxy handler requires an upgrade (UpgradeAwareHandler with UpgradeRequired)
  if (upgrade === "" || !/\bupgrade\b/i.test(String(req.headers.connection ?? ""))) return refuseWithStatus(socket, S.badRequest("Upgrade request required"));
  // UpgradeAwareHandler's DialForUpgrade (apimachinery/pkg/util/proxy/upgradeaware.go), for everything
  // but v5, which the stream translator upgrades first: a failed dial is the responder's 500
  const v5 = upgrade === "websocket" && sub !== "portforward" && offeredProtocols(req).includes("v5.channel.k8s.io");
  const dialled = dialKubelet(cluster, loc.host, loc.port);
  if (!v5 && "error" in dialled) return refuseWithStatus(socket, dialError(`error dialing backend: ${dialled.error}`));
  if (upgrade !== "websocket") {
    // SPDY (kubectl's fallback) is not served: podflow speaks the WebSocket protocols only
    return refuseWithStatus(socket, S.badRequest(`unable to upgrade: podflow serves ${sub} over WebSockets (${sub === "portforward" ? portForwardTunnelProtocol : execProtocols.join(", ")}), not ${req.headers.upgrade ?? "this protocol"}`));
  }
  const offered = offeredProtocols(req);
  if (sub === "portforward") {
    if (!offered.includes(portForwardTunnelProtocol)) return refuseUpgrade(socket, 403, "", "text/plain; charset=utf-8");
    const ws = await acceptWebSocket(req, socket, head, portForwardTunnelProtocol);
    return servePortForwardTunnel(cluster, loc, ws);
  }
  const protocol = offered.find((p) => (execProtocols as readonly string[]).includes(p));
  // wsstream's handshake: none of the offered subprotocols is served
  if (!protocol) return refuseUpgrade(socket, 403, "", "text/plain; charset=utf-8");
  if (protocol === "v5.channel.k8s.io") return serveRemoteCommand(cluster, loc, sub, opts, await acceptWebSocket(req, socket, head, protocol), protocol);
  // Only v5 goes through the API server's stream translator (which upgrades first, then reports
  // the kubelet's refusal on the error channel); an older protocol is proxied to the kubelet as it
  // is, so the kubelet's refusal (its code and text: 400 no stream, 404 no pod, 500 from
  // streaming.WriteError) is the handshake's answer.
  const opened = await openRemoteCommand(cluster, loc, sub, opts);
  if ("dial" in opened) return refuseWithStatus(socket, dialError(`error dialing backend: ${opened.message}`));
  if (!("id" in opened)) return refuseUpgrade(socket, opened.code, opened.message, "text/plain; charset=utf-8");
  // the client left while the kubelet answered: nobody to stream to
  if (socket.destroyed) return opened.close();
  return serveRemoteCommand(cluster, loc, sub, opts, await acceptWebSocket(req, socket, head, protocol), protocol, opened);
}
