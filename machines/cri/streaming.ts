// The runtime's streaming server (containerd's CRI streaming server, pkg/cri/streaming): Exec,
// Attach and PortForward each open a session the caller then streams on. An exec'd command runs
// in the container's world (its filesystem, env and pod network) to its end in one step; its
// answer is sent when its simulated time has passed. A terminal exec of a shell is interactive:
// the session keeps the shell's state between the lines typed at it. Attach reads what the
// container writes; port-forward reaches the listeners of the pod's network namespace.

import type { Fx } from "../common/effects.js";
import { currentOf } from "../common/step.js";
import { containerState, exitContainer, httpTo, newId, isRunning, listenerIn, runToEnd, worldOf, type CriContainer, type CriContext } from "./cri.logic.js";
import { effectiveArgv } from "./workload/index.js";
import { execIO } from "./workload/process.js";
import { execProcess, interactiveShell, promptOf, shellLine, type ShellSnapshot } from "./workload/exec.js";
import type { Streams } from "./workload/shell.js";
import { envRecord, type CriStreamAnswer, type CriStreamRequest, type StreamMessage, type StreamOutput } from "./messages.js";

/** Sessions a node's streaming server holds at once; past it a new one is refused. */
export const maxStreamSessions = 256;
/** The simulated time an exec may take in one step; past it, it counts as blocked for good. */
export const maxExecMs = 60 * 60 * 1000;
/** The output an exec may write in one step; the rest is cut. */
export const maxExecOutputChars = 64 * 1024 * 1024;
/** The most pieces an exec's output is sent in (what it wrote before each sleep); more are merged. */
export const maxExecParts = 1000;

/** A session: what it streams to, and who streams on it. */
export type StreamSession =
  | { kind: "exec"; containerId: string; cmd: readonly string[]; tty: boolean; owner: string; shell?: ShellSnapshot; width?: number; height?: number; running: boolean; main?: boolean; /** timers of output pieces still due */ parts?: number }
  | { kind: "attach"; containerId: string; owner: string }
  | { kind: "portforward"; sandboxId: string; owner: string };

/** A session's exec answer came due (its simulated time passed). */
export type StreamTimerEvent = { type: "StreamTimer"; session: string; output: StreamOutput; partial?: boolean };

/** What an exec wrote before one of its sleeps, and when (ms into its run). */
interface Part {
  atMs: number;
  stdout: string;
  stderr: string;
}

/** The result of running an exec in one step: its pieces of output over time, then its end. */
interface Ran {
  output: StreamOutput;
  elapsedMs: number;
  parts: Part[];
  /** the command signalled the container's main process to its end: it exits with this code */
  pid1Exit?: number;
}

function sessionId(ctx: CriContext): string {
  return newId(ctx, "stream").replace(/^sha256:/, "").slice(0, 8);
}

/** Exec, Attach, PortForward from the kubelet: a session, or the runtime's refusal. */
export function openStream(ctx: CriContext, req: CriStreamRequest, fx: Fx): void {
  const answer = (a: CriStreamAnswer) => fx.send(req.replyTo, a);
  if (ctx.streams.size >= maxStreamSessions) return answer({ type: "StreamRefused", id: req.id, code: 500, message: "rpc error: code = ResourceExhausted desc = too many streaming sessions" });
  if (req.type === "PortForward") {
    const sb = ctx.sandboxes.get(req.sandboxId);
    if (!sb) return answer({ type: "StreamRefused", id: req.id, code: 404, message: `rpc error: code = NotFound desc = an error occurred when try to find sandbox "${req.sandboxId}": not found` });
    const session = sessionId(ctx);
    ctx.streams.set(session, { kind: "portforward", sandboxId: req.sandboxId, owner: req.replyTo });
    return answer({ type: "StreamReady", id: req.id, session });
  }
  const c = ctx.containers.get(req.containerId);
  if (!c) return answer({ type: "StreamRefused", id: req.id, code: 404, message: `rpc error: code = NotFound desc = an error occurred when try to find container "${req.containerId}": not found` });
  if (!isRunning(c)) return answer({ type: "StreamRefused", id: req.id, code: 500, message: `rpc error: code = FailedPrecondition desc = container is in ${containerState(c)} state` });
  const session = sessionId(ctx);
  if (req.type === "Attach") {
    // a shell started with a terminal (kubectl run -it): attaching to its stdin is talking to it
    const main = req.stdin && req.tty && c.spec.stdin && c.spec.tty ? interactiveShell(effectiveArgv(c.image, c.spec.command, c.spec.args), currentOf(c.image)) : undefined;
    if (main) {
      ctx.streams.set(session, { kind: "exec", containerId: c.id, cmd: [], tty: true, owner: req.replyTo, running: false, main: true, shell: withEnv(main, c) });
      // its prompt was written before anyone attached: kubectl tells its user to press enter
      return answer({ type: "StreamReady", id: req.id, session, interactive: true });
    }
    ctx.streams.set(session, { kind: "attach", containerId: c.id, owner: req.replyTo });
    return answer({ type: "StreamReady", id: req.id, session });
  }
  const shell = req.tty ? interactiveShell(req.cmd, currentOf(c.image)) : undefined;
  ctx.streams.set(session, { kind: "exec", containerId: c.id, cmd: [...req.cmd], tty: req.tty, owner: req.replyTo, running: false, ...(shell ? { shell: withEnv(shell, c) } : {}) });
  answer({ type: "StreamReady", id: req.id, session, ...(shell ? { prompt: promptOf(withEnv(shell, c), hostnameOf(c)), interactive: true } : {}) });
}

/** A new shell starts from the container's environment. */
function withEnv(shell: ShellSnapshot, c: CriContainer): ShellSnapshot {
  if (shell.vars.length > 0) return shell;
  const env = { ...c.image.env, ...envRecord(c.env) };
  const vars = Object.entries(env) as [string, string][];
  return { ...shell, vars, exported: vars.map(([k]) => k) };
}

function hostnameOf(c: CriContainer): string {
  return envRecord(c.env).HOSTNAME ?? "localhost";
}

/** The caller's traffic on a session. */
export function onStreamMessage(ctx: CriContext, msg: StreamMessage, fx: Fx): void {
  const s = ctx.streams.get(msg.session);
  if (!s) return;
  if (msg.type === "StreamClose") {
    ctx.streams.delete(msg.session);
    fx.cancel(`stream/${msg.session}`);
    if (s.kind === "exec") for (let i = 1; i <= (s.parts ?? 0); i++) fx.cancel(`stream/${msg.session}/${i}`);
    return;
  }
  const send = (o: StreamOutput) => fx.send(s.owner, o);
  if (s.kind === "exec") {
    if (msg.type === "ExecResize") {
      s.width = msg.width;
      s.height = msg.height;
      return;
    }
    if (msg.type !== "ExecRun" && msg.type !== "ExecLine") return;
    // one command at a time: a line typed while one runs is the terminal's to buffer
    if (s.running) return;
    const c = ctx.containers.get(s.containerId);
    if (!c || !isRunning(c)) return send({ type: "ExecOutput", session: msg.session, stdout: "", stderr: "", error: `failed to exec in container: failed to create exec "${msg.session}": cannot exec in a stopped state: unknown` });
    const out = msg.type === "ExecLine" && s.shell ? runLine(ctx, c, s, msg.line, msg.session) : runOnce(ctx, c, s, msg.type === "ExecRun" ? msg.stdin : msg.line, msg.session);
    if (s.main && out.output.type === "ExecOutput") mainProcessTyped(ctx, c, msg.type === "ExecLine" ? msg.line : "", out, fx);
    if (out.pid1Exit !== undefined) exitContainer(ctx, c, out.pid1Exit, out.pid1Exit === 0 ? "Completed" : "Error", fx);
    // what it wrote before each sleep is sent when that sleep began
    const parts = mergeParts(out.parts);
    s.parts = 0;
    for (const p of parts) {
      const piece: StreamOutput = { type: "ExecOutput", session: msg.session, stdout: p.stdout, stderr: p.stderr, partial: true };
      if (p.atMs <= 0) send(piece);
      else fx.after(`stream/${msg.session}/${++s.parts}`, p.atMs, { type: "StreamTimer", session: msg.session, output: piece, partial: true } satisfies StreamTimerEvent, true);
    }
    if (out.elapsedMs <= 0) return send(out.output);
    s.running = true;
    // the answer is due when the command's simulated time has passed
    fx.after(`stream/${msg.session}`, out.elapsedMs, { type: "StreamTimer", session: msg.session, output: out.output } satisfies StreamTimerEvent, true);
    return;
  }
  if (s.kind === "attach") {
    if (msg.type !== "AttachRead") return;
    const c = ctx.containers.get(s.containerId);
    const size = c ? c.logs.size : 0;
    const since = Number.isSafeInteger(msg.since) ? Math.min(Math.max(0, msg.since), size) : size;
    return send({ type: "AttachOutput", session: msg.session, lines: c ? c.logs.slice(since).toArray() : [], next: size, running: c !== undefined && isRunning(c) });
  }
  if (msg.type === "PortForwardDial") {
    const l = listenerIn(ctx, s.sandboxId, msg.port);
    return send({ type: "PortForwardDialed", session: msg.session, requestId: msg.requestId, ...(l ? {} : { error: portForwardRefused(s.sandboxId, msg.port) }) });
  }
  if (msg.type === "PortForwardHttp") {
    if (!listenerIn(ctx, s.sandboxId, msg.port)) return send({ type: "PortForwardHttpResult", session: msg.session, requestId: msg.requestId, error: portForwardRefused(s.sandboxId, msg.port) });
    const r = httpTo(ctx, s.sandboxId, "127.0.0.1", msg.port, msg.path, "127.0.0.1");
    if (!r || r.type !== "http" || "error" in r) return send({ type: "PortForwardHttpResult", session: msg.session, requestId: msg.requestId, error: portForwardRefused(s.sandboxId, msg.port) });
    return send({ type: "PortForwardHttpResult", session: msg.session, requestId: msg.requestId, status: r.status, ...(r.body !== undefined ? { body: r.body } : {}) });
  }
}

/**
 * The container's own shell was typed at: what it wrote is its log (kubectl logs shows the
 * session), and its exit is the container's.
 */
function mainProcessTyped(ctx: CriContext, c: CriContainer, line: string, ran: Ran, fx: Fx): void {
  const o = ran.output as Extract<StreamOutput, { type: "ExecOutput" }>;
  const w = worldOf(ctx, c);
  const written = ran.parts.map((p) => p.stdout + p.stderr).join("") + o.stdout + o.stderr;
  for (const l of `${line}\n${written}`.split("\n").slice(0, -1)) w.log("stdout", l);
  if (o.exitCode !== undefined) exitContainer(ctx, c, o.exitCode, o.exitCode === 0 ? "Completed" : "Error", fx);
}

/** containerd's error for a forwarded port nothing listens on (portForward in the sandbox's netns). */
function portForwardRefused(sandboxId: string, port: number): string {
  return `error forwarding port ${port} to pod ${sandboxId}, uid : failed to execute portforward in network namespace "/var/run/netns/cni-${sandboxId.slice(0, 8)}": failed to connect to localhost:${port} inside namespace "${sandboxId}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused IPv6 dial tcp6 [::1]:${port}: connect: connection refused `;
}

/** An exec answer whose time has come: sent unless the caller hung up meanwhile. */
export function streamTimer(ctx: CriContext, ev: StreamTimerEvent, fx: Fx): void {
  const s = ctx.streams.get(ev.session);
  if (!s) return;
  if (s.kind === "exec" && !ev.partial) s.running = false;
  fx.send(s.owner, ev.output);
}

/** Streams that gather what a command writes (bounded), taken piece by piece as it sleeps. */
function collector(): { st: Omit<Streams, "stdin">; out: () => string; err: () => string; parts: Part[]; cut: (atMs: number) => void } {
  let out = "";
  let err = "";
  let total = 0;
  const parts: Part[] = [];
  const add = (cur: string, t: string) => {
    if (total >= maxExecOutputChars) return cur;
    const kept = t.slice(0, maxExecOutputChars - total);
    total += kept.length;
    return cur + kept;
  };
  return {
    st: { out: (t) => void (out = add(out, t)), err: (t) => void (err = add(err, t)) }, out: () => out, err: () => err, parts,
    cut: (atMs) => {
      if (out === "" && err === "") return;
      parts.push({ atMs, stdout: out, stderr: err });
      out = "";
      err = "";
    },
  };
}

/** At most maxExecParts pieces: neighbours merged, each sent when the last of them is due. */
function mergeParts(parts: Part[]): Part[] {
  if (parts.length <= maxExecParts) return parts;
  const size = Math.ceil(parts.length / maxExecParts);
  const out: Part[] = [];
  for (let i = 0; i < parts.length; i += size) {
    const group = parts.slice(i, i + size);
    out.push({ atMs: group[group.length - 1]!.atMs, stdout: group.map((p) => p.stdout).join(""), stderr: group.map((p) => p.stderr).join("") });
  }
  return out;
}

/** The exec'd command run with all of stdin to its end. */
function runOnce(ctx: CriContext, c: CriContainer, s: Extract<StreamSession, { kind: "exec" }>, stdin: string, session: string): Ran {
  const col = collector();
  const io = execIO(c.layout, worldOf(ctx, c), { ...c.image.env, ...envRecord(c.env) }, (l) => col.st.out(l + "\n"), c.user);
  const p = execProcess(s.cmd, io, currentOf(c.image), { stdin, ...col.st }, (port) => listenerIn(ctx, c.sandboxId, port) !== undefined);
  if ("startError" in p) return { output: { type: "ExecOutput", session, stdout: "", stderr: "", error: `failed to exec in container: failed to start exec "${session}": ${p.startError}` }, elapsedMs: 0, parts: [] };
  const end = runToEnd(ctx, c, p.run, maxExecMs, col.cut);
  const base = { type: "ExecOutput" as const, session, stdout: col.out(), stderr: col.err() };
  const pid1 = end.pid1Exit === undefined ? {} : { pid1Exit: end.pid1Exit };
  if (end.kind === "done") return { output: { ...base, exitCode: end.value }, elapsedMs: end.elapsedMs, parts: col.parts, ...pid1 };
  // killed with its container (runc: 137) when the main process it signalled has ended
  if (end.pid1Exit !== undefined) return { output: { ...base, exitCode: 137 }, elapsedMs: end.elapsedMs, parts: col.parts, ...pid1 };
  return { output: { ...base, blocked: true }, elapsedMs: end.elapsedMs, parts: col.parts };
}

/** A line typed at an interactive shell: its output, and the next prompt (or the shell's exit). */
function runLine(ctx: CriContext, c: CriContainer, s: Extract<StreamSession, { kind: "exec" }>, line: string, session: string): Ran {
  const col = collector();
  const snap = s.shell!;
  const env = Object.fromEntries(snap.vars);
  const io = execIO(c.layout, worldOf(ctx, c), env, (l) => col.st.out(l + "\n"), c.user);
  const end = runToEnd(ctx, c, shellLine(line, currentOf(snap), io, currentOf(c.image), { stdin: "", ...col.st }), maxExecMs, col.cut);
  const base = { type: "ExecOutput" as const, session, stdout: col.out(), stderr: col.err() };
  if (end.kind !== "done") return { output: { ...base, blocked: true }, elapsedMs: end.elapsedMs, parts: col.parts };
  s.shell = end.value.snap;
  if (end.value.exited !== undefined) return { output: { ...base, exitCode: end.value.exited }, elapsedMs: end.elapsedMs, parts: col.parts };
  return { output: { ...base, prompt: promptOf(end.value.snap, hostnameOf(c)) }, elapsedMs: end.elapsedMs, parts: col.parts };
}
