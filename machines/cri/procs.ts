// The process table of a pid namespace, as ps, kill and /proc show it to a process inside it.
// A container has a namespace of its own (PID 1 is its entrypoint) unless the pod shares one
// (shareProcessNamespace: the sandbox's, PID 1 is /pause; runtime.v1 NamespaceMode POD) or it is
// an ephemeral container with a targetContainerName (NamespaceMode TARGET: its target's).
// Pids are handed out in order from a counter kept by the namespace's holder (the sandbox, or the
// container that owns it) and never come from the cluster's random stream. The rows are built
// from what runs: each running member's main process (nginx's master and its worker), the exec
// sessions into members, and the caller itself.

import type { Container, EphemeralContainer } from "kubernetes-types/core/v1";
import type { CriContainer, CriContext, Sandbox } from "./cri.logic.js";
import type { ProcRow } from "./workload/types.js";

/** The pid namespace a container's processes live in: the pod's, or the one a container owns. */
export type PidNamespace = { kind: "pod"; sandbox: Sandbox } | { kind: "container"; owner: CriContainer };

/** The pause image's user (kubernetes build/pause/Dockerfile: USER 65535:65535), unless the pod's runAsUser overrides it. */
export const pauseUid = 65535;

/**
 * nginx's docker-entrypoint.sh runs the /docker-entrypoint.d scripts before it execs nginx: their
 * processes take pids 2 to 28 of the container's own namespace, so the first worker is 29, the pid
 * nginx's own log names ("start worker process 29").
 */
const nginxEntrypointPids = 27;

function isRunningNow(c: CriContainer): boolean {
  return typeof c.lifecycle.value === "object" && "CONTAINER_RUNNING" in c.lifecycle.value;
}

/** An ephemeral container's target as the spec names it (EphemeralContainer.targetContainerName). */
export function targetName(spec: Container): string | undefined {
  const t = (spec as EphemeralContainer).targetContainerName;
  return typeof t === "string" && t !== "" ? t : undefined;
}

/** The running container of the sandbox named `name` (its newest attempt), the target an ephemeral container joins. */
export function findTarget(ctx: CriContext, c: CriContainer, name: string): CriContainer | undefined {
  let found: CriContainer | undefined;
  for (const o of ctx.containers.values()) {
    if (o.id === c.id || o.sandboxId !== c.sandboxId || o.name !== name || !isRunningNow(o)) continue;
    if (found === undefined || o.attempt > found.attempt) found = o;
  }
  return found;
}

/** The namespace a container's processes are in. */
export function pidNamespaceOf(ctx: CriContext, c: CriContainer): PidNamespace {
  const sb = ctx.sandboxes.get(c.sandboxId);
  if (sb?.pidNs !== undefined) return { kind: "pod", sandbox: sb };
  const owner = c.pidTarget !== undefined ? ctx.containers.get(c.pidTarget) : undefined;
  return { kind: "container", owner: owner ?? c };
}

/** The next pid of a namespace, taken (the holder's counter moves on). A container's own starts after its PID 1. */
export function takePid(ns: PidNamespace): number {
  if (ns.kind === "pod") {
    const pid = ns.sandbox.pidNs!.next;
    ns.sandbox.pidNs = { ...ns.sandbox.pidNs!, next: pid + 1 };
    return pid;
  }
  const pid = ns.owner.nextPid ?? 2;
  ns.owner.nextPid = pid + 1;
  return pid;
}

/** Whether the container's main process is nginx (its master, which forks the workers). */
function runsNginx(c: CriContainer, mainName: string): boolean {
  return c.image.kind === "nginx" && mainName === "nginx";
}

/**
 * The pids a starting container's processes take: its main process (1 in a namespace of its own)
 * and, for nginx, its worker (worker_processes: one here, as nginx's own log shows). Changes the
 * container and its namespace's counter.
 */
export function assignPids(ctx: CriContext, c: CriContainer, mainName: string, viaEntrypoint: boolean): void {
  const target = targetName(c.spec);
  if (target !== undefined) {
    const t = findTarget(ctx, c, target);
    if (t !== undefined) c.pidTarget = t.id;
  }
  const ns = pidNamespaceOf(ctx, c);
  const own = ns.kind === "container" && ns.owner === c;
  if (!own) c.pid = takePid(ns);
  if (!runsNginx(c, mainName)) return;
  if (viaEntrypoint) {
    if (own) c.nextPid = (c.nextPid ?? 2) + nginxEntrypointPids;
    else for (let i = 0; i < nginxEntrypointPids; i++) takePid(ns);
  }
  c.workers = [takePid(ns)];
}

/** nginx's process titles (ngx_setproctitle: "nginx: " and the title; the master's names its command line). */
function nginxTitles(argv: readonly string[]): { master: string; worker: string } {
  return { master: `nginx: master process ${argv.join(" ")}`, worker: "nginx: worker process" };
}

/** A session's or the caller's row: what it runs. */
export interface ExtraRow {
  readonly containerId: string;
  readonly pid: number;
  readonly argv: readonly string[];
}

/** The main process's command line as /proc shows it, given the argv it was started with after any exec. */
export type MainArgv = (c: CriContainer) => readonly string[];

/** The nginx master's uid: its workers run as the conf's `user nginx` (101) only when it is root. */
const nginxWorkerUid = 101;

/**
 * The rows of a namespace, by pid: /pause (a pod's), each running member's main process and
 * workers, then the extra rows (exec sessions, the caller), each with the uid of its container.
 */
export function processTable(ctx: CriContext, ns: PidNamespace, mainArgv: MainArgv, extra: readonly ExtraRow[]): ProcRow[] {
  const rows: ProcRow[] = [];
  const members = membersOf(ctx, ns);
  if (ns.kind === "pod") rows.push({ pid: 1, uid: ns.sandbox.runAsUser ?? pauseUid, argv: ["/pause"] });
  for (const m of members) {
    const argv = mainArgv(m);
    const name = baseName(argv[0]);
    if (m.workers !== undefined && runsNginx(m, name)) {
      const t = nginxTitles(argv);
      rows.push({ pid: m.pid ?? 1, uid: m.user.uid, argv: [t.master] });
      for (const w of m.workers) rows.push({ pid: w, uid: m.user.uid === 0 ? nginxWorkerUid : m.user.uid, argv: [t.worker] });
    } else rows.push({ pid: m.pid ?? 1, uid: m.user.uid, argv });
  }
  const byId = new Map(members.map((m) => [m.id, m]));
  for (const e of extra) {
    const m = byId.get(e.containerId);
    if (m !== undefined) rows.push({ pid: e.pid, uid: m.user.uid, argv: e.argv });
  }
  return rows.sort((a, b) => a.pid - b.pid);
}

/** The running containers whose processes are in the namespace. */
export function membersOf(ctx: CriContext, ns: PidNamespace): CriContainer[] {
  if (ns.kind === "pod") return ns.sandbox.containers.map((id) => ctx.containers.get(id)).filter((c): c is CriContainer => c !== undefined && isRunningNow(c));
  const out: CriContainer[] = [];
  for (const c of ctx.containers.values()) {
    if (!isRunningNow(c)) continue;
    if (c === ns.owner || c.id === ns.owner.id || c.pidTarget === ns.owner.id) out.push(c);
  }
  return out;
}

function baseName(a: string | undefined): string {
  return (a ?? "").slice((a ?? "").lastIndexOf("/") + 1);
}

/** What a signal to a pid of the namespace reaches. */
export type SignalTarget =
  | { kind: "pause" }
  | { kind: "main"; container: CriContainer }
  | { kind: "worker"; container: CriContainer; pid: number }
  | { kind: "session"; session: string; container: CriContainer };

/** The process a pid names in a namespace, if one runs there. */
export function findPid(ctx: CriContext, ns: PidNamespace, pid: number, sessions: readonly (ExtraRow & { session: string })[]): SignalTarget | undefined {
  if (ns.kind === "pod" && pid === 1) return { kind: "pause" };
  const members = membersOf(ctx, ns);
  for (const m of members) {
    if ((m.pid ?? 1) === pid) return { kind: "main", container: m };
    if (m.workers?.includes(pid)) return { kind: "worker", container: m, pid };
  }
  for (const s of sessions) {
    const m = members.find((x) => x.id === s.containerId);
    if (m !== undefined && s.pid === pid) return { kind: "session", session: s.session, container: m };
  }
  return undefined;
}

/**
 * The nginx master's answer to a signal (ngx_master_process_cycle): HUP reloads, starting a new
 * worker and retiring the old one; a worker that dies (TERM, KILL, QUIT, INT) is forked again
 * (ngx_reap_children respawns it). Each new worker takes the next pid.
 */
export function nginxRespawn(c: CriContainer, ns: PidNamespace, signal: number, workerPid?: number): void {
  if (c.workers === undefined) return;
  if (workerPid === undefined) {
    if (signal === 1) c.workers = c.workers.map(() => takePid(ns));
    return;
  }
  if (signal === 9 || signal === 15 || signal === 3 || signal === 2) c.workers = c.workers.map((w) => (w === workerPid ? takePid(ns) : w));
}

/** The uid a process of the namespace runs as (a signal from another non-root user is refused: EPERM). */
export function uidOf(t: SignalTarget, sandbox: Sandbox | undefined): number {
  switch (t.kind) {
    case "pause": return sandbox?.runAsUser ?? pauseUid;
    case "worker": return t.container.user.uid === 0 ? nginxWorkerUid : t.container.user.uid;
    default: return t.container.user.uid;
  }
}

/**
 * The main process's command line as /proc/<pid>/cmdline has it: the argv it started with, after
 * the execs it makes at once: an image's docker-entrypoint.sh execs its arguments, and `sh -c` with
 * one simple command execs it (ash's, dash's and bash's last command runs without a fork), so the
 * docs' `sh -c "sleep 1h"` is `sleep 1h` as PID 1.
 */
export function mainArgvOf(argv: readonly string[]): readonly string[] {
  let a = argv.length === 0 ? ["app"] : argv;
  if (/^docker-entrypoint(\.sh)?$/.test(baseName(a[0])) && a.length > 1) a = a.slice(1);
  if (["sh", "ash", "bash", "dash"].includes(baseName(a[0])) && a[1] === "-c" && a.length === 3) {
    const script = a[2]!.trim();
    if (/^[A-Za-z0-9_./:=@%+,-]+( +[A-Za-z0-9_./:=@%+,-]+)*$/.test(script) && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(script)) {
      const words = script.split(/ +/);
      if (!shellWords.has(words[0]!)) return words;
    }
  }
  return a;
}

// builtins and keywords: a script of one of them is run by the shell itself, not exec'd
const shellWords = new Set(["exit", "cd", "export", "set", "true", "false", ":", "read", "wait", "kill", "echo", "printf", "test", "[", "while", "until", "if", "for", "case", "exec", "trap", "unset", "eval", "return", "shift", "local"]);

/** The exec sessions of a node as rows: each running exec'd command or interactive shell, with its pid (a container's attached main shell is its main process). */
export function sessionRows(ctx: CriContext): (ExtraRow & { session: string })[] {
  const out: (ExtraRow & { session: string })[] = [];
  for (const [id, s] of ctx.streams) {
    if (s.kind !== "exec" || s.main || s.pid === undefined) continue;
    if (!s.running && s.shell === undefined) continue;
    out.push({ session: id, containerId: s.containerId, pid: s.pid, argv: s.cmd });
  }
  return out;
}
