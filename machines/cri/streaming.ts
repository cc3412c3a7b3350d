// The runtime's streaming server (containerd's CRI streaming server, pkg/cri/streaming): Exec,
// Attach and PortForward each open a session the caller then streams on. An exec'd command is a
// process beside the container's own, in its world (its filesystem, env and pod network), and
// runs as that one does: a value (workload/process.ts) driven turn by turn, suspended on its
// sleeps and on the network (DNS queries to cluster DNS, connections through kube-proxy) and
// resumed when the time has passed or the answer came. What it writes is sent as it is written.
// A terminal exec of a shell is interactive: the session keeps the shell's state between the
// lines typed at it. Attach reads what the container writes; port-forward reaches the listeners
// of the pod's network namespace.

import type { Fx } from "../common/effects.js";
import { currentOf } from "../common/step.js";
import { carryOut, containerState, execEnv, exitContainer, exitOnSignal, forkPid, psAnswer, sysinfoAnswer, signalPid, signalsMainProcess, httpTo, isRunning, listenerIn, maxEffectsPerTurn, newId, startConnect, startDns, startPing, reachOut, worldOf, type CriContainer, type CriContext, type OutwardEnd, type SignalledEnd } from "./cri.logic.js";
import { digestOf } from "../common/digest.js";
import { effectiveArgv } from "./workload/index.js";
import { nginxRespawn, pidNamespaceOf, takePid } from "./procs.js";
import { lineResultOf, openTurn, startProcess, type ExecSpec, type ProcessValue, type World } from "./workload/process.js";
import { interactiveShell, promptOf, type ShellSnapshot } from "./workload/exec.js";
import type { Effect, EffectResult } from "./workload/types.js";
import { envRecord, type CriStreamAnswer, type CriStreamRequest, type StreamMessage, type StreamOutput } from "./messages.js";

/** Sessions a node's streaming server holds at once; past it a new one is refused. */
export const maxStreamSessions = 256;
/** The output an exec may write over its run; the rest is cut. */
export const maxExecOutputChars = 64 * 1024 * 1024;

/** A session: what it streams to, and who streams on it. */
export type StreamSession =
  | {
    kind: "exec"; containerId: string; cmd: readonly string[]; tty: boolean; owner: string; shell?: ShellSnapshot; width?: number; height?: number; running: boolean; main?: boolean;
    /** its process's pid in the container's pid namespace (procs.ts), taken when the exec starts */
    pid?: number;
    /** a signal killed its process: the exec is over, nothing more runs on it */
    killed?: true;
    /** the exec'd process while it runs (a value: its turns replay into a fresh generator) */
    proc?: ProcessValue;
    /** the line typed, when the process is one line of the interactive shell */
    line?: string;
    /** what it wrote so far, bounded by maxExecOutputChars */
    written?: number;
    /** a typed line's output so far, for the container's log (the container's own shell, attached to) */
    transcript?: string;
  }
  | { kind: "attach"; containerId: string; owner: string }
  | { kind: "portforward"; sandboxId: string; owner: string };

/** A session's exec'd process slept and its time has passed: it runs on. */
export type StreamTimerEvent = { type: "StreamTimer"; session: string };

type ExecSession = Extract<StreamSession, { kind: "exec" }>;

function sessionId(ctx: CriContext): string {
  return newId(ctx, "stream").replace(/^sha256:/, "").slice(0, 8);
}

/**
 * containerd's exec id, which its errors name: util.GenerateID's 32 bytes in hex (execInternal),
 * not the streaming server's short URL token; drawn from the session so no id is consumed.
 */
function execIdOf(ctx: CriContext, session: string): string {
  return digestOf(`${ctx.node}/exec/${session}`);
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
    // a shell started with stdin open (kubectl run -i, -it): attaching to its stdin is talking to it,
    // through its terminal when it has one (spec.tty), else through the pipe containerd holds open
    const main = req.stdin && c.spec.stdin && req.tty === (c.spec.tty === true) ? interactiveShell(effectiveArgv(c.image, c.spec.command, c.spec.args), currentOf(c.image)) : undefined;
    if (main) {
      ctx.streams.set(session, { kind: "exec", containerId: c.id, cmd: [], tty: req.tty, owner: req.replyTo, running: false, main: true, shell: withEnv(main, c) });
      // its prompt was written before anyone attached: kubectl tells its user to press enter;
      // stdinOnce: containerd closes the container's stdin when this attach's stdin ends
      return answer({ type: "StreamReady", id: req.id, session, interactive: true, ...(c.spec.stdinOnce === true ? { closesStdin: true } : {}) });
    }
    ctx.streams.set(session, { kind: "attach", containerId: c.id, owner: req.replyTo });
    return answer({ type: "StreamReady", id: req.id, session });
  }
  const shell = req.tty ? interactiveShell(req.cmd, currentOf(c.image)) : undefined;
  // runc exec starts the process in the container's pid namespace: it takes the namespace's next pid
  const pid = takePid(pidNamespaceOf(ctx, c));
  ctx.streams.set(session, { kind: "exec", containerId: c.id, cmd: [...req.cmd], tty: req.tty, owner: req.replyTo, running: false, pid, ...(shell ? { shell: withEnv(shell, c) } : {}) });
  answer({ type: "StreamReady", id: req.id, session, ...(shell ? { prompt: promptOf(withEnv(shell, c), hostnameOf(c), c.user.uid), interactive: true } : {}) });
}

/** A new shell starts from the container's environment. */
function withEnv(shell: ShellSnapshot, c: CriContainer): ShellSnapshot {
  if (shell.vars.length > 0) return shell;
  const env = execEnv(c);
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
    // the caller hung up: its exec'd process is left to the container (never resumed, never answered)
    ctx.streams.delete(msg.session);
    fx.cancel(`stream/${msg.session}`);
    fx.cancel(`stream/${msg.session}/net`);
    for (const [id, w] of ctx.waits) if (w.session === msg.session) ctx.waits.delete(id);
    return;
  }
  const send = (o: StreamOutput) => fx.send(s.owner, o);
  if (s.kind === "exec") {
    if (msg.type === "ExecResize") return void ctx.streams.set(msg.session, { ...s, width: msg.width, height: msg.height });
    if (msg.type !== "ExecRun" && msg.type !== "ExecLine") return;
    // one command at a time: a line typed while one runs is the terminal's to buffer
    if (s.running || s.killed) return;
    const c = ctx.containers.get(s.containerId);
    if (!c || !isRunning(c)) return send({ type: "ExecOutput", session: msg.session, stdout: "", stderr: "", error: `failed to exec in container: failed to create exec "${execIdOf(ctx, msg.session)}": cannot exec in a stopped state: unknown` });
    const env = msg.type === "ExecLine" && s.shell ? Object.fromEntries(s.shell.vars) : execEnv(c);
    const exec: ExecSpec = msg.type === "ExecLine" && s.shell ? { line: msg.line, snap: currentOf(s.shell), env } : { argv: [...s.cmd], stdin: msg.type === "ExecRun" ? msg.stdin : msg.line, env, ...(s.tty ? { tty: true } : {}) };
    // the value outlives the step: it holds what the step found, never the draft's proxies
    const proc = startProcess({ image: currentOf(c.image), env, ports: [], startedAt: ctx.now, layout: currentOf(c.layout), user: currentOf(c.user), exec });
    if (proc.startError !== undefined) return send({ type: "ExecOutput", session: msg.session, stdout: "", stderr: "", error: `failed to exec in container: failed to start exec "${execIdOf(ctx, msg.session)}": ${proc.startError}` });
    const { line: _previous, ...rest } = s;
    const started: ExecSession = { ...rest, running: true, proc, written: 0, ...("line" in exec ? { line: exec.line } : {}), ...(s.main ? { transcript: "" } : {}) };
    ctx.streams.set(msg.session, started);
    return runExec(ctx, c, started, msg.session, undefined, fx);
  }
  if (s.kind === "attach") {
    if (msg.type !== "AttachRead") return;
    const c = ctx.containers.get(s.containerId);
    const size = c ? c.logs.size : 0;
    const since = Number.isSafeInteger(msg.since) ? Math.min(Math.max(0, msg.since), size) : size;
    return send({ type: "AttachOutput", session: msg.session, lines: c ? c.logs.slice(since) : [], next: size, running: c !== undefined && isRunning(c) });
  }
  if (msg.type === "PortForwardDial") {
    const l = listenerIn(ctx, s.sandboxId, msg.port);
    return send({ type: "PortForwardDialed", session: msg.session, requestId: msg.requestId, ...(l ? {} : { error: portForwardRefused(s.sandboxId, msg.port) }) });
  }
  if (msg.type === "PortForwardHttp") {
    if (!listenerIn(ctx, s.sandboxId, msg.port)) return send({ type: "PortForwardHttpResult", session: msg.session, requestId: msg.requestId, error: portForwardRefused(s.sandboxId, msg.port) });
    const r = httpTo(ctx, s.sandboxId, "127.0.0.1", msg.port, msg.path, "127.0.0.1", false, undefined, msg.method);
    if (!r || r.type !== "http" || "error" in r) return send({ type: "PortForwardHttpResult", session: msg.session, requestId: msg.requestId, error: portForwardRefused(s.sandboxId, msg.port) });
    return send({ type: "PortForwardHttpResult", session: msg.session, requestId: msg.requestId, status: r.status, ...(r.body !== undefined ? { body: r.body } : {}) });
  }
}

/** containerd's error for a forwarded port nothing listens on (portForward in the sandbox's netns). */
function portForwardRefused(sandboxId: string, port: number): string {
  return `error forwarding port ${port} to pod ${sandboxId}, uid : failed to execute portforward in network namespace "/var/run/netns/cni-${sandboxId.slice(0, 8)}": failed to connect to localhost:${port} inside namespace "${sandboxId}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused IPv6 dial tcp6 [::1]:${port}: connect: connection refused `;
}

/** A session's exec'd process slept its time: it runs on (unless the caller hung up meanwhile). */
export function streamTimer(ctx: CriContext, ev: StreamTimerEvent, fx: Fx): void {
  resumeExec(ctx, ev.session, undefined, fx);
}

/** Resumes a session's exec'd process with an answer (a DNS answer, a connection's result, undefined after a sleep). */
export function resumeExec(ctx: CriContext, session: string, answer: EffectResult, fx: Fx): void {
  const s = ctx.streams.get(session);
  if (!s || s.kind !== "exec" || !s.proc) return;
  const c = ctx.containers.get(s.containerId);
  if (!c || !isRunning(c)) return;
  runExec(ctx, c, s, session, answer, fx);
}

/** How a turn of an exec'd process ended. */
type ExecEnd = { kind: "done"; code: number } | { kind: "blocked" } | { kind: "sleep"; ms: number } | OutwardEnd;

/**
 * One turn of a session's exec'd process: it runs until it sleeps, waits on the network, blocks
 * or ends; what it wrote goes to the caller now, then the runtime acts on how it stopped.
 */
/** The applets that read the process table through the ps effect. */
const procReaders = new Set(["ps", "pgrep", "pkill"]);

function runExec(ctx: CriContext, c: CriContainer, s: ExecSession, session: string, first: EffectResult, fx: Fx): void {
  let out = "";
  let err = "";
  let written = s.written ?? 0;
  const write = (stream: "stdout" | "stderr", text: string) => {
    const kept = text.slice(0, Math.max(0, maxExecOutputChars - written));
    if (kept === "") return;
    written += kept.length;
    if (stream === "stdout") out += kept;
    else err += kept;
  };
  const base = worldOf(ctx, c);
  const world: World = { ...base, log: (_stream, line) => write("stdout", `${line}\n`), write, bound: (port) => listenerIn(ctx, c.sandboxId, port) !== undefined };
  const turn = openTurn(s.proc!, world);
  // set once the command signalled the container's main process to its end
  let pid1Exit: number | undefined;
  let end: ExecEnd;
  // processes of the namespace it signalled to their end (other containers' main processes, other execs)
  const ended: SignalledEnd[] = [];
  try {
    end = execTurn(ctx, c, s, session, turn.next, first, (code) => void (pid1Exit ??= code), ended);
  } finally {
    s = { ...s, proc: turn.close(), written, ...(s.main && s.transcript !== undefined ? { transcript: s.transcript + out + err } : {}) };
    ctx.streams.set(session, s);
  }
  carryOut(ctx, ended, fx);
  const piece = { type: "ExecOutput" as const, session, stdout: out, stderr: err };
  const send = (o: StreamOutput) => fx.send(s.owner, o);
  // the main process it signalled ended: the container stops, and this process with it unless it ended first
  if (pid1Exit !== undefined) {
    finish(ctx, c, session, s, end.kind === "done" ? { ...piece, exitCode: end.code } : { ...piece, exitCode: 137 }, fx);
    return exitContainer(ctx, c, pid1Exit, pid1Exit === 0 ? "Completed" : "Error", fx);
  }
  switch (end.kind) {
    case "done": {
      const result = s.line !== undefined ? lineResultOf(s.proc!) : undefined;
      if (result === undefined) return finish(ctx, c, session, s, { ...piece, exitCode: end.code }, fx);
      const typed = { ...s, shell: result.snap };
      if (result.exited !== undefined) return finish(ctx, c, session, typed, { ...piece, exitCode: result.exited }, fx);
      return finish(ctx, c, session, typed, { ...piece, prompt: promptOf(result.snap, hostnameOf(c), c.user.uid) }, fx);
    }
    case "blocked": return finish(ctx, c, session, s, { ...piece, blocked: true }, fx);
  }
  // it runs on: what it wrote so far goes out now
  if (out !== "" || err !== "") send({ ...piece, partial: true });
  switch (end.kind) {
    // an exec's sleep is steady state, like the container's own: it never keeps settle() busy
    case "sleep": return fx.after(`stream/${session}`, end.ms, { type: "StreamTimer", session } satisfies StreamTimerEvent, true);
    case "dns": return startDns(ctx, c, "dns", end.name, 0, "/", fx, session, undefined, end.qtype);
    case "connect": return startConnect(ctx, c, end.ip, end.port, end.path, fx, session, end.headers, end.timeoutMs, end.tls);
    case "resolve": return startDns(ctx, c, "resolve", end.host, end.port, end.path, fx, session, end.headers, undefined, end.timeoutMs, end.tls);
    case "ping": return startPing(ctx, c, end.ip, end.timeoutMs, fx, session);
  }
}

/** The exec'd process ended (or blocks for good): its last output, and the session free for the next command. */
function finish(ctx: CriContext, c: CriContainer, session: string, s: ExecSession, o: Extract<StreamOutput, { type: "ExecOutput" }>, fx: Fx): void {
  // the transcript is the main process's log once written (mainProcessTyped)
  const { proc: _ended, transcript: _logged, ...free } = s;
  ctx.streams.set(session, { ...free, running: false });
  fx.send(s.owner, o);
  if (s.main) mainProcessTyped(ctx, c, s, o, fx);
}

/**
 * The container's own shell was typed at: what it wrote is its log (kubectl logs shows the
 * session), and its exit is the container's.
 */
function mainProcessTyped(ctx: CriContext, c: CriContainer, s: ExecSession, o: Extract<StreamOutput, { type: "ExecOutput" }>, fx: Fx): void {
  const w = worldOf(ctx, c);
  // a terminal echoes the line typed; a pipe does not
  const typed = s.tty ? `${s.line ?? ""}\n` : "";
  for (const l of `${typed}${s.transcript ?? ""}`.split("\n").slice(0, -1)) w.log("stdout", l);
  if (o.exitCode !== undefined && o.blocked === undefined) exitContainer(ctx, c, o.exitCode, o.exitCode === 0 ? "Completed" : "Error", fx);
}

/**
 * The effects of one turn, answered: the local ones at once (the filesystem, its own pod's
 * listeners, a signal to the main process); a sleep or the network ends the turn.
 */
function execTurn(ctx: CriContext, c: CriContainer, s: ExecSession, session: string, next: (input: EffectResult) => IteratorResult<Effect, number>, first: EffectResult, signalled: (code: number) => void, ended: SignalledEnd[]): ExecEnd {
  let input = first;
  let pid1 = false;
  for (let i = 0; i < maxEffectsPerTurn; i++) {
    const r = next(input);
    if (r.done) return { kind: "done", code: r.value };
    input = undefined;
    const e = r.value;
    // once the main process is told to end, this one dies with the container the next time it would wait
    if (pid1 && (e.type === "wait" || e.type === "input" || (e.type === "sleep" && e.ms > 0) || e.type === "dns" || e.type === "http" || e.type === "ping")) return { kind: "blocked" };
    if (e.type === "wait" || e.type === "input") return { kind: "blocked" };
    if (e.type === "sleep") {
      if (e.ms > 0) return { kind: "sleep", ms: e.ms };
      continue;
    }
    if (e.type === "signal") {
      let code: number | undefined;
      if (e.pid !== undefined) {
        const r = pid1 ? { result: { type: "signal" as const, matched: false } } : signalPid(ctx, c, c.user, e.pid, e.signal);
        input = r.result;
        if ("target" in r && r.target !== undefined && r.exit !== undefined) {
          if (r.target === c) code = r.exit;
          else ended.push({ container: r.target, code: r.exit });
        }
        // another exec's process; its own signal to itself is not modelled
        if ("session" in r && r.session !== undefined && r.session.id !== session) ended.push(r.session);
      } else {
        const matched = !pid1 && signalsMainProcess(c, e);
        input = { type: "signal", matched };
        code = matched ? exitOnSignal(c, e.signal) : undefined;
        // nginx -s reload: the master starts new workers
        if (matched && e.signal === 1) nginxRespawn(c, pidNamespaceOf(ctx, c), 1);
      }
      if (code !== undefined) {
        pid1 = true;
        signalled(code);
      }
      continue;
    }
    // a background job's process, named by $!: the namespace's next pid
    if (e.type === "fork") {
      input = { type: "fork", pid: forkPid(ctx, c) };
      continue;
    }
    if (e.type === "ps") {
      // a command typed at a shell (or run by one) is forked; an exec of ps (or pgrep, pkill) itself is the session's process
      const self = s.shell !== undefined || s.main || s.cmd.length === 0 || !procReaders.has(baseName(s.cmd[0])) ? forkPid(ctx, c) : s.pid ?? forkPid(ctx, c);
      input = psAnswer(ctx, c, { pid: self, argv: e.args }, e.pipeline);
      continue;
    }
    if (e.type === "sysinfo") {
      input = sysinfoAnswer(ctx);
      continue;
    }
    const out = reachOut(ctx, c, e);
    if (out !== undefined && "answer" in out) input = out.answer;
    else if (out !== undefined) return out;
    // allocate and burn: an exec's memory and CPU are not counted
  }
  return { kind: "blocked" };
}

function baseName(a: string | undefined): string {
  return (a ?? "").slice((a ?? "").lastIndexOf("/") + 1);
}
